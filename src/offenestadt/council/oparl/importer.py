"""The import run: the chosen body, then its lists page by page, each page in one transaction.

Where each list's walk stands is kept in `SyncState`: a run that stops on a failing page
leaves every page before it imported and resumes at that page the next time. A finished walk
remembers when it began, and the next run asks only for what changed since (`modified_since`);
a server that ignores the parameter sends everything, which the comparison on saving turns
into no writes.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from offenestadt.council import models as m
from offenestadt.council.oparl import mapping
from offenestadt.council.oparl.client import Client, OParlError
from offenestadt.council.oparl.store import Store, Summary, as_datetime

# The body's lists in the order their objects refer to each other: a membership names an
# organization, a consultation a meeting and its agenda item.
LISTS: tuple[
    tuple[str, type[m.OParlObject], Callable[[Store, dict[str, Any], m.Body], None]], ...
] = (
    ("organization", m.Organization, mapping.organization),
    ("person", m.Person, mapping.person),
    ("meeting", m.Meeting, mapping.meeting),
    ("paper", m.Paper, mapping.paper),
)

Progress = Callable[[str, int, int | None], None]


def run_import(
    url: str,
    *,
    body: str | None = None,
    since: datetime | None = None,
    client: Client | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Import the body ``body`` (its id, or the last part of it) of the system at ``url``."""
    client = client or Client()
    summary = Summary()
    store = Store(summary)
    data = choose_body(client, url, body)
    with transaction.atomic():
        store.begin([data])
        record = mapping.body(store, data)
        store.flush()
    for name, model, save in LISTS:
        list_url = data.get(name)
        if not isinstance(list_url, str):
            continue
        try:
            walk(client, store, record, (name, model, save), list_url, since, progress)
        except OParlError as error:
            summary.errors[error.kind] += 1
            summary.incomplete.append(name)
    return summary


def choose_body(client: Client, url: str, wanted: str | None) -> dict[str, Any]:
    system = client.get(url)
    if not isinstance(system, dict):
        raise OParlError(gettext_noop("kein OParl-System"), url)
    if isinstance(system.get("body"), str):
        bodies = [item for page in client.pages(system["body"]) for item in page.items]
    elif isinstance(system.get("data"), list):
        bodies = system["data"]  # the address of a body list
    else:
        bodies = [system]  # the address of one body
    bodies = [
        item for item in bodies if isinstance(item.get("id"), str) and not item.get("deleted")
    ]
    for item in bodies:
        if wanted is None or item["id"] == wanted or item["id"].rstrip("/").endswith(f"/{wanted}"):
            return item
    kind = (
        gettext_noop("Körperschaft nicht gefunden")
        if wanted
        else gettext_noop("keine Körperschaft")
    )
    raise OParlError(kind, url)


def walk(
    client: Client,
    store: Store,
    body: m.Body,
    kind: tuple[str, type[m.OParlObject], Callable[[Store, dict[str, Any], m.Body], None]],
    list_url: str,
    since: datetime | None,
    progress: Progress | None,
) -> None:
    name, model, save = kind
    state, _ = m.SyncState.objects.get_or_create(body=body, list_name=name)
    if state.resume_url:
        pages = client.pages(state.resume_url)
    else:
        after = since or state.synced_until
        state.walk_started = timezone.now()
        state.save(update_fields=["walk_started"])  # unaudited: the import's own bookmark
        params = {"modified_since": after.isoformat()} if after else None
        pages = client.pages(list_url, params)
        since = after
    for number, page in enumerate(pages, start=1):
        with transaction.atomic():
            store.begin(page.items)
            for item in page.items:
                one(store, body, model, save, item, since)
            store.flush()
            state.resume_url = page.next_url or ""
            if page.next_url is None:
                state.synced_until = state.walk_started
            state.save()  # unaudited: the import's own bookmark
        if progress:
            progress(name, number, page.total_pages)


def one(
    store: Store,
    body: m.Body,
    model: type[m.OParlObject],
    save: Callable[[Store, dict[str, Any], m.Body], None],
    item: dict[str, Any],
    since: datetime | None,
) -> None:
    if not isinstance(item.get("id"), str):
        store.summary.errors[gettext_noop("Objekt ohne id")] += 1
        return
    if mapping.is_deleted(item):
        # Deleted objects may come without their type: the list says what they were.
        store.mark_deleted(model, item)
        return
    modified = as_datetime(item.get("modified"))
    if since and modified and modified < since:
        store.summary.ignores_since = True
    try:
        save(store, item, body)
    except (TypeError, ValueError, AttributeError) as error:
        store.summary.errors[f"ungültiges Objekt ({type(error).__name__})"] += 1
