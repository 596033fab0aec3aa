"""Shared helpers: where the fixtures are, the installed package (never the source tree), and Encord's SDK
with its HTTP transport stubbed (Tests/Importers/encord_stub.py) so that nothing leaves the machine and every
request is recorded."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Fixtures"


def fixture_exports() -> List[Path]:
    """Every fixture export (a folder with annotations.xml, or a zip)."""
    return sorted(p for p in FIXTURES.iterdir() if (p / "annotations.xml").is_file() or p.suffix == ".zip")


@pytest.fixture(scope="session", autouse=True)
def installed_package() -> None:
    """The tests exercise the installed wheel: `cvat_lint` must not come from this checkout's sources."""
    import cvat_lint

    location = Path(cvat_lint.__file__).resolve()
    assert REPO / "python" / "src" not in location.parents, f"cvat_lint imported from the source tree: {location}"
    assert (location.parent / "bin" / "cvat-lint").is_file(), "the wheel carries no binary"
    assert "CVAT_LINT_BINARY" not in os.environ, "the tests run the bundled binary, not an override"


def cli(*arguments: str, cwd: Any = None) -> subprocess.CompletedProcess:
    """Runs the installed console script."""
    executable = shutil.which("cvat-lint")
    assert executable, "the console script cvat-lint is not on the PATH"
    return subprocess.run([executable, *arguments], capture_output=True, text=True, cwd=cwd, check=False)


@pytest.fixture
def encord_client(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real `EncordUserClient` (request signing and all) whose every HTTP request reaches the stub."""
    pytest.importorskip("encord", reason="Encord's SDK is not installed (pip install 'cvat-lint[encord]')")
    import requests
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from encord.user_client import EncordUserClient

    monkeypatch.syspath_prepend(str(REPO / "Tests" / "Importers"))
    from encord_stub import EncordStub

    stub = EncordStub()
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", lambda adapter, request, *args, **kwargs: stub.send(request))
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
    client = EncordUserClient.create_with_ssh_private_key(key, domain="http://127.0.0.1:9")
    client.stub = stub
    return client
