"""Differential fuzzing against Datumaro's CVAT reader: mutated exports, cvat-lint's verdict beside Datumaro's.

Usage:
    python3 Fuzz/datumaro_differential.py --bin .build/debug/cvat-lint --runs 2000 --seed 1 \
        [--mode stop|apply|count|typed] [--keep DIR] EXPORT_FOLDER...

Each run copies one of the export folders, applies one to three random edits to its annotations.xml (an XML
attribute removed or set to an awkward value, an element removed, repeated, renamed, moved or swapped), and asks:
  stop   does `check --target datumaro` report an error exactly when `Dataset.import_from(folder, "cvat")` stops?
         Only the miss (Datumaro stops, no error) is printed: an error where Datumaro reads the file can be
         deliberate (a schema violation, a label lost without a word).
  apply  after `apply --target datumaro --allow-loss --drop-invalid` exits 0, does Datumaro read the output?
         (Also: no exit code but 0, 1 and 2.)
  count  where the check reports no error, does Datumaro read one item per <image> (or track frame) and one
         annotation per box, polygon, polyline, points, mask and tag element? A difference is a silent loss.
  typed  does `attribute_value_retyped` name each attribute of which Datumaro reads a value as a number or
         boolean spelt otherwise than any text of it in the file (checkbox and number specs aside), and only
         attributes of which Datumaro types some value? (Missing images get empty placeholder files first.)
Each failing case is kept under --keep with the edits made. Needs `pip install datumaro`; nothing else is written.
"""
import json
import logging
import os
import subprocess
import warnings
import xml.etree.ElementTree as ET

logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")
from datumaro.components.dataset import Dataset  # noqa: E402 - after silencing its logging

from differential import applied, fuzz, mutate  # noqa: E402 - beside this file

SHAPES = {"box", "polygon", "polyline", "points", "mask"}
TYPED_VALUES = ["1", "1.0", "true", "false", "True", " 2", "1e3", "nan", "inf", "-0", "007", "١", "1_0", "abc", "", "2.50"]
INPUT_TYPES = ["select", "radio", "number", "text", "checkbox"]


def retype(root, rng):
    """For the typed oracle: a shape's attribute value set to text Python may read as a number or boolean, or a
    spec's input type changed; else any edit."""
    values = [node for node in root.iter("attribute") if node.get("name") is not None]
    types = list(root.iter("input_type"))
    choice = rng.random()
    if choice < 0.5 and values:
        node = rng.choice(values)
        node.text = rng.choice(TYPED_VALUES)
        return f'<attribute name="{node.get("name")}">{node.text}'
    if choice < 0.7 and types:
        node = rng.choice(types)
        node.text = rng.choice(INPUT_TYPES)
        return f"<input_type>{node.text}"
    return mutate(root, rng)


def datumaro(folder):
    """(items, annotations, None), or (None, None, why it stopped)."""
    try:
        items = annotations = 0
        for item in Dataset.import_from(folder, "cvat"):
            items += 1
            annotations += len(item.annotations)
        return items, annotations, None
    except Exception as error:  # noqa: BLE001 - the import's failure is the result
        cause = error.__cause__ or error.__context__ or error
        return None, None, f"{type(cause).__name__}: {cause}"[:200]


BUILTIN = {"occluded", "outside", "keyframe", "track_id", "rotation"}


def datumaro_typed(folder):
    """Attribute name → the spellings of the values Datumaro reads as numbers or booleans; None when it stops. (By name:
    Datumaro hands a skeleton's attributes to the points of its elements, under their labels.)"""
    try:
        dataset = Dataset.import_from(folder, "cvat")
        typed = {}
        for item in dataset:
            for annotation in item.annotations:
                for each in [annotation, *getattr(annotation, "elements", [])]:
                    for name, value in each.attributes.items():
                        if name not in BUILTIN and isinstance(value, (bool, float)):
                            typed.setdefault(name, set()).add(str(value))
        return typed
    except Exception:  # noqa: BLE001 - a stop is the stop oracle's business
        return None


