"""The exceptions cvat_lint raises."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

if TYPE_CHECKING:
    from .models import ApplyResult, Report


class CvatLintError(Exception):
    """The input cannot be used, or the command was wrong (the binary's exit code 2).

    `reason` is the binary's one-line explanation (what and where).
    """

    def __init__(self, reason: str, exit_code: int = 2) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


class ImportBlocked(Exception):
    """Errors remain that `apply` cannot fix under the flags given; nothing was imported.

    `report` is the check of the export, `reasons` what blocks (an issue type and why, each), and `result`
    the apply run when there was one.
    """

    def __init__(self, report: "Report", reasons: Sequence[str], result: Optional["ApplyResult"] = None) -> None:
        self.report = report
        self.reasons = list(reasons)
        self.result = result
        shown = "; ".join(self.reasons[:3]) + (" …" if len(self.reasons) > 3 else "")
        super().__init__(f"{report.path}: import blocked: {shown}")
