"""Typed views of the binary's JSON: `check --format json` (`cvat-lint schema --report`) and `apply --format
json` (its manifest: `cvat-lint schema --manifest`). Each object keeps the JSON it came from as `raw`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

JSON = Dict[str, Any]


@dataclass(frozen=True)
class Action:
    """What an import stage does about a finding: its `type` (`splitLabel`, `repairPolygon`, …) and fields."""

    type: str
    fields: Mapping[str, Any]

    @staticmethod
    def from_json(data: Optional[JSON]) -> Optional["Action"]:
        if data is None:
            return None
        return Action(type=data["type"], fields={k: v for k, v in data.items() if k != "type"})

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]


@dataclass(frozen=True)
class Finding:
    """One finding: its rule, severity, words, place and the action an import stage takes."""

    rule: str
    severity: str
    message: str
    issue_type: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    image: Optional[str]
    action: Optional[Action]
    count: Optional[int]
    location: Mapping[str, Any]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @staticmethod
    def from_json(data: JSON) -> "Finding":
        location = data.get("location", {})
        return Finding(rule=data["rule"], severity=data["severity"], message=data["message"],
                       issue_type=data["issue_type"], file=location.get("file"), line=location.get("line"),
                       column=location.get("column"), image=location.get("image"),
                       action=Action.from_json(data.get("action")), count=data.get("count"), location=location, raw=data)


@dataclass(frozen=True)
class Issue:
    """One issue type and its instances, as Encord's SDK `Issue` holds them."""

    issue_type: str
    instances: List[str]


@dataclass(frozen=True)
class Issues:
    """Findings grouped as Encord's SDK `Issues` groups them: `errors`, `warnings`, `infos`."""

    errors: List[Issue]
    warnings: List[Issue]
    infos: List[Issue]

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> "Issues":
        """Reads the same shape Encord's `Issues.from_dict` reads."""
        def group(name: str) -> List[Issue]:
            return [Issue(issue_type=item["issue_type"], instances=list(item["instances"])) for item in data.get(name, [])]
        return Issues(errors=group("errors"), warnings=group("warnings"), infos=group("infos"))


@dataclass(frozen=True)
class OntologyItem:
    """One item of the ontology the target would create: input label × kind, its name there, its status."""

    label: str
    kind: str
    name: str
    shape: Optional[str]
    status: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Plan:
    """The import plan: the ontology and the ordered actions."""

    target: str
    ontology: List[OntologyItem]
    actions: List[Action]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @staticmethod
    def from_json(data: JSON) -> "Plan":
        ontology = [OntologyItem(label=item["label"], kind=item["kind"], name=item["name"], shape=item.get("shape"),
                                 status=item.get("status", ""), raw=item) for item in data.get("ontology", [])]
        actions = [action for action in (Action.from_json(a) for a in data.get("actions", [])) if action is not None]
        return Plan(target=data.get("target", ""), ontology=ontology, actions=actions, raw=data)


@dataclass(frozen=True)
class Report:
    """The check of one export."""

    path: str
    format: Optional[str]
    level: Optional[str]
    mode: Optional[str]
    target: str
    findings: List[Finding]
    summary: Mapping[str, int]
    plan: Plan
    issues: Issues
    statistics: Optional[Mapping[str, Any]]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def errors(self) -> List[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> List[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def infos(self) -> List[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def ok(self) -> bool:
        """No errors."""
        return not self.errors

    @staticmethod
    def from_json(data: JSON) -> "Report":
        return Report(path=data["path"], format=data.get("format"), level=data.get("level"), mode=data.get("mode"),
                      target=data["target"], findings=[Finding.from_json(f) for f in data.get("findings", [])],
                      summary=data["summary"], plan=Plan.from_json(data["plan"]),
                      issues=Issues.from_dict(data.get("issues", {})), statistics=data.get("statistics"), raw=data)


@dataclass(frozen=True)
class ConservationRow:
    """Where every input annotation of one label × kind went (`in` = unchanged + converted + repaired + left out)."""

    label: str
    kind: str
    input: int
    unchanged: int
    converted: Mapping[str, int]
    repaired: Mapping[str, int]
    left_out: Mapping[str, int]
    written: int


@dataclass(frozen=True)
class ExecutedAction:
    """An action `apply` ran: lossless or not, the annotations it touched per `label|kind`, and a note."""

    action: Action
    lossless: bool
    touched: Dict[str, int]
    note: Optional[str]

    @staticmethod
    def from_json(data: JSON) -> "ExecutedAction":
        action = Action.from_json(data["action"])
        assert action is not None
        return ExecutedAction(action=action, lossless=data["lossless"], note=data.get("note"),
                              touched={f"{t['label']}|{t['kind']}": t["count"] for t in data.get("touched", [])})


@dataclass(frozen=True)
class SkippedAction:
    """An action of the plan `apply` did not run, and why."""

    action: Action
    lossless: bool
    reason: str

    @staticmethod
    def from_json(data: JSON) -> "SkippedAction":
        action = Action.from_json(data["action"])
        assert action is not None
        return SkippedAction(action=action, lossless=data["lossless"], reason=data["reason"])


@dataclass(frozen=True)
class Transition:
    """Annotations of one input `label` × `kind` that went to `to_label` × `to_kind` (None: left out) by `steps`."""

    label: str
    kind: str
    to_label: Optional[str]
    to_kind: Optional[str]
    count: int
    produced: int
    steps: List[str]

    @staticmethod
    def from_json(data: JSON) -> "Transition":
        return Transition(label=data["label"], kind=data["kind"], to_label=data.get("to_label"), to_kind=data.get("to_kind"),
                          count=data["count"], produced=data["produced"], steps=list(data["steps"]))


@dataclass(frozen=True)
class ApplyResult:
    """One `apply` run: the manifest as objects, the checks of input and output, and any refusal."""

    output: str
    dry_run: bool
    refusals: List[str]
    input_report: Report
    output_report: Optional[Report]
    executed: List[ExecutedAction]
    not_executed: List[SkippedAction]
    left_out: List[Transition]
    before: Dict[str, int]
    after: Dict[str, int]
    conservation: List[ConservationRow]
    remaining_errors: List[str]
    manifest: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Written, and the output checks with no errors."""
        return not self.refusals and self.output_report is not None and self.output_report.ok

    @staticmethod
    def from_json(data: JSON) -> "ApplyResult":
        manifest = data["manifest"]

        def counts(rows: List[JSON]) -> Dict[str, int]:
            return {f"{row['label']}|{row['kind']}": row["count"] for row in rows}

        return ApplyResult(
            output=manifest["output"], dry_run=data["dry_run"], refusals=list(data["refusals"]),
            input_report=Report.from_json(data["input"]),
            output_report=Report.from_json(data["output"]) if data.get("output") is not None else None,
            executed=[ExecutedAction.from_json(e) for e in manifest["executed"]],
            not_executed=[SkippedAction.from_json(e) for e in manifest["skipped"]],
            left_out=[Transition.from_json(t) for t in manifest["transitions"] if t.get("to_label") is None],
            before=counts(manifest["before"]), after=counts(manifest["after"]),
            conservation=[ConservationRow(label=r["label"], kind=r["kind"], input=r["in"], unchanged=r["unchanged"],
                                          converted=r["converted"], repaired=r["repaired"], left_out=r["left_out"],
                                          written=r["written"]) for r in manifest.get("conservation", [])],
            remaining_errors=list(manifest["remaining_errors"]), manifest=manifest)
