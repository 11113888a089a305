"""Public pages and read endpoints for visitors who are not signed in, served from the cache.

A GET or HEAD with no cookie but the CSRF and replica ones and no Authorization header is
looked up by scheme, host, path, query, Accept header and today's date (pages that say
"today" or count days change at midnight): one get of the stored page and one get_many of the
tags it depends on (``tracking``); all unchanged: the stored page answers, or 304 when the
browser's If-None-Match names it, without running the view. Otherwise the page is rendered
and stored if it is a 200 that set no cookie (but the CSRF one: a form's token is filled in
for each visitor), wrote nothing, asked not to be stored nowhere
(``Cache-Control: private/no-store``, ``pagecache.exclude``), and no tag changed during the
render. Pages that change by themselves at a time (votes opening and closing, participation
phases) say when with ``pagecache.valid_until`` and are stored until then at most.

A page without a form is also stored gzip-compressed and sent so to browsers that accept it
(most pages are 10 to 20 times the size of a style sheet); a page with a form is not, as its
CSRF token must not travel compressed beside what an attacker can reflect (BREACH).

Signed-in people (a session cookie) are never served from the cache and never stored: staff
see live data. Stored copies carry ``Cache-Control: no-cache`` and ``Vary: Cookie``, so a
browser or proxy asks again each time (cheaply, with If-None-Match).
"""

import gzip
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from offenestadt.core import pagecache
from offenestadt.core.pagecache import store, tracking

SAFE_METHODS = frozenset({"GET", "HEAD"})
# Cookies a visitor who is not signed in may send and still get the shared page.
HARMLESS_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, "recent_write"})
# Live state, or only for signed-in people anyway (the address without a language prefix).
EXCLUDED_PREFIXES = ("/healthz", "/konto/", "/verwaltung/", "/aufgaben/", "/rohdaten/")
LARGEST_BODY = 2 * 1024 * 1024
LONGEST_SECONDS = 24 * 60 * 60
# A form's CSRF token, cut out of a stored page and filled in for each visitor.
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_SLOT = b"\x00csrf\x00"
_TOKEN_SLOT = re.compile(re.escape(_SLOT))
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_STORED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Vary",
    "X-Frame-Options",
    "Link",
)


def cacheable(request: HttpRequest) -> bool:
    if not settings.PAGE_CACHE or request.method not in SAFE_METHODS:
        return False
    if "HTTP_AUTHORIZATION" in request.META or not HARMLESS_COOKIES.issuperset(request.COOKIES):
        return False
    try:
        request.get_host()
    except DisallowedHost:  # answered 400 further in (CommonMiddleware), never stored
        return False
    path = request.path
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            path = path[len(code) + 1 :]
    return not path.startswith(EXCLUDED_PREFIXES)


def _key(request: HttpRequest) -> str:
    return store.page_key(
        (
            request.scheme or "",
            request.get_host(),
            request.path,
            "&".join(sorted(request.META.get("QUERY_STRING", "").split("&"))),
            request.META.get("HTTP_ACCEPT", ""),
            timezone.localdate().isoformat(),
        )
    )


@dataclass(frozen=True)
class Entry:
    """A stored page: what it depends on (tags and their versions) and what it says."""

    tags: list[str]
    versions: list[int]
    body: bytes
    headers: list[tuple[str, str]]
    etag: str
    modified: int
    # The page holds forms: each answer gets the visitor's own CSRF token (and cookie).
    has_form: bool
    expires: int
    # The body gzip-compressed (pages without a form), sent to browsers that accept it.
    gzipped: bytes | None = None

    def seconds_left(self) -> int:
        return max(1, self.expires - int(time.time()))


def _gzip_etag(entry: Entry) -> str:
    """The compressed body's own tag (another representation of the same page)."""
    return entry.etag[:-1] + '-gzip"'


def _sends_gzip(request: HttpRequest, entry: Entry) -> bool:
    return entry.gzipped is not None and bool(
        _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    )


def _not_modified(request: HttpRequest, entry: Entry, etag: str) -> bool:
    if entry.has_form and settings.CSRF_COOKIE_NAME not in request.COOKIES:
        # The browser's copy holds a form token for a cookie it no longer has.
        return False
    if match := request.META.get("HTTP_IF_NONE_MATCH"):
        return etag in {tag.strip() for tag in match.split(",")} or match.strip() == "*"
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and entry.modified <= since


