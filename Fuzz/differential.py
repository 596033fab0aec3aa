"""What the differential fuzzers share: random edits of an export's annotations.xml, and the loop that copies an export,
edits it, asks a verdict and keeps each failing case.

`Fuzz/datumaro_differential.py` and `Fuzz/encord_differential.py` run it; a seed makes the same edits in both.
"""
import argparse
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

VALUES = ["", "-1", "abc", "1e5", "nan", "0", "1.5", " 3", "3 ", "inf", "-inf", "1", "2", "100000", "-0", "0.0", "true",
          "x y", "1,2", "1;2", "1,2;", "1,2;3,4", "0,0;0,0;0,0", "1_0", "+1", "0x1", ".5", "١", "999", "default", "car",
          "é", "annotation", "interpolation", "Train", "frame_000000"]
TAGS = ["box", "polygon", "polyline", "points", "mask", "tag", "skeleton", "ellipse", "cuboid", "track", "image",
        "attribute", "attributes", "label", "labels", "task", "original_size", "width", "height", "id", "size",
        "start_frame", "stop_frame", "frame_filter", "subset", "source"]
ATTRIBUTES = ["group_id", "z_order", "rotation", "occluded", "outside", "keyframe", "subset", "task_id", "source", "id",
              "label", "frame", "width", "height", "name", "points", "rle", "left", "top"]


def mutate(root, rng):
    """One random edit below the root; returns what it did."""
    parents = {child: parent for parent in root.iter() for child in parent}
    below = list(root.iter())[1:]
    if not below:
        return "nothing"
    element = rng.choice(below)
    parent = parents.get(element)
    operation = rng.randrange(9)
    if operation == 0 and element.attrib:
        key = rng.choice(list(element.attrib))
        del element.attrib[key]
        return f"del @{key} of <{element.tag}>"
    if operation in (1, 7):
        key = rng.choice(list(element.attrib) if operation == 1 and element.attrib else ATTRIBUTES)
        element.attrib[key] = rng.choice(VALUES)
        return f'<{element.tag} {key}="{element.attrib[key]}">'
    if operation == 2 and parent is not None:
        parent.remove(element)
        return f"del <{element.tag}>"
    if operation == 3 and parent is not None:
        parent.insert(list(parent).index(element), copy.deepcopy(element))
        return f"dup <{element.tag}>"
    if operation == 4 and len(element) == 0:
        element.text = rng.choice(VALUES)
        return f"<{element.tag}>{element.text}"
    if operation == 5 and parent is not None and len(parent) > 1:
        kids = list(parent)
        i, j = kids.index(element), rng.randrange(len(kids))
        kids[i], kids[j] = kids[j], kids[i]
        parent[:] = kids
        return f"swap <{element.tag}> with <{kids[i].tag}>"
    if operation == 6:
        old, element.tag = element.tag, rng.choice(TAGS)
        return f"rename <{old}> to <{element.tag}>"
    if operation == 8 and parent is not None:
        inside = set(map(id, element.iter()))
        target = rng.choice([node for node in root.iter() if id(node) not in inside])
        parent.remove(element)
        target.append(element)
        return f"move <{element.tag}> into <{target.tag}>"
    return "nothing"


def applied(binary, work, scratch, target):
    """Runs `apply --allow-loss --drop-invalid` on the case into a fresh folder: (that folder where apply exited 0, else
    None; what is wrong where it exited with another code than 0, 1 and 2, else None)."""
    out = os.path.join(scratch, "out")
    shutil.rmtree(out, ignore_errors=True)
    run = subprocess.run([binary, "apply", work, "--target", target, "--allow-loss", "--drop-invalid", "--out", out],
                         capture_output=True, text=True)
    if run.returncode not in (0, 1, 2):
        return None, f"exit {run.returncode}: {run.stderr[-300:]}"
    return (out if run.returncode == 0 else None), None


def editable(export):
    """Whether ElementTree reads the export's annotations.xml, which the edits need; says so on stderr when not."""
    try:
        ET.parse(os.path.join(export, "annotations.xml"))
        return True
    except (OSError, ET.ParseError) as error:
        print(f"skipped {export}: {error}", file=sys.stderr)
        return False


def fuzz(description, modes, verdict, keep, edit_for=lambda mode: mutate):
    """Parses the command line (exports, --bin, --runs, --seed, --mode, --keep), runs the cases, prints each failing one
    as a JSON line (and a count on stderr), and exits 1 when any failed. `verdict(mode, binary, work, scratch)` says
    what is wrong with one edited export, or None; `edit_for(mode)` picks the edit."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("exports", nargs="+")
    parser.add_argument("--bin", default=".build/debug/cvat-lint")
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=modes, default=modes[0])
    parser.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), keep))
    options = parser.parse_args()
    exports = [export for export in options.exports if editable(export)]
    if not exports:
        sys.exit("no export whose annotations.xml ElementTree can read")
    rng = random.Random(options.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        work = os.path.join(scratch, "export")
        for run in range(options.runs):
            source = rng.choice(exports)
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(source, work, symlinks=True)
            tree = ET.parse(os.path.join(work, "annotations.xml"))
            edit = edit_for(options.mode)
            edits = [edit(tree.getroot(), rng) for _ in range(rng.randint(1, 3))]
            tree.write(os.path.join(work, "annotations.xml"), encoding="utf-8", xml_declaration=True)
            problem = verdict(options.mode, os.path.abspath(options.bin), work, scratch)
            if problem:
                failures += 1
                kept = os.path.join(options.keep, f"{options.mode}-{options.seed}-{run}")
                shutil.copytree(work, kept, symlinks=True, dirs_exist_ok=True)
                print(json.dumps({"export": source, "edits": edits, "problem": problem, "kept": kept}), flush=True)
    print(f"{options.runs} runs, {failures} failing", file=sys.stderr)
    sys.exit(1 if failures else 0)
