"""A throw-away OParl server on 127.0.0.1 that serves a crawl folder, as the tests need it.

The folder holds what a server returned: `system.json`, `body.json`, `body/1/paper.json` for a
list's first page and `body/1/paper%3Fpage=2.json` for its second (the `?` percent-encoded, as
file systems and zip archives take it; a crawl that keeps the raw `?`, like the Hürtgenwald
archive, is served too). The objects' ids are rewritten from the original host to this
server's address. `modified_since` is honoured unless `honours_since` is off; a page named in
`failing` answers 500 as many times as its count says (`body/1/paper?page=2`; the first page
by its path alone).
"""

import io
import json
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from offenestadt.core.tests.shared_reference import shared_path

ORIGINAL = "https://sdnetrim.kdvz-frechen.de/rim4220/webservice/oparl/v1.0/"
# The whole Hürtgenwald crawl, beside the repository (not shipped with it).
ARCHIVE = Path("reference/oparl/crawl-huertgenwald/cache_huertgenwald.tar.zst")


def unpacked_crawl(folder: Path) -> Path | str:
    """The whole crawl unpacked into ``folder``; else why it cannot be (a sentence)."""
    archive = shared_path(ARCHIVE)
    if archive is None:
        return f"the crawl is not there: ../shared/{ARCHIVE} beside the repository"
    zstd = shutil.which("zstd")
    if zstd is None:
        return "zstd is not installed; it unpacks the crawl"
    unpacked = subprocess.run([zstd, "-d", "-c", str(archive)], check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(unpacked.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@dataclass
class Served:
    root: Path
    honours_since: bool = True
    failing: dict[str, int] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base: str = ""

    @property
    def system(self) -> str:
        return f"{self.base}system"

    def answer(self, target: str) -> tuple[int, bytes]:
        self.requests.append(target)
        parts = urlsplit(target)
        path = parts.path.lstrip("/")
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        page = query.get("page", "1")
        key = path if page == "1" else f"{path}?page={page}"
        if self.failing.get(key, 0) > 0:
            self.failing[key] -= 1
            return 500, b'{"error": "Interner Fehler"}'
        file = self.file(key)
        if file is None:
            return 404, b'{"error": "nicht gefunden"}'
        text = file.read_text(encoding="utf-8").replace(ORIGINAL, self.base)
        since = query.get("modified_since") if self.honours_since else None
        if since:
            text = json.dumps(filtered(json.loads(text), since))
        return 200, text.encode("utf-8")

    def file(self, key: str) -> Path | None:
        """The file of a page's key (`body/1/paper?page=2`): `?` encoded as `%3F`, else raw."""
        for name in (key.replace("?", "%3F"), key):
            file = self.root / f"{name}.json"
            if file.is_file():
                return file
        return None


def filtered(data: dict[str, Any], since: str) -> dict[str, Any]:
    """A list page with only the objects modified at or after ``since``, its links keeping it."""
    after = datetime.fromisoformat(since)
    data["data"] = [
        item
        for item in data.get("data", [])
        if item.get("modified") and datetime.fromisoformat(item["modified"]) >= after
    ]
    following = data.get("links", {}).get("next")
    if following:
        data["links"]["next"] = f"{following}&{urlencode({'modified_since': since})}"
    return data


@contextmanager
def serve(root: Path, **options: Any) -> Iterator[Served]:
    served = Served(root, **options)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = served.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.base = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
