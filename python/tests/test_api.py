"""`cvat_lint.check` and `cvat_lint.apply`: every field as the CLI's JSON says, and the exceptions."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict

import pytest

import cvat_lint
from conftest import FIXTURES, cli, fixture_exports

USABLE = [p for p in fixture_exports() if p.name != "fuzz"]


def cli_json(*arguments: str) -> Dict[str, Any]:
    process = cli(*arguments)
    assert process.returncode in (0, 1), process.stderr
    return json.loads(process.stdout)


@pytest.mark.parametrize("target", ["encord", "cvat", "datumaro"])
@pytest.mark.parametrize("export", USABLE, ids=lambda p: p.name)
def test_check_matches_the_cli(export: Path, target: str) -> None:
    try:
        report = cvat_lint.check(export, target=target)
    except cvat_lint.CvatLintError:
        assert cli("check", "--target", target, str(export)).returncode == 2
        return
    raw = cli_json("check", "--format", "json", "--target", target, str(export))["exports"][0]
    assert report.raw == raw
    assert (report.path, report.format, report.level, report.mode, report.target) == (
        raw["path"], raw.get("format"), raw.get("level"), raw.get("mode"), raw["target"])
    assert report.summary == raw["summary"]
    for severity, found in (("error", report.errors), ("warning", report.warnings), ("info", report.infos)):
        expected = [f for f in raw["findings"] if f["severity"] == severity]
        assert [(f.rule, f.issue_type, f.message) for f in found] == [(f["rule"], f["issue_type"], f["message"]) for f in expected]
        for finding, source in zip(found, expected):
            location = source.get("location", {})
            assert (finding.file, finding.line, finding.column, finding.image) == (
                location.get("file"), location.get("line"), location.get("column"), location.get("image"))
            assert (finding.action.type if finding.action else None) == (source.get("action") or {}).get("type")
    assert report.ok == (raw["summary"]["errors"] == 0)
    assert [a.type for a in report.plan.actions] == [a["type"] for a in raw["plan"]["actions"]]
    assert [(o.label, o.kind, o.name) for o in report.plan.ontology] == [(o["label"], o["kind"], o["name"]) for o in raw["plan"]["ontology"]]
    assert report.statistics == raw.get("statistics")
    for group in ("errors", "warnings", "infos"):
        assert [(i.issue_type, i.instances) for i in getattr(report.issues, group)] == [
            (i["issue_type"], i["instances"]) for i in raw["issues"][group]]


def test_issues_read_as_encords_sdk_reads_them() -> None:
    encord = pytest.importorskip("encord.utilities.client_utilities", reason="Encord's SDK is not installed")
    report = cvat_lint.check(FIXTURES / "task-images-every-shape")
    theirs = encord.Issues.from_dict(report.raw["issues"])
    assert [(i.issue_type, i.instances) for i in theirs.warnings] == [(i.issue_type, i.instances) for i in report.issues.warnings]
    assert [(i.issue_type, i.instances) for i in theirs.infos] == [(i.issue_type, i.instances) for i in report.issues.infos]


def test_several_paths_zip_and_bare_xml() -> None:
    paths = [FIXTURES / "task-images-every-shape.zip", FIXTURES / "job-video" / "annotations.xml", FIXTURES / "job-images"]
    reports = cvat_lint.check(paths)
    assert [Path(r.path).name for r in reports] == ["task-images-every-shape.zip", "annotations.xml", "job-images"]
    assert reports[1].format == "video" and reports[2].level == "job"
    assert cvat_lint.check([]) == [], "no path, no report (not a usage error)"


def test_options_reach_the_binary(tmp_path: Path) -> None:
    export = FIXTURES / "task-images-every-shape"
    assert not any(f.rule == "label-multiple-shapes" for f in cvat_lint.check(export, ignore=["label-multiple-shapes"]).findings)
    assert {f.rule for f in cvat_lint.check(export, select=["shape-unsupported"]).findings} == {"shape-unsupported"}
    boxes = cvat_lint.check(export, boxes_as_polygons=True)
    assert any(a.type == "convertShape" and a["from"] == "box" for a in boxes.plan.actions)
    config = tmp_path / "lint.yml"
    config.write_text("rules:\n  disable: [attribute-unsupported]\n")
    assert not any(f.rule == "attribute-unsupported" for f in cvat_lint.check(export, config=config).findings)
    baseline = tmp_path / "baseline.json"
    assert cli("check", "--write-baseline", str(baseline), str(export)).returncode in (0, 1)
    assert cvat_lint.check(export, baseline=baseline).findings == []


def test_names_starting_with_a_dash_stay_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative paths such as "-export" would read as options if passed bare; the layer joins values with "="
    # and puts the export after "--".
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "task-images-every-shape", "-export")
    Path("-lint.yml").write_text("rules:\n  disable: [attribute-unsupported]\n")
    report = cvat_lint.check("-export", config="-lint.yml")
    assert Path(report.path).name == "-export" and report.findings
    assert not any(f.rule == "attribute-unsupported" for f in report.findings)
    Path("-plan.json").write_text(cli("check", "--format", "json", "--target", "cvat", "--", "-export").stdout)
    result = cvat_lint.apply("-export", "-out", target="cvat", plan="-plan.json", config="-lint.yml")
    assert Path("-out", "annotations.xml").is_file() and result.output_report is not None


def test_unusable_input_raises_cvat_lint_error() -> None:
    with pytest.raises(cvat_lint.CvatLintError) as raised:
        cvat_lint.check(FIXTURES / "no-such-export")
    assert raised.value.exit_code == 2 and "no-such-export" in raised.value.reason
    # A usage error's reason is the parser's error line, not the "See --help" line under its usage.
    with pytest.raises(cvat_lint.CvatLintError) as raised:
        cvat_lint.apply(FIXTURES / "job-images", "unused", masks="triangles")
    assert raised.value.exit_code == 2 and "triangles" in raised.value.reason and "--help" not in raised.value.reason


@pytest.mark.parametrize("target", ["encord", "cvat", "datumaro"])
@pytest.mark.parametrize("export", USABLE, ids=lambda p: p.name)
def test_apply_matches_the_manifest(export: Path, target: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    try:
        result = cvat_lint.apply(export, out, target=target, allow_loss=True, drop_invalid=True)
    except cvat_lint.ImportBlocked as blocked:
        assert blocked.reasons and blocked.report is not None
        return
    except cvat_lint.CvatLintError:
        return
    manifest = json.loads((out / "cvat-lint-apply.json").read_text())
    assert result.manifest == manifest and result.ok
    assert [(e.action.type, e.lossless, e.note) for e in result.executed] == [
        (e["action"]["type"], e["lossless"], e.get("note")) for e in manifest["executed"]]
    assert [sum(e.touched.values()) for e in result.executed] == [sum(t["count"] for t in e["touched"]) for e in manifest["executed"]]
    assert [(s.action.type, s.reason) for s in result.not_executed] == [(s["action"]["type"], s["reason"]) for s in manifest["skipped"]]
    dropped = [t for t in manifest["transitions"] if t.get("to_label") is None]
    assert [(t.label, t.kind, t.count, t.steps) for t in result.left_out] == [(t["label"], t["kind"], t["count"], t["steps"]) for t in dropped]
    assert all(t.to_label is None and t.produced == 0 for t in result.left_out)
    assert sum(result.before.values()) == sum(row["count"] for row in manifest["before"])
    assert sum(result.after.values()) == sum(row["count"] for row in manifest["after"])
    for row in result.conservation:
        assert row.input == row.unchanged + sum(row.converted.values()) + sum(row.repaired.values()) + sum(row.left_out.values())
    assert sum(row.written for row in result.conservation) == sum(result.after.values())
    # The output checked afresh, under the configuration the export was applied with (a fixture may carry one).
    config = export / ".cvat-lint.yml"
    fresh = cvat_lint.check(out, target=target, config=config if config.is_file() else None)
    assert result.output_report is not None and result.output_report.summary == fresh.summary


def test_apply_refusal_raises_import_blocked(tmp_path: Path) -> None:
    with pytest.raises(cvat_lint.ImportBlocked) as raised:
        cvat_lint.apply(FIXTURES / "task-video-tracks", tmp_path / "out")
    assert any(reason.startswith("video_format_unsupported") for reason in raised.value.reasons)
    assert raised.value.result is not None and raised.value.result.refusals
    assert not (tmp_path / "out").exists()


def test_apply_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = cvat_lint.apply(FIXTURES / "rule-polygon-self-intersecting", tmp_path / "out", allow_loss=True, dry_run=True)
    assert result.dry_run and not (tmp_path / "out").exists()
    assert any(row.repaired.get("repairPolygon") for row in result.conservation)
