"""Finds the `cvat-lint` executable this package carries."""
from __future__ import annotations

import os
from pathlib import Path


def find_binary() -> str:
    """The path of the bundled `cvat-lint` binary (`cvat_lint/bin/cvat-lint` in the wheel).

    `CVAT_LINT_BINARY` overrides it (a development build, say). A `cvat-lint` found on the PATH is never used:
    it may be this package's own console script, which would only come back here.
    """
    override = os.environ.get("CVAT_LINT_BINARY")
    if override:
        return override
    bundled = Path(__file__).resolve().parent / "bin" / "cvat-lint"
    if bundled.is_file():
        return str(bundled)
    raise FileNotFoundError("the cvat-lint binary is not in this installation (cvat_lint/bin/cvat-lint): install the "
                            "wheel python/build-wheel.sh builds, or set CVAT_LINT_BINARY to a built cvat-lint")
