"""Runs Encord's SDK CVAT import (`create_project_from_cvat_start`) on a folder with its HTTP layer stubbed.

Usage: python3 encord_local_import.py FOLDER | --probe
Prints one JSON object: what the SDK uploaded and sent, or the error it raised before sending.
Exit 3 when the `encord` package cannot be imported (the caller skips), 0 otherwise.

Nothing reaches a network: `requests.adapters.HTTPAdapter.send`, which every request of the SDK goes
through (its API client, its querier and the PUTs to signed URLs), is replaced by a stub that answers like
Encord's API and records each request.
"""
import base64
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import requests
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from encord.user_client import EncordUserClient
    from encord.utilities.client_utilities import LocalImport
    from encord.orm.project import ReviewMode
except Exception as error:  # noqa: BLE001 - any import failure means "no SDK here"
    print(json.dumps({"unavailable": f"{type(error).__name__}: {error}"}))
    sys.exit(3)

from encord_stub import EncordStub  # noqa: E402 - beside this file

stub = EncordStub()
requests.adapters.HTTPAdapter.send = lambda adapter, request, *args, **kwargs: stub.send(request)


def main(folder):
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
    client = EncordUserClient.create_with_ssh_private_key(key)
    result = {"requests": stub.requests}
    try:
        client.create_project_from_cvat_start(
            import_method=LocalImport(file_path=folder), dataset_name="cvat-lint",
            review_mode=ReviewMode.LABELLED, transform_bounding_boxes_to_polygons=False)
    except Exception as error:  # noqa: BLE001 - the SDK's own refusal is the result
        result["error"] = f"{type(error).__name__}: {error}"
    payload = stub.payload
    if payload is not None:
        xml = base64.b64decode(payload["annotationsBase64"])
        result["data_paths"] = sorted(item["dataPath"] for item in payload["data"])
        result["titles"] = sorted(item["title"] for item in payload["data"])
        # An <image> without a name (the SDK sends it as it is) is listed as ""; XML that ElementTree cannot
        # read (a declared encoding it does not know, say) as the reason instead of the names.
        try:
            result["xml_image_names"] = sorted(
                element.get("name", "") for element in ET.fromstring(xml).iter("image"))
        except (ET.ParseError, LookupError, ValueError) as error:
            result["xml_unreadable"] = f"{type(error).__name__}: {error}"
        result["annotations_sha256"] = hashlib.sha256(xml).hexdigest()
    result["uploaded"] = len(stub.uploads)
    print(json.dumps(result, indent=1))


if sys.argv[1] == "--probe":
    print(json.dumps({"uploaded": 0}))
else:
    main(sys.argv[1])
