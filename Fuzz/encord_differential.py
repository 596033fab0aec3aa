"""Differential fuzzing against Encord's SDK (its HTTP layer stubbed): mutated exports, cvat-lint's verdict beside the SDK's.

Usage:
    python3 Fuzz/encord_differential.py --bin .build/debug/cvat-lint --runs 500 --seed 1 [--mode stop|apply] \
        [--keep DIR] EXPORT_FOLDER...

Each run copies one of the export folders (with its images/), makes one to three random edits to its annotations.xml
(the edits of Fuzz/differential.py, which the Datumaro fuzzer makes too), runs the SDK's CVAT import on the folder
through Tests/Importers/encord_local_import.py (every request answered by a stub, nothing sent anywhere), and asks:
  stop   does `check --target encord` report an error wherever the SDK raises before it sends the import? Only that
         miss is printed: an error where the SDK goes on can be deliberate (the SDK checks the folder's layout, the
         server the annotations).
  apply  after `apply --target encord --allow-loss --drop-invalid` exits 0, does the SDK send the output, uploading
         exactly the files the XML's <image> elements name (as EncordSDKTests holds the fixtures to), and the
         annotations.xml apply wrote? (Also: no exit code but 0, 1 and 2.)
Each failing case is kept under --keep with the edits made. Needs `pip install encord`; nothing else is written.
"""
import hashlib
import json
import os
import subprocess
import sys

from differential import applied, fuzz

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Importers", "encord_local_import.py")


def sdk(folder):
    """What the SDK did with the folder (the harness's JSON); exits when the SDK cannot be imported."""
    run = subprocess.run([sys.executable, HARNESS, folder], capture_output=True, text=True)
    if run.returncode == 3:
        sys.exit(f"encord is not importable here: {run.stdout.strip()}")
    return json.loads(run.stdout)


def errors(binary, folder):
    """The issue types of the check's errors, or None when cvat-lint cannot read the input (exit 2)."""
    run = subprocess.run([binary, "check", folder, "--target", "encord", "--format", "json"], capture_output=True, text=True)
    if run.returncode == 2:
        return None
    return sorted({issue["issue_type"] for issue in json.loads(run.stdout)["exports"][0]["issues"]["errors"]})


def verdict(mode, binary, work, scratch):
    """What is wrong with this case, or None."""
    if mode == "stop":
        stopped = sdk(work).get("error")
        return f"the SDK stops ({stopped}), no error" if stopped and errors(binary, work) == [] else None
    out, problem = applied(binary, work, scratch, "encord")
    if out is None:
        return problem
    outcome = sdk(out)
    if outcome.get("error"):
        return f"the SDK stops on the output: {outcome['error']}"
    paths, names = outcome.get("data_paths"), outcome.get("xml_image_names")
    if paths != names:
        return f"uploaded {sorted(set(paths or []) - set(names or []))[:5]} that no <image> names, named {sorted(set(names or []) - set(paths or []))[:5]} with no file"
    with open(os.path.join(out, "annotations.xml"), "rb") as written:
        if outcome.get("annotations_sha256") != hashlib.sha256(written.read()).hexdigest():
            return "the SDK sent another annotations.xml than apply wrote"
    return None


if __name__ == "__main__":
    fuzz(__doc__.split("\n")[0], ["stop", "apply"], verdict, "encord-differential")
