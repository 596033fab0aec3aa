"""A stand-in for Encord's API at the HTTP layer: answers the SDK's CVAT import as the service would and
records every request, so that the SDK runs for real (request signing included) and nothing leaves the machine.

Install it with `requests.adapters.HTTPAdapter.send = lambda adapter, request, *a, **k: stub.send(request)`:
every request of the SDK (its API client, its querier, the PUTs to signed URLs) goes through that method.
"""
import json
import uuid


class EncordStub:
    """Records each request (`METHOD /path`), each upload to a signed URL, and the cvat-import payload."""

    def __init__(self):
        self.requests = []
        self.uploads = []  # {"object": key, "bytes": size} of each PUT to a signed URL
        self.payload = None

    def send(self, request):
        import requests

        url = requests.utils.urlparse(request.url)
        self.requests.append(f"{request.method} {url.path}")
        if url.netloc == "upload.invalid":
            body = request.body
            size = len(body) if isinstance(body, (bytes, str)) else len(body.read())
            self.uploads.append({"object": url.path.lstrip("/"), "bytes": size})
            return self.respond(request, 200, {})
        if request.method == "GET" and url.path.endswith("/presigned-urls"):
            query = dict(part.split("=", 1) for part in url.query.split("&") if "=" in part)
            results = []
            for _ in range(int(query.get("count", "0"))):
                item = str(uuid.uuid4())
                results.append({"itemUuid": item, "objectKey": f"cord-images/{item}",
                                "signedUrl": f"https://upload.invalid/{item}", "uploadHeaders": {}})
            return self.respond(request, 200, {"results": results, "nextPageToken": None})
        if request.method == "POST" and url.path.endswith("/projects/cvat-import"):
            self.payload = json.loads(request.body)
            return self.respond(request, 200, str(uuid.uuid4()))
        if request.method == "POST" and url.path.endswith("/datasets"):
            return self.respond(request, 200, {"datasetUuid": str(uuid.uuid4()), "backingFolderUuid": None})
        if request.method == "GET" and "/projects/cvat-import/" in url.path:
            # The import's result: an error status needs no further endpoints (a project to list).
            issues = {"errors": [{"issue_type": "stub", "instances": ["the stub imports nothing"]}], "warnings": [], "infos": []}
            return self.respond(request, 200, {"status": "ERROR", "projectUuid": None, "issues": issues})
        return self.respond(request, 404, {"message": f"the stub does not serve {request.method} {url.path}"})

    @staticmethod
    def respond(request, status, body):
        import requests

        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response
