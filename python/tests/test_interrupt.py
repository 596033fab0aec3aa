"""An interrupted call (Ctrl-C in a terminal, the stop button in Jupyter) leaves nothing behind: the binary is asked to
stop as a Ctrl-C would ask it, and removes its spool and half-written output before the interrupt goes on."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES

CALL = """
import sys
import cvat_lint
kind, export, out = sys.argv[1:4]
try:
    if kind == "check":
        cvat_lint.check(export, target="cvat")
    else:
        cvat_lint.apply(export, out, target="cvat")
except KeyboardInterrupt:
    sys.exit(130)
"""


def large_zip(directory: Path, images: int) -> Path:
    """job-images' one image repeated: the check of this zip spools its annotations.xml for a second or more."""
    text = (FIXTURES / "job-images" / "annotations.xml").read_text(encoding="utf-8")
    start, end = text.index('  <image id="0"'), text.index("</annotations>")
    image = text[start:end]
    head = (text[:start].replace("<stop_frame>0</stop_frame>", f"<stop_frame>{images - 1}</stop_frame>")
            .replace("<size>1</size>", f"<size>{images}</size>"))
    body = "".join(image.replace('id="0" name="street.png"', f'id="{index}" name="street{index}.png"') for index in range(images))
    path = directory / "large.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("annotations.xml", head + body + "</annotations>\n")
    return path


@pytest.mark.parametrize("kind", ["check", "apply"])
def test_an_interrupt_leaves_nothing_behind(tmp_path: Path, kind: str) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    export = large_zip(tmp_path, 200_000)
    out = tmp_path / "out"
    caller = subprocess.Popen([sys.executable, "-c", CALL, kind, str(export), str(out)], env={**os.environ, "TMPDIR": str(scratch)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while caller.poll() is None and not any(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert caller.poll() is None and any(scratch.iterdir()), "the call was caught while its spool existed"
    # The Python process alone is interrupted, as Jupyter does it: the binary gets no signal from outside.
    caller.send_signal(signal.SIGINT)
    _, stderr = caller.communicate(timeout=120)
    assert caller.returncode == 130, stderr
    assert list(scratch.iterdir()) == [], "the spool was removed"
    assert not out.exists(), "no half-written output"
