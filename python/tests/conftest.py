"""Shared helpers: where the fixtures are, the installed package (never the source tree), and Encord's SDK
with its HTTP transport stubbed so that nothing leaves the machine and every request is recorded."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any, Dict, List

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


class EncordStub:
    """Answers the SDK like Encord's API and records every request (method and path) and every upload."""

    def __init__(self) -> None:
        self.requests: List[str] = []
        self.uploads: int = 0
        self.payload: Dict[str, Any] = {}

    def send(self, adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        import requests

        url = requests.utils.urlparse(request.url)
        self.requests.append(f"{request.method} {url.path}")
        if url.netloc == "upload.invalid":
            self.uploads += 1
            return self.respond(request, 200, {})
        if request.method == "GET" and url.path.endswith("/presigned-urls"):
            query = dict(part.split("=", 1) for part in url.query.split("&") if "=" in part)
            results = [{"itemUuid": str(uuid.uuid4()), "objectKey": f"cord-images/{n}", "signedUrl": f"https://upload.invalid/{n}",
                        "uploadHeaders": {}} for n in range(int(query.get("count", "0")))]
            return self.respond(request, 200, {"results": results, "nextPageToken": None})
        if request.method == "POST" and url.path.endswith("/projects/cvat-import"):
            self.payload = json.loads(request.body)
            return self.respond(request, 200, str(uuid.uuid4()))
        if request.method == "POST" and url.path.endswith("/datasets"):
            return self.respond(request, 200, {"datasetUuid": str(uuid.uuid4()), "backingFolderUuid": None})
        if request.method == "GET" and "/projects/cvat-import/" in url.path:
            issues = {"errors": [{"issue_type": "stub", "instances": ["the stub imports nothing"]}], "warnings": [], "infos": []}
            return self.respond(request, 200, {"status": "ERROR", "projectUuid": None, "issues": issues})
        return self.respond(request, 404, {"message": f"the stub does not serve {request.method} {url.path}"})

    @staticmethod
    def respond(request: Any, status: int, body: Any) -> Any:
        import requests

        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response


@pytest.fixture
def encord_client(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real `EncordUserClient` (request signing and all) whose every HTTP request reaches the stub."""
    pytest.importorskip("encord", reason="Encord's SDK is not installed (pip install 'cvat-lint[encord]')")
    import requests
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from encord.user_client import EncordUserClient

    stub = EncordStub()
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send",
                        lambda adapter, request, *args, **kwargs: stub.send(adapter, request))
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
    client = EncordUserClient.create_with_ssh_private_key(key, domain="http://127.0.0.1:9")
    client.stub = stub
    return client
