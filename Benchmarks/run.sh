#!/usr/bin/env bash
# Measures cvat-lint against its yardsticks and prints every ratio in one run, as markdown tables:
#
#   1. `cvat-lint check` against `xmllint --noout --stream --schema` (with the XSD that `cvat-lint schema`
#      prints) on the same annotations.xml, from the export folder and from its zip: wall time, CPU time,
#      peak RSS, and the ratios with the goals beside them;
#   2. `cvat-lint apply` against `cvat-lint check` on the same file, per target (Encord with
#      --allow-loss --drop-invalid), with apply's passes as `apply --timings` reports them.
#
#   Benchmarks/run.sh [--sizes "10 100 1000"] [--formats "images video"] [--runs 5] [--dir DIR]
#                     [--no-apply] [--media-mb N]
#
# Each cell is the median of `--runs` paired runs (the two commands of a row run alternately, the file read
# once before each so that both start from a warm page cache). --media-mb N adds a row for media content
# hashing (media-duplicate). cvat-lint is built as the wheel builds it (--static-swift-stdlib). Files are
# generated once (Benchmarks/generate.py, seed 1) and kept in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="10 100 1000"
formats="images video"
runs=5
dir="${TMPDIR:-/tmp}/cvat-lint-bench"
media_mb=""
apply=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --media-mb) media_mb="$2"; shift 2 ;;
        --no-apply) apply=""; shift ;;
        --sizes) sizes="$2"; shift 2 ;;
        --formats) formats="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        *) echo "usage: $0 [--sizes \"10 100 1000\"] [--formats \"images video\"] [--runs N] [--dir DIR] [--no-apply] [--media-mb N]" >&2
           exit 2 ;;
    esac
done

if ! command -v xmllint >/dev/null; then
    echo "bench: installing libxml2-utils (xmllint)" >&2
    apt-get install -y -qq libxml2-utils >/dev/null
fi
# The binary as the wheel ships it (python/build-wheel.sh): the Swift runtime linked in, whose calls
# (retain, release, exclusivity checks) then go direct rather than through the dynamic linker's table.
swift build -c release --static-swift-stdlib --product cvat-lint >&2
bin=.build/release/cvat-lint
mkdir -p "$dir"
"$bin" schema > "$dir/cvat.xsd"

# Prints "wall_s cpu_s peak_rss_kb" for one run of a command (its output is discarded), after reading
# $warm once so that every command starts from a warm page cache (this machine reclaims it).
measure() {
    local record="$dir/.time"
    cat "$warm" > /dev/null
    /usr/bin/time -f "%e %U %S %M" -o "$record" "$@" >/dev/null 2>"$dir/.stderr" || true
    tail -1 "$record" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

# The median of its arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The export folder (and its zip) for a format and size, generated once.
prepare() {
    local export_dir="$dir/$1-$2"
    if [[ ! -f "$export_dir/annotations.xml" ]]; then
        python3 Benchmarks/generate.py "$export_dir" --size-mb "$2" --format "$1" --seed 1
    fi
    if [[ ! -f "$export_dir.zip" ]]; then
        python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(sys.argv[1]):
        for f in files:
            p = os.path.join(root, f)
            z.write(p, os.path.relpath(p, sys.argv[1]))' "$export_dir" "$export_dir.zip"
    fi
}

echo "| file | from | MB | xmllint s | check s | ratio (goal ≤ 0.80×) | xmllint CPU s | check CPU s | CPU ratio (goal ≤ 1.50×) | xmllint RSS MiB | check RSS MiB (goal ≤ 48) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for format in $formats; do
    for size in $sizes; do
        prepare "$format" "$size"
        export_dir="$dir/$format-$size"
        file="$export_dir/annotations.xml"
        mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')
        for from in folder zip; do
            input="$export_dir"
            warm="$file"
            if [[ "$from" == zip ]]; then input="$export_dir.zip"; warm="$input"; fi
            xw=(); xc=(); xr=(); cw=(); cc=(); cr=()
            for _ in $(seq "$runs"); do
                read -r w c r <<< "$(warm="$file" measure xmllint --noout --stream --schema "$dir/cvat.xsd" "$file")"
                xw+=("$w"); xc+=("$c"); xr+=("$r")
                read -r w c r <<< "$(measure "$bin" check --target cvat --format json "$input")"
                cw+=("$w"); cc+=("$c"); cr+=("$r")
            done
            x=$(median "${xw[@]}"); c=$(median "${cw[@]}")
            xu=$(median "${xc[@]}"); cu=$(median "${cc[@]}")
            xm=$(median "${xr[@]}"); cm=$(median "${cr[@]}")
            awk -v f="$format-$size" -v from="$from" -v mb="$mb" -v x="$x" -v c="$c" -v xu="$xu" -v cu="$cu" \
                -v xm="$xm" -v cm="$cm" 'function ratio(a, b) { return a / (b > 0 ? b : 0.01) } BEGIN {
                printf "| %s | %s | %s | %.2f | %.2f | %.2f× | %.2f | %.2f | %.2f× | %.1f | %.1f |\n",
                    f, from, mb, x, c, ratio(c, x), xu, cu, ratio(cu, xu), xm / 1024, cm / 1024 }'
        done
    done
done

if [[ -n "$media_mb" ]]; then
    export_dir="$dir/images-$media_mb-media"
    if [[ ! -f "$export_dir/annotations.xml" ]]; then
        python3 Benchmarks/generate.py "$export_dir" --size-mb "$media_mb" --format images --seed 1 --media
    fi
    warm="$export_dir/annotations.xml"
    media_bytes=$(du -sb "$export_dir/images" | cut -f1)
    on=(); off=()
    for _ in $(seq "$runs"); do
        read -r w _ _ <<< "$(measure "$bin" check --target cvat --format json "$export_dir")"; on+=("$w")
        read -r w _ _ <<< "$(measure "$bin" check --target cvat --format json --no-media-content "$export_dir")"; off+=("$w")
    done
    a=$(median "${on[@]}"); b=$(median "${off[@]}")
    echo
    echo "| media content (media-duplicate) | media MB | with content s | --no-media-content s | hashing s |"
    echo "|---|---:|---:|---:|---:|"
    awk -v f="images-$media_mb + media" -v m="$media_bytes" -v a="$a" -v b="$b" 'BEGIN {
        printf "| %s | %.1f | %.2f | %.2f | %.2f |\n", f, m / 1048576, a, b, a - b }'
