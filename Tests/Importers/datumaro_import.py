"""Runs Datumaro's CVAT reader, `Dataset.import_from(FOLDER, "cvat")`, on an export folder.

Usage: python3 datumaro_import.py FOLDER | --probe
Prints one JSON object: the items and annotations read (by Datumaro's annotation type) and the attribute values it
read as numbers or booleans (by attribute name: each Python spelling and how many), or the error that stopped the
import, with the exception that caused it. Exit 3 when the `datumaro` package cannot be imported (the caller skips),
0 otherwise. Datumaro reads the folder only: nothing is written.
"""
import collections
import json
import logging
import sys
import warnings

logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")

try:
    import datumaro
    from datumaro.components.dataset import Dataset
except Exception as error:  # noqa: BLE001 - any import failure means "no Datumaro here"
    print(json.dumps({"unavailable": f"{type(error).__name__}: {error}"}))
    sys.exit(3)


BUILTIN = {"occluded", "outside", "keyframe", "track_id", "rotation"}


def main() -> None:
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps({"version": datumaro.__version__}))
        return
    try:
        dataset = Dataset.import_from(sys.argv[1], "cvat")
        kinds = collections.Counter()
        typed = collections.defaultdict(collections.Counter)
        items = 0
        for item in dataset:
            items += 1
            kinds.update(annotation.type.name for annotation in item.annotations)
            for annotation in item.annotations:
                for each in [annotation, *getattr(annotation, "elements", [])]:
                    for name, value in each.attributes.items():
                        # The reader's own fields (occluded, outside, keyframe, track_id, rotation) are typed by design.
                        if name not in BUILTIN and isinstance(value, (bool, float)):
                            typed[name][str(value)] += 1
        print(json.dumps({"items": items, "annotations": dict(kinds), "typed": {name: dict(spellings) for name, spellings in typed.items()}}))
    except Exception as error:  # noqa: BLE001 - the import's failure is the result
        cause = error.__cause__ or error.__context__ or error
        print(json.dumps({"error": f"{type(error).__name__}: {error}"[:300], "cause": f"{type(cause).__name__}: {cause}"[:300]}))


if __name__ == "__main__":
    main()
