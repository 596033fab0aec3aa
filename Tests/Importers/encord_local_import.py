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
import sys
import uuid
import xml.etree.ElementTree as ET

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

requests_seen = []
uploaded = []  # (title, byte count) of each PUT to a signed URL


def respond(request, status, body):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    response.url = request.url
    response.request = request
    return response


def stub_send(adapter, request, *args, **kwargs):
    url = requests.utils.urlparse(request.url)
    requests_seen.append(f"{request.method} {url.path}")
    if url.netloc == "upload.invalid":
        body = request.body
        size = len(body) if isinstance(body, (bytes, str)) else len(body.read())
        uploaded.append({"object": url.path.lstrip("/"), "bytes": size})
        return respond(request, 200, {})
    if request.method == "GET" and url.path.endswith("/presigned-urls"):
        query = dict(part.split("=", 1) for part in url.query.split("&") if "=" in part)
        count = int(query.get("count", "0"))
        results = []
        for _ in range(count):
            item = str(uuid.uuid4())
            results.append({"itemUuid": item, "objectKey": f"cord-images/{item}",
                            "signedUrl": f"https://upload.invalid/{item}", "uploadHeaders": {}})
        return respond(request, 200, {"results": results, "nextPageToken": None})
    if request.method == "POST" and url.path.endswith("/projects/cvat-import"):
        payload = json.loads(request.body)
        sent["payload"] = payload
        return respond(request, 200, str(uuid.uuid4()))
    if request.method == "POST" and url.path.endswith("/datasets"):
        return respond(request, 200, {"datasetUuid": str(uuid.uuid4()), "backingFolderUuid": None})
    return respond(request, 404, {"message": f"the stub does not serve {request.method} {url.path}"})


sent = {}
requests.adapters.HTTPAdapter.send = stub_send


def main(folder):
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
    client = EncordUserClient.create_with_ssh_private_key(key)
    result = {"requests": requests_seen}
    try:
        client.create_project_from_cvat_start(
            import_method=LocalImport(file_path=folder), dataset_name="cvat-lint",
            review_mode=ReviewMode.LABELLED, transform_bounding_boxes_to_polygons=False)
    except Exception as error:  # noqa: BLE001 - the SDK's own refusal is the result
        result["error"] = f"{type(error).__name__}: {error}"
    payload = sent.get("payload")
    if payload is not None:
        xml = base64.b64decode(payload["annotationsBase64"])
        result["data_paths"] = sorted(item["dataPath"] for item in payload["data"])
        result["titles"] = sorted(item["title"] for item in payload["data"])
        result["xml_image_names"] = sorted(
            element.get("name") for element in ET.fromstring(xml).iter("image"))
        result["annotations_sha256"] = hashlib.sha256(xml).hexdigest()
    result["uploaded"] = len(uploaded)
    print(json.dumps(result, indent=1))


if sys.argv[1] == "--probe":
    print(json.dumps({"uploaded": 0}))
else:
    main(sys.argv[1])
