"""A drop-in gate for Encord's CVAT import: check, refuse before any upload, apply the plan, then import.

    from cvat_lint.encord import create_project_from_cvat
    result = create_project_from_cvat(user_client, LocalImport(file_path="export/"), "my dataset")
    result.cvat_lint.report, result.cvat_lint.apply      # what was found and done

Needs Encord's SDK: `pip install 'cvat-lint[encord]'`.
"""
from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Tuple, Union

try:
    from encord.orm.project import ReviewMode
    from encord.utilities.client_utilities import LocalImport
except ImportError as error:  # pragma: no cover - exercised by a test that hides the package
    raise ImportError("cvat_lint.encord needs Encord's SDK: pip install 'cvat-lint[encord]'") from error

from . import apply as _apply
from .errors import ImportBlocked
from .models import ApplyResult, Report


@dataclass(frozen=True)
class GateReport:
    """What the gate found and did: the check of the export and the `apply` run whose output was imported."""

    report: Report
    apply: ApplyResult
    folder: str


class GatedUUID(uuid.UUID):
    """The SDK's import id, carrying the gate's report as `cvat_lint` (a `uuid.UUID` in every other way)."""

    cvat_lint: GateReport


def _prepare(import_method: Any, *, boxes_as_polygons: bool, allow_loss: bool, drop_invalid: bool,
             keep_output: Optional[Union[str, Path]]) -> Tuple[GateReport, Optional[str]]:
    """Applies the plan (its check of the input is the report); returns the gate's report and the temporary
    folder to remove afterwards (None when `keep_output` keeps it). `ImportBlocked` stops here, before the SDK."""
    if not isinstance(import_method, LocalImport):
        raise ValueError("cvat_lint.encord gates LocalImport only, as Encord's SDK imports")
    path = str(import_method.file_path)
    scratch = None if keep_output is not None else tempfile.mkdtemp(prefix="cvat-lint-gate-")
    folder = str(keep_output) if keep_output is not None else str(scratch)
    try:
        result = _apply(path, folder, target="encord", allow_loss=allow_loss, drop_invalid=drop_invalid,
                        boxes_as_polygons=boxes_as_polygons)
    except BaseException:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    return GateReport(report=result.input_report, apply=result, folder=folder), scratch


def _local(folder: str) -> Any:
    """The import pointed at the applied folder. A `map_filename_to_cvat_name` is not passed on: apply has
    made every name its file's (mapMediaName), so a mapping would now pair nothing."""
    return LocalImport(file_path=folder)


def create_project_from_cvat(user_client: Any, import_method: Any, dataset_name: str,
                             review_mode: ReviewMode = ReviewMode.LABELLED, *,
                             transform_bounding_boxes_to_polygons: bool = False, timeout_seconds: int = 86400,
                             allow_loss: bool = False, drop_invalid: bool = False,
                             keep_output: Optional[Union[str, Path]] = None) -> Any:
    """`user_client.create_project_from_cvat`, behind cvat-lint.

    Checks the export for Encord (`transform_bounding_boxes_to_polygons` as `--boxes-as-polygons`); raises
    `ImportBlocked` before any upload when errors remain that `apply` cannot fix under `allow_loss` and
    `drop_invalid`; otherwise writes the applied export to a temporary folder (or `keep_output`), imports
    that with the SDK, and returns the SDK's result with `cvat_lint` (a `GateReport`) attached.
    """
    gate, scratch = _prepare(import_method, boxes_as_polygons=transform_bounding_boxes_to_polygons,
                             allow_loss=allow_loss, drop_invalid=drop_invalid, keep_output=keep_output)
    try:
        result = user_client.create_project_from_cvat(
            _local(gate.folder), dataset_name, review_mode,
            transform_bounding_boxes_to_polygons=transform_bounding_boxes_to_polygons, timeout_seconds=timeout_seconds)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    try:
        result.cvat_lint = gate
    except AttributeError:  # a result type that takes no attributes: returned as the SDK gave it
        pass
    return result


def create_project_from_cvat_start(user_client: Any, *, import_method: Any, dataset_name: str,
                                   review_mode: ReviewMode = ReviewMode.LABELLED,
                                   transform_bounding_boxes_to_polygons: bool = False, allow_loss: bool = False,
                                   drop_invalid: bool = False, keep_output: Optional[Union[str, Path]] = None) -> GatedUUID:
    """`user_client.create_project_from_cvat_start`, behind cvat-lint: the same checks and refusal, the applied
    export uploaded; returns the SDK's import id with `cvat_lint` attached (the upload is over when it returns,
    so a temporary folder is removed then)."""
    gate, scratch = _prepare(import_method, boxes_as_polygons=transform_bounding_boxes_to_polygons,
                             allow_loss=allow_loss, drop_invalid=drop_invalid, keep_output=keep_output)
    try:
        started = user_client.create_project_from_cvat_start(
            import_method=_local(gate.folder), dataset_name=dataset_name, review_mode=review_mode,
            transform_bounding_boxes_to_polygons=transform_bounding_boxes_to_polygons)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    gated = GatedUUID(str(started))
    object.__setattr__(gated, "cvat_lint", gate)
    return gated


def create_project_from_cvat_get_result(user_client: Any, cvat_import_uuid: uuid.UUID, *, timeout_seconds: int = 86400) -> Any:
    """`user_client.create_project_from_cvat_get_result`; the gate's report rides along when the id carries one."""
    result = user_client.create_project_from_cvat_get_result(uuid.UUID(str(cvat_import_uuid)), timeout_seconds=timeout_seconds)
    gate = getattr(cvat_import_uuid, "cvat_lint", None)
    if gate is not None:
        try:
            result.cvat_lint = gate
        except AttributeError:
            pass
    return result


__all__ = ["create_project_from_cvat", "create_project_from_cvat_start", "create_project_from_cvat_get_result",
           "GateReport", "GatedUUID", "ImportBlocked"]
