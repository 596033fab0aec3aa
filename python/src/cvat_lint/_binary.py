"""Finds the `cvat-lint` executable this package carries."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def find_binary() -> str:
    """The path of the bundled `cvat-lint` binary.

    `CVAT_LINT_BINARY` overrides it (a development build, say); without it the binary shipped inside the
    wheel is used, and only a source checkout without one falls back to a `cvat-lint` on the PATH that is
    not this package's own console script.
    """
    override = os.environ.get("CVAT_LINT_BINARY")
    if override:
        return override
    bundled = Path(__file__).resolve().parent / "bin" / "cvat-lint"
    if bundled.is_file():
        return str(bundled)
    found = shutil.which("cvat-lint")
    if found and Path(found).resolve() != Path(sys.argv[0]).resolve():
        return found
    raise FileNotFoundError("the cvat-lint binary is not in this installation (cvat_lint/bin/cvat-lint)")
