"""Reading an OParl server: JSON by URL, list pages by `links.next`, with real servers' quirks.

Retries with back-off on server errors (5xx) and time-outs; control characters that some
servers leave in their JSON are removed before parsing; a 404 or `[]` where a list page was
expected is an empty page; a single object where a list was expected is a list of one.
"""

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.client import HTTPException
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# C0 control characters other than tab, line feed and carriage return are never valid in
# JSON text; some servers send them raw inside strings.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
USER_AGENT = "Offene Stadt OParl-Import"


class OParlError(Exception):
    """A page or object that could not be read; `kind` names the sort of failure (a German
    msgid: the summary shows it in the user's language)."""

    def __init__(self, kind: str, url: str, detail: str = "") -> None:
        self.kind = kind
        self.url = url
        self.detail = detail
        super().__init__(f"{kind}: {url}" + (f" ({detail})" if detail else ""))

    def message(self) -> str:
        """The failure in the user's language."""
        return f"{_(self.kind)}: {self.url}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class Page:
    url: str
    items: list[dict[str, Any]]
    next_url: str | None
    total_pages: int | None = None


@dataclass
class Client:
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = field(default=0, init=False)

    def get(self, url: str, params: dict[str, str] | None = None) -> Any:
        """The parsed JSON at ``url``; None when the server answers 404."""
        if params:
            glue = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{glue}{urllib.parse.urlencode(params)}"
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise OParlError(gettext_noop("ungültige Adresse"), url)
        for attempt in range(self.attempts):
            try:
                text = self._fetch(url)
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    return None
                if error.code < 500 or attempt == self.attempts - 1:
                    raise OParlError(f"HTTP {error.code}", url) from error
            except (TimeoutError, ConnectionError, HTTPException, urllib.error.URLError) as error:
                if attempt == self.attempts - 1:
                    raise OParlError(gettext_noop("keine Antwort"), url, str(error)) from error
            else:
                try:
                    return json.loads(CONTROL.sub("", text))
                except json.JSONDecodeError as error:
                    raise OParlError(gettext_noop("kein gültiges JSON"), url, str(error)) from error
            self.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch(self, url: str) -> str:
        self.requests += 1
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in get()
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            charset = response.headers.get_content_charset() or "utf-8"
            body: bytes = response.read()
        return body.decode(charset, errors="replace")

    def page(self, url: str, params: dict[str, str] | None = None) -> Page:
        """One list page, whatever shape the server gave it."""
        data = self.get(url, params)
        if data is None or data == []:
            return Page(url, [], None)
        if isinstance(data, list):
            return Page(url, [item for item in data if isinstance(item, dict)], None)
        if not isinstance(data, dict):
            raise OParlError(gettext_noop("keine Liste"), url)
        if "data" not in data:
            # A single object where a list was expected (some servers' body list).
            return Page(url, [data] if "id" in data else [], None)
        items = [item for item in data.get("data") or [] if isinstance(item, dict)]
        links = data.get("links") or {}
        next_url = links.get("next") if isinstance(links, dict) else None
        pagination = data.get("pagination") or {}
        total = pagination.get("totalPages") if isinstance(pagination, dict) else None
        return Page(
            url,
            items,
            next_url if isinstance(next_url, str) and next_url else None,
            total if isinstance(total, int) else None,
        )

    def pages(self, url: str, params: dict[str, str] | None = None) -> Iterator[Page]:
        """Every page of a list, following `links.next` (which carries the query onward)."""
        seen: set[str] = set()
        page = self.page(url, params)
        while True:
            yield page
            if page.next_url is None or page.next_url in seen:
                return
            seen.add(page.next_url)
            page = self.page(page.next_url)
