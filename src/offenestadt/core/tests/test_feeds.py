"""Every Atom feed of the site meets RFC 4287, as the W3C feed validator reads it: the feed
and each entry with one id (an absolute IRI), a title and an RFC 3339 date of update, an
author for every entry, entries that link to their page or carry their content."""

import re
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

import pytest
from django.contrib.syndication.views import Feed
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from offenestadt.core.demo_loader import load_demo_content
from offenestadt.participation.models import Procedure

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
ABSOLUTE_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")

# How to reach feeds whose address names a record: one of the demo's.
FEED_ARGUMENTS: dict[str, Callable[[], dict[str, str]]] = {
    "participation:procedure_feed": lambda: {
        "slug": Procedure.objects.published().order_by("slug").values_list("slug", flat=True)[0]
    },
}


def feed_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    """The URL name of every feed the site serves."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from feed_names(pattern.url_patterns, inner)
        elif isinstance(pattern.callback, Feed):
            yield f"{namespace}{pattern.name}"


def feed_urls() -> Iterator[str]:
    for name in sorted(set(feed_names(get_resolver().url_patterns))):
        arguments = FEED_ARGUMENTS[name]() if name in FEED_ARGUMENTS else {}
        for language in ("de", "en"):
            with translation.override(language):
                yield reverse(name, kwargs=arguments)


def one(element: ElementTree.Element, tag: str, where: str) -> str:
    found = element.findall(f"{ATOM}{tag}")
    assert len(found) == 1, f"{where}: {len(found)} times atom:{tag}"
    return found[0].text or ""


def authors(element: ElementTree.Element) -> list[str]:
    return [author.findtext(f"{ATOM}name") or "" for author in element.findall(f"{ATOM}author")]


def check_common(element: ElementTree.Element, where: str) -> None:
    """What RFC 4287 asks of a feed and of an entry alike (4.1.1, 4.1.2)."""
    assert ABSOLUTE_IRI.match(one(element, "id", where)), where
    assert one(element, "title", where).strip(), where
    assert RFC3339.match(one(element, "updated", where)), where
    assert all(name.strip() for name in authors(element)), where
    alternates = [
        link
        for link in element.findall(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    ]
    assert len(alternates) <= 1, where
    assert all(ABSOLUTE_IRI.match(link.get("href", "")) for link in alternates), where


def check_feed(url: str, content: bytes) -> int:
    """The feed meets RFC 4287; how many entries it has."""
    feed = ElementTree.fromstring(content)  # noqa: S314  (our own feed)
    assert feed.tag == f"{ATOM}feed", url
    check_common(feed, url)
    selves = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(selves) == 1 and selves[0].get("href", "").endswith(url), url
    entries = feed.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids)), f"{url}: entries share an id"
    for entry in entries:
        where = f"{url} {entry.findtext(f'{ATOM}id')}"
        check_common(entry, where)
        # 4.1.1: an entry without content links to its page; without its own author, the
        # feed's author is its author.
        has_content = entry.find(f"{ATOM}content") is not None
        has_alternate = any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link")
        )
        assert has_content or has_alternate, where
        assert authors(entry) or authors(feed), where
    return len(entries)


def test_the_site_has_its_feeds() -> None:
    names = set(feed_names(get_resolver().url_patterns))
    assert {"audit:feed", "opendata:feed", "participation:feed"} <= names, names


@pytest.mark.django_db
def test_every_feed_meets_rfc_4287(client: Client) -> None:
    load_demo_content()
    for url in feed_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml"), url
        assert check_feed(url, response.content) > 0, f"{url}: the demo shows no entry"


@pytest.mark.django_db
def test_an_empty_feed_still_has_an_author(client: Client) -> None:
    response = client.get(reverse("audit:feed"))
    feed = ElementTree.fromstring(response.content)  # noqa: S314  (our own feed)
    check_feed(reverse("audit:feed"), response.content)
    assert authors(feed)
