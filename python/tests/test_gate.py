"""The gate in front of Encord's `create_project_from_cvat`, with Encord's real SDK and its HTTP stubbed."""
from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cvat_lint
from conftest import FIXTURES

pytest.importorskip("encord", reason="Encord's SDK is not installed (pip install 'cvat-lint[encord]')")
from encord.utilities.client_utilities import LocalImport  # noqa: E402

from cvat_lint.encord import (GateReport, create_project_from_cvat, create_project_from_cvat_get_result,  # noqa: E402
                              create_project_from_cvat_start)


def test_a_blocked_export_makes_no_request_at_all(encord_client) -> None:
    with pytest.raises(cvat_lint.ImportBlocked) as raised:
        create_project_from_cvat(encord_client, LocalImport(file_path=str(FIXTURES / "media-missing-file")), "blocked")
    assert any(reason.startswith("media_missing") for reason in raised.value.reasons)
    assert raised.value.report.errors
    assert encord_client.stub.requests == []


def test_a_lossy_fix_without_allow_loss_blocks_before_any_request(encord_client) -> None:
    with pytest.raises(cvat_lint.ImportBlocked):
        create_project_from_cvat(encord_client, LocalImport(file_path=str(FIXTURES / "job-video-frames")), "video")
    assert encord_client.stub.requests == []


def test_a_job_export_is_applied_and_exactly_its_images_uploaded(encord_client, tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(FIXTURES / "job-images", export)
    (export / "images" / ".DS_Store").write_bytes(b"junk")  # the raw SDK would upload it as an image
    kept = tmp_path / "applied"
    result = create_project_from_cvat(encord_client, LocalImport(file_path=str(export)), "job", keep_output=kept)
    gate = result.cvat_lint
    assert isinstance(gate, GateReport) and gate.report.level == "job" and gate.apply.ok
    assert len(encord_client.stub.uploads) == 1 == len(list((kept / "images").iterdir()))
    sent = base64.b64decode(encord_client.stub.payload["annotationsBase64"])
    assert sent == (kept / "annotations.xml").read_bytes(), "the SDK received the applied annotations.xml"
    assert sent != (export / "annotations.xml").read_bytes()
    assert b"<task>" in sent and b"<job>" not in sent
    assert [item["title"] for item in encord_client.stub.payload["data"]] == ["street.png"]


def test_a_video_job_with_media_under_allow_loss(encord_client) -> None:
    result = create_project_from_cvat(encord_client, LocalImport(file_path=str(FIXTURES / "job-video-frames")), "video",
                                      allow_loss=True)
    assert len(encord_client.stub.uploads) == 3
    sent = base64.b64decode(encord_client.stub.payload["annotationsBase64"]).decode()
    assert "<track" not in sent and sent.count("<image ") == 3
    assert sum(row.written for row in result.cvat_lint.apply.conservation) == 4


def test_the_two_step_pair(encord_client) -> None:
    started = create_project_from_cvat_start(encord_client, import_method=LocalImport(file_path=str(FIXTURES / "job-images")),
                                             dataset_name="two-step")
    assert isinstance(started.cvat_lint, GateReport) and len(encord_client.stub.uploads) == 1
    result = create_project_from_cvat_get_result(encord_client, started, timeout_seconds=5)
    assert result.cvat_lint is started.cvat_lint
    assert [issue.issue_type for issue in result.issues.errors] == ["stub"]


def test_boxes_as_polygons_follows_the_sdk_flag(encord_client) -> None:
    result = create_project_from_cvat(encord_client, LocalImport(file_path=str(FIXTURES / "job-images")), "boxes",
                                      transform_bounding_boxes_to_polygons=True)
    assert any(a.type == "convertShape" for a in result.cvat_lint.report.plan.actions)
    assert encord_client.stub.payload["transformBoundingBoxesToPolygons"] is True


def test_without_the_sdk_the_module_names_the_extra(tmp_path: Path) -> None:
    # A fresh interpreter in which `encord` cannot be imported.
    blocker = tmp_path / "encord.py"
    blocker.write_text("raise ImportError('hidden for this test')\n")
    code = "import cvat_lint.encord"
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                             env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, check=False)
    assert process.returncode != 0
    assert "pip install 'cvat-lint[encord]'" in process.stderr


def test_the_zip_cvat_downloads_is_gated_and_imported_as_a_folder(encord_client) -> None:
    # Encord's SDK takes a folder only; the gate takes the zip as it is and hands the SDK the applied folder.
    result = create_project_from_cvat(encord_client, LocalImport(file_path=str(FIXTURES / "task-images-every-shape.zip")),
                                      "zip", allow_loss=True)
    assert result.cvat_lint.report.path.endswith(".zip")
    assert len(encord_client.stub.uploads) == 2
    assert sorted(item["title"] for item in encord_client.stub.payload["data"]) == ["park.png", "street.png"]
