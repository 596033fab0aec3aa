"""cvat-lint for Python: check a CVAT export, apply its import plan, and gate Encord's SDK import.

Every function runs the bundled `cvat-lint` binary (an argument list, never a shell) with `--format json`
and builds typed objects from what it prints; no rule lives in Python.
"""
from __future__ import annotations

import json
import os
import subprocess
from typing import Any, List, Optional, Sequence, Union, overload

from ._binary import find_binary
from .errors import CvatLintError, ImportBlocked
from .models import (Action, ApplyResult, ConservationRow, ExecutedAction, Finding, Issue, Issues, OntologyItem, Plan, Report,
                     SkippedAction, Transition)

__all__ = ["check", "apply", "run", "find_binary", "Report", "Finding", "Action", "Issue", "Issues", "Plan",
           "OntologyItem", "ApplyResult", "ExecutedAction", "SkippedAction", "Transition", "ConservationRow", "CvatLintError",
           "ImportBlocked", "__version__"]

PathLike = Union[str, "os.PathLike[str]"]


# How long the binary may take to remove its temporary files and half-written output once asked to stop.
_STOP_GRACE_SECONDS = 60.0


def run(arguments: Sequence[str]) -> subprocess.CompletedProcess:
    """Runs the binary with `arguments`; raises `CvatLintError` on exit 2 (or a crash) with its one-line reason."""
    with subprocess.Popen([find_binary(), *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            stdout, stderr = child.communicate()
        except BaseException:  # KeyboardInterrupt above all
            _stop(child)
            raise
    process = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    if process.returncode not in (0, 1):
        raise CvatLintError(_reason(process.stderr, process.returncode), exit_code=process.returncode)
    return process


def _stop(child: subprocess.Popen) -> None:
    """Stops the binary the way a Ctrl-C would (SIGTERM: it removes its spools and half-written output on its way
    out) and waits for it, killing it only past the grace period or at a second interrupt. `subprocess.run` kills
    at once, which leaves both behind; and in Jupyter an interrupt reaches the kernel, never the binary."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=_STOP_GRACE_SECONDS)
    finally:
        if child.poll() is None:
            child.kill()


def _reason(stderr: str, exit_code: int) -> str:
    """The line of stderr that says what went wrong: the tool's own ("cvat-lint: ..."), else the argument
    parser's ("Error: ...", above its usage lines), else the last (a crash's)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for prefix in ("cvat-lint: ", "Error: "):
        found = next((line for line in lines if line.startswith(prefix)), None)
        if found is not None:
            return found[len(prefix):]
    return lines[-1] if lines else f"cvat-lint exited with {exit_code}"


def _options(target: str, config: Optional[PathLike], no_config: bool, boxes_as_polygons: bool) -> List[str]:
    arguments = [f"--target={target}"]
    if config is not None:
        arguments.append(f"--config={os.fspath(config)}")
    if no_config:
        arguments.append("--no-config")
    if boxes_as_polygons:
        arguments.append("--boxes-as-polygons")
    return arguments


def _json(process: subprocess.CompletedProcess) -> Any:
    try:
        return json.loads(process.stdout)
    except json.JSONDecodeError as error:
        raise CvatLintError(f"cvat-lint printed no JSON ({error}); stderr: {process.stderr.strip()[:200]}") from error


@overload
def check(path: PathLike, *, target: str = ..., config: Optional[PathLike] = ..., no_config: bool = ...,
          select: Optional[Sequence[str]] = ..., ignore: Optional[Sequence[str]] = ..., boxes_as_polygons: bool = ...,
          baseline: Optional[PathLike] = ...) -> Report: ...
@overload
def check(path: Sequence[PathLike], *, target: str = ..., config: Optional[PathLike] = ..., no_config: bool = ...,
          select: Optional[Sequence[str]] = ..., ignore: Optional[Sequence[str]] = ..., boxes_as_polygons: bool = ...,
          baseline: Optional[PathLike] = ...) -> List[Report]: ...


def check(path: Union[PathLike, Sequence[PathLike]], *, target: str = "encord", config: Optional[PathLike] = None,
          no_config: bool = False, select: Optional[Sequence[str]] = None, ignore: Optional[Sequence[str]] = None,
          boxes_as_polygons: bool = False, baseline: Optional[PathLike] = None) -> Union[Report, List[Report]]:
    """Checks an export (a folder, the zip CVAT downloads, or a bare annotations.xml) for `target`.

    Given several paths, returns one `Report` each, in order (none for an empty list). Raises `CvatLintError` for
    unusable input.
    `config` names a `.cvat-lint.yml` (by default the nearest one is read, `no_config` reads none);
    `select`/`ignore` are rule ids; `baseline` a file of accepted findings.
    """
    several = not isinstance(path, (str, os.PathLike))
    paths = [os.fspath(p) for p in path] if several else [os.fspath(path)]  # type: ignore[union-attr, arg-type]
    if not paths:
        return []  # one report per path: none (the binary would call an empty list a usage error)
    arguments = ["check", "--format", "json", *_options(target, config, no_config, boxes_as_polygons)]
    if select:
        arguments.append("--select=" + ",".join(select))
    if ignore:
        arguments.append("--ignore=" + ",".join(ignore))
    if baseline is not None:
        arguments.append(f"--baseline={os.fspath(baseline)}")
    reports = [Report.from_json(export) for export in _json(run(arguments + ["--", *paths]))["exports"]]
    return reports if several else reports[0]


def apply(path: PathLike, out: PathLike, *, target: str = "encord", allow_loss: bool = False, drop_invalid: bool = False,
          plan: Optional[PathLike] = None, dry_run: bool = False, config: Optional[PathLike] = None, no_config: bool = False,
          boxes_as_polygons: bool = False, masks: str = "polygon", ellipses: str = "polygon", cuboids: str = "polygon",
          copy_media: bool = False) -> ApplyResult:
    """Executes the export's import plan (or `plan`, a `check` JSON report) into `out`, a new folder or a `.zip`.

    Lossless actions always run, lossy ones with `allow_loss`; `drop_invalid` leaves out what no repair
    saves. Returns the manifest as objects. Raises `ImportBlocked` when `apply` refuses (nothing written) or
    errors remain in what it wrote, `CvatLintError` for unusable input or an `out` that exists.
    """
    # Every value joined to its option with "=" and the path after "--": a name starting with "-" stays a name.
    arguments = ["apply", "--format", "json", *_options(target, config, no_config, boxes_as_polygons),
                 f"--masks={masks}", f"--ellipses={ellipses}", f"--cuboids={cuboids}"]
    arguments += ["--dry-run"] if dry_run else [f"--out={os.fspath(out)}"]
    if allow_loss:
        arguments.append("--allow-loss")
    if drop_invalid:
        arguments.append("--drop-invalid")
    if plan is not None:
        arguments.append(f"--plan={os.fspath(plan)}")
    if copy_media:
        arguments.append("--copy")
    result = ApplyResult.from_json(_json(run(arguments + ["--", os.fspath(path)])))
    if result.refusals:
        raise ImportBlocked(result.input_report, result.refusals, result)
    if result.output_report is not None and not result.output_report.ok:
        raise ImportBlocked(result.output_report, result.remaining_errors, result)
    return result


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("cvat-lint")
    except Exception:  # noqa: BLE001 - a source checkout has no installed metadata
        return "0+unknown"


__version__ = _version()
