"""The console script: the bundled binary with exit codes and streams unchanged."""
from __future__ import annotations

import json

from conftest import FIXTURES, cli


def test_exit_0_without_errors() -> None:
    process = cli("check", "--target", "cvat", str(FIXTURES / "task-images-every-shape"))
    assert process.returncode == 0, process.stderr
    assert "task-images-every-shape" in process.stdout


def test_exit_1_with_errors() -> None:
    process = cli("check", "--target", "encord", str(FIXTURES / "media-missing-file"))
    assert process.returncode == 1
    assert "media-missing" in process.stdout


def test_exit_2_for_unusable_input_with_one_line_on_stderr() -> None:
    process = cli("check", str(FIXTURES / "no-such-export"))
    assert process.returncode == 2
    assert process.stdout == ""
    assert len(process.stderr.strip().splitlines()) == 1


def test_exit_2_for_a_usage_error() -> None:
    assert cli("check", "--no-such-flag", str(FIXTURES / "job-images")).returncode == 2


def test_json_and_version() -> None:
    process = cli("check", "--format", "json", str(FIXTURES / "job-images"))
    assert json.loads(process.stdout)["tool"]["name"] == "cvat-lint"
    import cvat_lint

    version = cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == cvat_lint.__version__
