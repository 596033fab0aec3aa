#!/usr/bin/env bash
# Times `cvat-lint check` against `xmllint --noout --stream --schema` (with the XSD that
# `cvat-lint schema` prints) on the same synthetic files, and prints a markdown table of
# wall time, MB/s, the ratio and peak RSS (medians of interleaved runs).
#
#   Benchmarks/run.sh [--sizes "10 100 1000"] [--formats "images video"] [--runs 3] [--dir DIR] [--media-mb N] [--apply]
#
# --apply adds a table for `cvat-lint apply` on the same files, per target: the check alone, then apply's
# passes as `apply --timings` reports them (its check of the input, the write pass, its check of the
# output) and the whole run; "write / check" is the write pass against the check alone.
#
# --media-mb N adds a row for media content hashing (media-duplicate): an images export of N MB of XML
# generated with its media, checked with media content read and with --no-media-content.
#
# Files are generated once (Benchmarks/generate.py, seed 1) and kept in DIR for later runs.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="10 100 1000"
formats="images video"
runs=5
dir="${TMPDIR:-/tmp}/cvat-lint-bench"
media_mb=""
apply=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --media-mb) media_mb="$2"; shift 2 ;;
        --apply) apply=1; shift ;;
        --sizes) sizes="$2"; shift 2 ;;
        --formats) formats="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        *) echo "usage: $0 [--sizes \"10 100 1000\"] [--formats \"images video\"] [--runs N] [--dir DIR] [--media-mb N] [--apply]" >&2; exit 2 ;;
    esac
done

if ! command -v xmllint >/dev/null; then
    echo "bench: installing libxml2-utils (xmllint)" >&2
    apt-get install -y -qq libxml2-utils >/dev/null
fi
swift build -c release >&2
bin=.build/release/cvat-lint
mkdir -p "$dir"
"$bin" schema > "$dir/cvat.xsd"

# Prints "wall_seconds peak_rss_kb" for one run of a command (its output is discarded). The file is read
# once before each run so that both tools start from a warm page cache (this machine reclaims it).
measure() {
    local record="$dir/.time"
    cat "$file" > /dev/null
    /usr/bin/time -f "%e %M" -o "$record" "$@" >/dev/null 2>&1 || true
    tail -1 "$record"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| file | MB | xmllint s | xmllint MB/s | cvat-lint s | cvat-lint MB/s | ratio | xmllint RSS MiB | cvat-lint RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for format in $formats; do
    for size in $sizes; do
        export_dir="$dir/$format-$size"
        if [[ ! -f "$export_dir/annotations.xml" ]]; then
            python3 Benchmarks/generate.py "$export_dir" --size-mb "$size" --format "$format" --seed 1
        fi
        file="$export_dir/annotations.xml"
        mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')
        xw=(); xr=(); cw=(); cr=()
        for _ in $(seq "$runs"); do
            read -r w r <<< "$(measure xmllint --noout --stream --schema "$dir/cvat.xsd" "$file")"; xw+=("$w"); xr+=("$r")
            read -r w r <<< "$(measure "$bin" check --target cvat --format json "$export_dir")"; cw+=("$w"); cr+=("$r")
        done
        x=$(printf '%s\n' "${xw[@]}" | median); c=$(printf '%s\n' "${cw[@]}" | median)
        xm=$(printf '%s\n' "${xr[@]}" | median); cm=$(printf '%s\n' "${cr[@]}" | median)
        awk -v f="$format-$size" -v mb="$mb" -v x="$x" -v c="$c" -v xm="$xm" -v cm="$cm" 'BEGIN {
            printf "| %s | %s | %.2f | %.0f | %.2f | %.0f | %.2f× | %.1f | %.1f |\n",
                f, mb, x, mb / (x > 0 ? x : 0.01), c, mb / (c > 0 ? c : 0.01), c / (x > 0 ? x : 0.01), xm / 1024, cm / 1024 }'
    done
done

if [[ -n "$media_mb" ]]; then
    export_dir="$dir/images-$media_mb-media"
    if [[ ! -f "$export_dir/annotations.xml" ]]; then
        python3 Benchmarks/generate.py "$export_dir" --size-mb "$media_mb" --format images --seed 1 --media
    fi
    file="$export_dir/annotations.xml"
    media_bytes=$(du -sb "$export_dir/images" | cut -f1)
    on=(); off=()
    for _ in $(seq "$runs"); do
        read -r w _ <<< "$(measure "$bin" check --target cvat --format json "$export_dir")"; on+=("$w")
        read -r w _ <<< "$(measure "$bin" check --target cvat --format json --no-media-content "$export_dir")"; off+=("$w")
    done
    a=$(printf '%s\n' "${on[@]}" | median); b=$(printf '%s\n' "${off[@]}" | median)
    echo
    echo "| media content (media-duplicate) | media MB | with content s | --no-media-content s | hashing s |"
    echo "|---|---:|---:|---:|---:|"
    awk -v f="images-$media_mb + media" -v m="$media_bytes" -v a="$a" -v b="$b" 'BEGIN {
        printf "| %s | %.1f | %.2f | %.2f | %.2f |\n", f, m / 1048576, a, b, a - b }'
fi

if [[ -n "$apply" ]]; then
    echo
    echo "| file | target | check s | apply s | its check s | write s | its output check s | write / check | apply RSS MiB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for format in $formats; do
        for size in $sizes; do
            export_dir="$dir/$format-$size"
            file="$export_dir/annotations.xml"
            for target in cvat encord; do
                flags=(--target "$target")
                [[ "$target" == encord ]] && flags+=(--allow-loss --drop-invalid)
                ch=(); ap=(); rs=(); ic=(); wr=(); oc=()
                for _ in $(seq "$runs"); do
                    read -r w _ <<< "$(measure "$bin" check --target "$target" --format json "$file")"; ch+=("$w")
                    out="$dir/.apply-out"
                    rm -rf "$out"
                    cat "$file" > /dev/null
                    /usr/bin/time -f "%e %M" -o "$dir/.time" "$bin" apply "${flags[@]}" --timings --out "$out" "$file" \
                        >/dev/null 2>"$dir/.timings" || true
                    read -r w r <<< "$(tail -1 "$dir/.time")"; ap+=("$w"); rs+=("$r")
                    # "timings: check 2.14 s, write 2.20 s, media 0.00 s, output check 0.00 s"
                    read -r c1 w1 o1 <<< "$(sed -n 's/^timings: check \([0-9.]*\) s, write \([0-9.]*\) s, media [0-9.]* s, output check \([0-9.]*\) s$/\1 \2 \3/p' "$dir/.timings")"
                    ic+=("$c1"); wr+=("$w1"); oc+=("$o1")
                done
                rm -rf "$dir/.apply-out"
                c=$(printf '%s\n' "${ch[@]}" | median); a=$(printf '%s\n' "${ap[@]}" | median)
                m=$(printf '%s\n' "${rs[@]}" | median); i=$(printf '%s\n' "${ic[@]}" | median)
                w=$(printf '%s\n' "${wr[@]}" | median); o=$(printf '%s\n' "${oc[@]}" | median)
                awk -v f="$format-$size" -v t="$target" -v c="$c" -v a="$a" -v i="$i" -v w="$w" -v o="$o" -v m="$m" 'BEGIN {
                    printf "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f× | %.1f |\n",
                        f, t, c, a, i, w, o, w / (c > 0 ? c : 0.01), m / 1024 }'
            done
        done
    done
fi
