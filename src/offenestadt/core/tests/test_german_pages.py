"""No English on German pages: the public and the staff pages of the demo, crawled with the
test client (the browser crawl in test_accessibility*.py checks the same pages for WCAG),
must not show an English text of our catalogue or of Django's own interface.

A page's text is what people read or hear: the text between tags and the labels of
controls (aria-label, title, placeholder, alt), not code, hashes or the link to the English
version. A failure names the page and the English text on it.
"""

import functools
import html
import re
from collections.abc import Callable, Hashable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import django
import polib
import pytest
from django.test import Client

from conftest import sign_in
from offenestadt.accounts.models import Office, User
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.tests.browser import is_crawlable
from offenestadt.core.tests.test_accessibility import START_PATHS
from offenestadt.core.tests.test_accessibility_staff import (
    BUDGET,
    page_kind,
    record_paths,
    staff_follows,
    submit_for_review,
)
from offenestadt.core.tests.test_language import PO_FILE

DJANGO_CATALOGUE = Path(django.__file__).parent / "conf" / "locale" / "de" / "LC_MESSAGES"
# Django's interface texts that its German catalogue lacks (so its msgids miss them).
DJANGO_WITHOUT_GERMAN = ["- Select an option -"]
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sd]|\{[^}]*\}")
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# Elements whose content is no text in the page's language: code, and the link to the
# English version (lang="en").
SKIPPED_ELEMENTS = ("script", "style", "code", "pre")


class _PageText(HTMLParser):
    """The text of a page as people read it, and the links to follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        href, rel = attributes.get("href"), attributes.get("rel") or ""
        if tag == "a" and href and "nofollow" not in rel:
            self.links.append(href)
        if tag in SKIPPED_ELEMENTS or attributes.get("lang") == "en":
            self._skipped.append(tag)
            return
        if not self._skipped:
            self.parts += [value for name in READ_ATTRIBUTES if (value := attributes.get(name))]

    def handle_endtag(self, tag: str) -> None:
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _phrases(texts: list[str]) -> list[str]:
    """Each text as the page would show it; of a text with placeholders its longest part
    between them, if that has words enough to tell the language ("and" has not)."""
    phrases = []
    for text in texts:
        parts = PLACEHOLDER.split(html.unescape(text))
        phrase = " ".join(max(parts, key=len).split()).strip(" .,:;")
        if len(phrase) >= 2 and (len(parts) == 1 or phrase.count(" ") >= 1):
            phrases.append(phrase)
    return phrases


@functools.cache
def english_texts() -> re.Pattern[str]:
    """Our catalogue's English texts that differ from every German one, and Django's English
    interface texts of more than one word (one word alone, "Name", is German too)."""
    ours = polib.pofile(str(PO_FILE))
    german = {entry.msgid for entry in ours} | {entry.msgid_plural for entry in ours}
    english = [entry.msgstr for entry in ours if entry.msgstr]
    english += [text for entry in ours for text in entry.msgstr_plural.values() if text]
    django_texts = [
        entry.msgid
        for name in ("django.po",)
        for entry in polib.pofile(str(DJANGO_CATALOGUE / name))
        if entry.msgstr and " " in entry.msgid
    ]
    # An English text that German uses too ("Code", "Filter") is no sign of a missing
    # translation: so only those that no German text holds as words of its own count.
    german_texts = "\n".join(german)
    phrases = {
        phrase
        for phrase in _phrases(english) + _phrases(django_texts) + DJANGO_WITHOUT_GERMAN
        if not re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", german_texts)
    }
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def client_crawl(
    client: Client,
    start_paths: list[str],
    visit: Callable[[str, str], None],
    *,
    follow: Callable[[str, str], bool] = is_crawlable,
    kind: Callable[[str], Hashable] | None = None,
    kinds: set[Hashable] | None = None,
    budget: int | None = None,
) -> list[str]:
    """The browser crawl's walk (core.tests.browser.crawl) with the test client: every page
    reachable through links, ``visit(path, text)`` on each HTML page."""
    queue, seen, visited = list(start_paths), set(start_paths), list[str]()
    kinds = set() if kinds is None else kinds
    while queue and (budget is None or len(visited) < budget):
        path = queue.pop(0)
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        if response.redirect_chain:
            path = urljoin(path, response.redirect_chain[-1][0])
        if not response["Content-Type"].startswith("text/html"):
            continue
        visited.append(path)
        page = _PageText()
        page.feed(response.content.decode())
        visit(path, page.text)
        for href in page.links:
            url = urlsplit(urldefrag(urljoin(path, href)).url)
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.scheme or url.netloc or target in seen or not follow(url.path, url.query):
                continue
            if kind is not None:
                if (page_kind_ := kind(url.path)) in kinds:
                    continue
                kinds.add(page_kind_)
            seen.add(target)
            queue.append(target)
    return visited


def _german(path: str, query: str) -> bool:
    return not path.startswith("/en/") and path != "/en" and is_crawlable(path, query)


@pytest.mark.django_db
def test_german_pages_show_no_english() -> None:
    load_demo_content()
    english = english_texts()
    found: list[str] = []
    checked: list[str] = []

    def check(path: str, text: str) -> None:
        found.extend(
            f"{path}: „{match[0]}“ in …{text[max(match.start() - 40, 0) : match.end() + 40]}…"
            for match in english.finditer(text)
        )

    german_starts = [path for path in START_PATHS if not path.startswith("/en")]
    checked += client_crawl(Client(), german_starts, check, follow=_german)

    own, other = Office.objects.get(slug="digitalisierung"), Office.objects.get(slug="umwelt")
    waiting = submit_for_review(other)
    kinds: set[Hashable] = set()
    for username, start_paths in (
        ("redaktion", ["/konto/zwei-faktor/", *record_paths(own)]),
        ("admin", ["/verarbeitungen/pruefung/", *record_paths(other)]),
        ("datenschutz", ["/verarbeitungen/pruefung/", f"/verarbeitungen/{waiting.slug}/"]),
    ):
        client = sign_in(Client(), User.objects.get(username=username))
        checked += client_crawl(
            client,
            start_paths,
            check,
            follow=staff_follows,
            kind=page_kind,
            kinds=kinds,
            budget=BUDGET,
        )

    print(f"\n{len(checked)} German pages checked")
    assert len(checked) > 50, checked
    assert not found, "English on German pages:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text",
    ["- Select an option -", "This field is required.", "Skip to content", "Change log"],
)
def test_the_check_knows_english_interface_texts(text: str) -> None:
    assert english_texts().search(f"Formular {text} Ende")


@pytest.mark.parametrize("text", ["Code eingeben", "Smart City", "Filter", "8,4 KB"])
def test_the_check_lets_german_pass(text: str) -> None:
    assert not english_texts().search(text)