def written_values(path):
    """Attribute name → every text of it in the file, and attribute name → the input type of its first spec."""
    root = ET.parse(path).getroot()
    texts, types = {}, {}
    meta = root.find("meta")
    for label in (meta.iter("label") if meta is not None else []):
        for spec in label.iter("attribute"):
            types.setdefault(spec.findtext("name"), spec.findtext("input_type"))
    for attribute in root.iter("attribute"):
        if attribute.get("name") is not None:
            texts.setdefault(attribute.get("name"), set()).add(attribute.text or "")
    return texts, types


def placeholders(folder):
    """Empty files for the images the file names and the folder lacks (Datumaro stops without them): the typed
    oracle needs a reading, not pictures."""
    try:
        root = ET.parse(os.path.join(folder, "annotations.xml")).getroot()
    except ET.ParseError:
        return
    project = root.find("meta/project") is not None
    for image in root.iter("image"):
        name = image.get("name") or ""
        parts = ["images", image.get("subset") or "default", name] if project else ["images", name]
        path = os.path.normpath(os.path.join(folder, *parts))
        if name and path.startswith(os.path.join(folder, "images")) and not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "wb").close()


def retyped(binary, folder):
    """The attribute names of the check's attribute_value_retyped findings; None when cvat-lint cannot read the input,
    finds values carried over from a skipped shape, or images Datumaro leaves out for their subset (those findings'
    to report, not this one's)."""
    run = subprocess.run([binary, "check", folder, "--target", "datumaro", "--format", "json"], capture_output=True, text=True)
    if run.returncode == 2:
        return None
    findings = json.loads(run.stdout)["exports"][0]["findings"]
    if any(finding["issue_type"] in ("attribute_values_carried_over", "subset_undeclared") for finding in findings):
        return None
    return {finding["location"].get("attribute") for finding in findings if finding["issue_type"] == "attribute_value_retyped"}


def errors(binary, folder):
    """The issue types of the check's errors, or None when cvat-lint cannot read the input (exit 2)."""
    run = subprocess.run([binary, "check", folder, "--target", "datumaro", "--format", "json"], capture_output=True, text=True)
    if run.returncode == 2:
        return None
    findings = json.loads(run.stdout)["exports"][0]["findings"]
    return sorted({finding["issue_type"] for finding in findings if finding["severity"] == "error"})


def expected_counts(path):
    """Items and annotations Datumaro's reader makes of a file it reads."""
    root = ET.parse(path).getroot()
    meta = root.find("meta")
    project = meta is not None and meta.find("project") is not None
    keys, annotations = set(), 0
    for image in root.findall("image"):
        keys.add((image.get("subset") if project else None, image.get("id")))
        annotations += sum(1 for node in image.iter() if node.tag in SHAPES or node.tag == "tag")
    for track in root.findall("track"):
        for node in track.iter():
            if node.tag in SHAPES:
                annotations += 1
                keys.add((track.get("subset") if project else None, node.get("frame")))
    return len(keys), annotations


def verdict(mode, binary, work, scratch):
    """What is wrong with this case, or None."""
    if mode == "stop":
        found = errors(binary, work)
        _, _, stopped = datumaro(work)
        return f"Datumaro stops ({stopped}), no error" if stopped and found == [] else None
    if mode == "apply":
        out, problem = applied(binary, work, scratch, "datumaro")
        _, _, stopped = datumaro(out) if out else (None, None, None)
        return problem or (f"Datumaro stops on the output: {stopped}" if stopped else None)
    if mode == "typed":
        placeholders(work)
        reported = retyped(binary, work)
        typed = datumaro_typed(work)
        if reported is None or typed is None:
            return None
        texts, types = written_values(os.path.join(work, "annotations.xml"))
        changed = {name for name, spellings in typed.items()
                   if types.get(name) not in ("checkbox", "number") and spellings - texts.get(name, set())}
        if changed - reported or reported - set(typed):
            return f"Datumaro respells {sorted(changed - reported)}; reported, never typed: {sorted(reported - set(typed))}"
        return None
    if errors(binary, work) != []:
        return None
    items, annotations, stopped = datumaro(work)
    want = expected_counts(os.path.join(work, "annotations.xml"))
    return None if (items, annotations) == want else f"expected {want}, Datumaro read {(items, annotations)} ({stopped})"


def main():
    fuzz(__doc__.split("\n")[0], ["stop", "apply", "count", "typed"], verdict, "datumaro-differential",
         edit_for=lambda mode: retype if mode == "typed" else mutate)


if __name__ == "__main__":
    main()
