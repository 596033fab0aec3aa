"""Puts the release binary into the wheel and tags the wheel for this platform, not for every Python.

The binary is built beforehand (`build-wheel.sh`) and found at `$CVAT_LINT_BINARY`, else at
`../.build/release/cvat-lint`. The wheel holds no Python extension, so it suits every Python 3:
`py3-none-<platform>`; `auditwheel repair` then turns the platform into a manylinux tag.
"""
import os
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BinaryHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        binary = Path(os.environ.get("CVAT_LINT_BINARY", root.parent / ".build" / "release" / "cvat-lint"))
        if not binary.is_file():
            raise RuntimeError(f"no cvat-lint binary at {binary}: run python/build-wheel.sh (it builds one first)")
        build_data["pure_python"] = False
        platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        build_data["tag"] = f"py3-none-{platform}"
        build_data["force_include"][str(binary)] = "cvat_lint/bin/cvat-lint"
