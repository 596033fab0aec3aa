"""The installed binary needs neither Swift nor the system's libxml2: what it loads comes from the wheel."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

import cvat_lint
from conftest import FIXTURES, fixture_exports

BINARY = Path(cvat_lint.__file__).resolve().parent / "bin" / "cvat-lint"
REQUIRED = os.environ.get("CVAT_LINT_REQUIRE_ISOLATION") == "1"


def libraries() -> List[str]:
    process = subprocess.run(["ldd", str(BINARY)], capture_output=True, text=True, check=True)
    return process.stdout.splitlines()


def test_no_swift_runtime_and_libxml2_from_the_wheel() -> None:
    lines = libraries()
    assert not [line for line in lines if "libswift" in line], lines
    xml = [line for line in lines if "libxml2" in line]
    assert xml, "the binary links libxml2"
    bundled = BINARY.parents[2] / "cvat_lint.libs"
    for line in xml:
        assert str(bundled) in line or "cvat_lint.libs" in line, f"libxml2 from outside the wheel: {line}"


def hidden_system_libraries() -> List[str]:
    """The system's libxml2 (and the ICU it needs), which the test makes unreadable."""
    found = []
    for folder in ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"):
        for pattern in ("libxml2.so*", "libicuuc.so*", "libicudata.so*"):
            found += [str(p) for p in Path(folder).glob(pattern) if p.is_file() and not p.is_symlink()]
    return sorted(set(found))


def run_hidden(arguments: List[str], binary: Path = BINARY) -> subprocess.CompletedProcess:
    """Runs a binary (the installed one) in a mount namespace where the system's libxml2 and ICU read as empty files."""
    binds = " && ".join(f"mount --bind /dev/null {path}" for path in hidden_system_libraries()) or "true"
    script = f"{binds} && exec \"$@\""
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(binary), *arguments],
                          capture_output=True, text=True, check=False)


API_FINDINGS = """
import json, sys
import cvat_lint
try:
    print(json.dumps(cvat_lint.check(sys.argv[1]).raw["findings"]))
except cvat_lint.CvatLintError as error:
    print(json.dumps({"unusable": error.reason}))
"""


def namespace_available() -> bool:
    return shutil.which("unshare") is not None and run_hidden(["--version"]).returncode == 0


@pytest.mark.parametrize("export", [p for p in fixture_exports() if p.name != "fuzz"], ids=lambda p: p.name)
def test_same_findings_with_system_libxml2_hidden(export: Path) -> None:
    if not namespace_available():
        if REQUIRED:
            pytest.fail("unshare -m is not available, and CVAT_LINT_REQUIRE_ISOLATION=1")
        pytest.skip("needs unshare -m (root) to hide the system's libxml2")
    source = os.environ.get("CVAT_LINT_SOURCE_BINARY")
    hidden = run_hidden(["check", "--format", "json", str(export)])
    # The Python API in the same namespace: the interpreter runs the bundled binary there too.
    api = json.loads(run_hidden(["-c", API_FINDINGS, str(export)], binary=Path(sys.executable)).stdout)
    if hidden.returncode == 2:
        assert "unusable" in api
        return
    findings = json.loads(hidden.stdout)["exports"][0]["findings"]
    assert api == findings
    if source:
        built = subprocess.run([source, "check", "--format", "json", str(export)], capture_output=True, text=True, check=False)
        assert json.loads(built.stdout)["exports"][0]["findings"] == findings, "the source build finds the same"
    elif REQUIRED:
        pytest.fail("CVAT_LINT_SOURCE_BINARY names no source build to compare with")


def test_the_hidden_libraries_are_really_hidden() -> None:
    if not namespace_available():
        pytest.skip("needs unshare -m (root)")
    paths = hidden_system_libraries()
    if not paths:
        pytest.skip("no system libxml2 to hide")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind /dev/null {paths[0]} && wc -c < {paths[0]}"],
                           capture_output=True, text=True, check=False)
    assert probe.stdout.strip() == "0"
    # A build that loads the system's libxml2 cannot even start there; the wheel's binary can.
    source = os.environ.get("CVAT_LINT_SOURCE_BINARY")
    if source:
        failed = run_hidden(["--version"], binary=Path(source))
        assert failed.returncode != 0 and "libxml2" in failed.stderr
    assert run_hidden(["--version"]).returncode == 0