fi

if [[ -n "$apply" ]]; then
    echo
    echo "| file | target | check s | apply s | ratio (goal ≤ 1.50× cvat, ≤ 3.00× encord) | its check s | write s | output check past the write s | apply RSS MiB (goal ≤ 64) |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for format in $formats; do
        for size in $sizes; do
            prepare "$format" "$size"
            file="$dir/$format-$size/annotations.xml"
            warm="$file"
            for target in cvat encord; do
                flags=(--target "$target")
                [[ "$target" == encord ]] && flags+=(--allow-loss --drop-invalid)
                ch=(); ap=(); rs=(); ic=(); wr=(); oc=()
                for _ in $(seq "$runs"); do
                    read -r w _ _ <<< "$(measure "$bin" check --target "$target" --format json "$file")"; ch+=("$w")
                    out="$dir/.apply-out"
                    rm -rf "$out"
                    read -r w _ r <<< "$(measure "$bin" apply "${flags[@]}" --timings --out "$out" "$file")"; ap+=("$w"); rs+=("$r")
                    # "timings: check 2.14 s, write 2.20 s, media 0.00 s, output check 0.00 s (beside the write)"
                    read -r c1 w1 o1 <<< "$(sed -n 's/^timings: check \([0-9.]*\) s, write \([0-9.]*\) s, media [0-9.]* s, output check \([0-9.]*\) s .*$/\1 \2 \3/p' "$dir/.stderr")"
                    ic+=("$c1"); wr+=("$w1"); oc+=("$o1")
                done
                rm -rf "$dir/.apply-out"
                c=$(median "${ch[@]}"); a=$(median "${ap[@]}")
                m=$(median "${rs[@]}"); i=$(median "${ic[@]}")
                w=$(median "${wr[@]}"); o=$(median "${oc[@]}")
                awk -v f="$format-$size" -v t="$target" -v c="$c" -v a="$a" -v i="$i" -v w="$w" -v o="$o" -v m="$m" 'BEGIN {
                    printf "| %s | %s | %.2f | %.2f | %.2f× | %.2f | %.2f | %.2f | %.1f |\n",
                        f, t, c, a, a / (c > 0 ? c : 0.01), i, w, o, m / 1024 }'
            done
        done
    done
fi
