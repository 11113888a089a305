"""The public changes page by page: cut by entry number, so appends between pages shift nothing."""

import re
from collections.abc import Callable
from itertools import count

import pytest
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit import views
from offenestadt.audit.models import AuditEntry
from offenestadt.registry import services

ClientFor = Callable[[User | None], Client]
_numbers = count()


def _publish(editor: User, office: Office, title: str = "") -> None:
    project = services.project_create(
        actor=editor,
        office=office,
        title=title or f"Projekt {next(_numbers)}",
        summary="Eine Zusammenfassung.",
    )
    services.project_publish(actor=editor, project=project)


def _shown(body: str) -> list[int]:
    return [int(seq) for seq in re.findall(r'<li id="eintrag-(\d+)"', body)]


def _link(body: str, label: str) -> str | None:
    found = re.search(r'<a href="([^"]*)"[^>]*>' + label + "</a>", body)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 3)


@pytest.mark.usefixtures("small_pages")
def test_paging_back_shows_every_entry_once_while_new_ones_arrive(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    for _ in range(5):
        _publish(editor, office)
    public = list(AuditEntry.objects.public().order_by("-seq").values_list("seq", flat=True))
    anonymous = client_for(None)
    body = anonymous.get("/audit/").content.decode()
    seen = _shown(body)
    assert _link(body, "neuere Einträge") is None
    while older := _link(body, "ältere Einträge"):
        _publish(editor, office)  # appended between two pages
        body = anonymous.get("/audit/" + older).content.decode()
        seen += _shown(body)
    assert seen == public

    # And forward again from the oldest page: every entry once, the new ones at the end.
    newest = list(AuditEntry.objects.public().order_by("-seq").values_list("seq", flat=True))
    forward = _shown(body)
    while newer := _link(body, "neuere Einträge"):
        body = anonymous.get("/audit/" + newer).content.decode()
        forward = [seq for seq in _shown(body) if seq not in forward] + forward
    assert forward == newest


def test_old_page_numbers_lead_to_the_same_entries_or_a_clear_refusal(
    editor: User, office: Office, client_for: ClientFor, small_pages: None
) -> None:
    for _ in range(5):
        _publish(editor, office)
    anonymous = client_for(None)
    older = _link(anonymous.get("/audit/").content.decode(), "ältere Einträge")
    assert older is not None
    second = anonymous.get("/audit/" + older)
    moved = anonymous.get("/audit/?seite=2")
    assert moved.status_code == 301
    assert _shown(anonymous.get(moved["Location"]).content.decode()) == _shown(
        second.content.decode()
    )
    assert anonymous.get("/audit/?seite=1")["Location"] == "/audit/"
    for refused in ("/audit/?seite=100000", "/audit/?seite=²", "/audit/?vor=abc"):
        response = anonymous.get(refused)
        assert response.status_code == 400
        refusal = response.content.decode()
        assert "seite" in refusal or "ganze Zahl" in refusal


def test_a_feed_entry_links_to_the_page_that_shows_it(
    editor: User, office: Office, client_for: ClientFor, small_pages: None
) -> None:
    _publish(editor, office, "Das erste Projekt")
    for _ in range(4):
        _publish(editor, office)
    anonymous = client_for(None)
    feed = anonymous.get("/audit/feed.atom").content.decode()
    oldest_link = re.findall(r'<link href="[^"]*(/audit/\?vor=\d+)#eintrag-(\d+)"', feed)[-1]
    page = anonymous.get(oldest_link[0]).content.decode()
    assert _shown(page)[0] == int(oldest_link[1])
    assert "Das erste Projekt" in page