def _with_form_tokens(request: HttpRequest, body: bytes) -> tuple[bytes, HttpResponseBase]:
    """The body with a token for this visitor in each form, and the cookie to go with it,
    as Django's CSRF middleware gives them."""
    csrf = CsrfViewMiddleware(lambda request: HttpResponse())
    csrf.process_request(request)
    filled = _TOKEN_SLOT.sub(lambda _: get_token(request).encode(), body)
    return filled, csrf.process_response(request, HttpResponse())


def _answer(request: HttpRequest, entry: Entry, state: str) -> HttpResponse:
    compressed = _sends_gzip(request, entry)
    etag = _gzip_etag(entry) if compressed else entry.etag
    if _not_modified(request, entry, etag):
        response: HttpResponse = HttpResponseNotModified()
    elif compressed:
        response = HttpResponse(entry.gzipped, status=200)
        for name, value in entry.headers:
            response[name] = value
        response["Content-Encoding"] = "gzip"
    else:
        body, cookies = (
            _with_form_tokens(request, entry.body) if entry.has_form else (entry.body, None)
        )
        response = HttpResponse(body, status=200)
        for name, value in entry.headers:
            response[name] = value
        if cookies is not None:
            response.cookies = cookies.cookies
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry.modified)
    response["Cache-Control"] = "no-cache"
    response["X-Cache"] = state
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"] if entry.gzipped else ["Cookie"])
    return response


class PageCacheMiddleware:
    """See the module. Before the session: a hit costs no session or user look-up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable(request):
            return self.get_response(request)
        key = _key(request)
        entry, checked, epoch = store.look_up(key)
        if isinstance(entry, Entry):
            if checked is not None and checked == epoch:
                return _answer(request, entry, "hit")
            if store.versions(entry.tags) == entry.versions:
                store.stamp(key, epoch, entry.seconds_left())
                return _answer(request, entry, "hit")
        epoch = store.epoch()
        started = store.clock()
        token = tracking.start()
        try:
            response = self.get_response(request)
            collector = tracking.collecting() or tracking.Collector(excluded=True)
        finally:
            tracking.stop(token)
        stored = self._store(key, response, collector, started)
        if stored is not None:
            # The epoch read before the clock: a bump between them makes the next hit check.
            store.stamp(key, epoch, stored.seconds_left())
        if stored is None:
            response["X-Cache"] = "miss"
            return response
        return _answer(request, stored, "miss")

    def _store(
        self, key: str, response: HttpResponse, collector: tracking.Collector, started: int
    ) -> Entry | None:
        if not self._storable(response, collector):
            return None
        now = timezone.now()
        seconds = LONGEST_SECONDS
        for moment in (collector.valid_until, pagecache.next_change(collector.tables, now)):
            if moment is not None:
                seconds = min(seconds, int((moment - now).total_seconds()))
        tags = collector.dependencies()
        versions = store.settle(tags, started)
        if versions is None or seconds <= 0:
            return None
        body, forms = _TOKEN.subn(rb"\1" + _SLOT + rb"\2", response.content)
        entry = Entry(
            tags=tags,
            versions=versions,
            body=body,
            headers=[
                (name, response[name]) for name in _STORED_HEADERS if response.has_header(name)
            ],
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            modified=int(now.timestamp()),
            has_form=forms > 0,
            expires=int(now.timestamp()) + seconds,
            gzipped=None if forms else gzip.compress(body, compresslevel=6, mtime=0),
        )
        store.backend().set(key, entry, timeout=seconds)
        return entry

    def _storable(self, response: HttpResponse, collector: tracking.Collector) -> bool:
        if (
            response.status_code != 200
            or getattr(response, "streaming", False)
            or response.has_header("Content-Encoding")
            or set(response.cookies) - {settings.CSRF_COOKIE_NAME}
            or collector.wrote
            or collector.excluded
        ):
            return False
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-store", "no-cache", "max-age=0")):
            return False
        return len(response.content) <= LARGEST_BODY
