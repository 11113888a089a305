"""Public pages answer from the cache after the first request, and a write makes exactly the
pages that showed what it changed fresh: for each kind of public record, page A, page B and
the list are cached; A's title changes as staff change it; A's page and the list show the new
title, B is still served from the cache."""

import datetime
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import make_user
from offenestadt.accounts.models import Role, User
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_amend
from offenestadt.contracts.models import Contract
from offenestadt.contracts.services import contract_save
from offenestadt.core import pagecache
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.pagecache import middleware, store
from offenestadt.council.models import Meeting, Paper
from offenestadt.infrastructure.models import Asset
from offenestadt.infrastructure.services import asset_save
from offenestadt.opendata.catalogue.models import Dataset, Keyword
from offenestadt.opendata.catalogue.services import dataset_save
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation.services import contribution_hide
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.procedures.services import procedure_save
from offenestadt.processing.models import ProcessingActivity
from offenestadt.processing.services import activity_save
from offenestadt.registry.models import Project
from offenestadt.registry.servicepoints.models import ServicePoint
from offenestadt.registry.servicepoints.services import service_point_save
from offenestadt.registry.services import project_update
from offenestadt.software.models import Component
from offenestadt.software.services import component_update
from offenestadt.training.models import Course
from offenestadt.training.services import course_save
from offenestadt.voting.models import Vote
from offenestadt.voting.services import vote_save


@pytest.fixture
def page_cache(settings: Any, django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    """The cache on, empty, as in production (the suite runs without it)."""
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db: None) -> None:
    load_demo_content()


def _project(actor: User, project: Project, title: str) -> None:
    project_update(
        actor=actor,
        project=project,
        title=title,
        summary=project.summary,
        plain_language_summary=project.plain_language_summary,
        contact_name=project.contact_name,
        contact_email=project.contact_email,
        contact_phone=project.contact_phone,
        budget=project.budget,
        processes_personal_data=project.processes_personal_data,
        internal_note=project.internal_note,
    )


def _with_projects(save: Callable[..., Any], name: str) -> Callable[[User, Any, str], None]:
    def change(actor: User, record: Any, title: str) -> None:
        record.title = title
        save(actor=actor, **{name: record}, projects=list(record.projects.all()))

    return change


def _dataset(actor: User, dataset: Dataset, title: str) -> None:
    dataset.title = title
    dataset_save(
        actor=actor,
        dataset=dataset,
        projects=list(dataset.projects.all()),
        themes=[theme.theme for theme in dataset.themes.all()],
        keywords=[keyword.name for keyword in dataset.keywords.all()],
    )


def _named(
    save: Callable[..., Any], name: str, field: str = "title"
) -> Callable[[User, Any, str], None]:
    def change(actor: User, record: Any, title: str) -> None:
        setattr(record, field, title)
        save(actor=actor, **{name: record})

    return change


def _component(actor: User, component: Component, title: str) -> None:
    component_update(actor=actor, component=component, name=title)


def _imported(actor: User, record: models.Model, title: str) -> None:
    # The OParl import writes many rows at once, without model signals.
    type(record)._default_manager.filter(pk=record.pk).update(name=title)


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    list_url: str
    change: Callable[[User, Any, str], None]


KINDS = {
    "project": Kind(Project, "/projekte/", _project),
    "contract": Kind(Contract, "/vertraege/", _with_projects(contract_save, "contract")),
    "processing": Kind(
        ProcessingActivity, "/verarbeitungen/", _with_projects(activity_save, "activity")
    ),
    "dataset": Kind(Dataset, "/daten/", _dataset),
    "procedure": Kind(Procedure, "/beteiligung/", _with_projects(procedure_save, "procedure")),
    "vote": Kind(Vote, "/abstimmungen/", _named(vote_save, "vote")),
    "course": Kind(Course, "/schulungen/", _named(course_save, "course")),
    "service point": Kind(
        ServicePoint, "/servicestellen/", _named(service_point_save, "point", "name")
    ),
    "infrastructure": Kind(Asset, "/infrastruktur/", _named(asset_save, "asset", "name")),
    "software": Kind(Component, "/software/", _component),
    "council paper": Kind(Paper, "/rat/", _imported),
    "council meeting": Kind(Meeting, "/rat/", _imported),
}


def _address(record: Any) -> str:
    if isinstance(record, Paper | Meeting):
        return reverse(f"council:{type(record).__name__.lower()}", args=[record.pk])
    return str(record.get_absolute_url())


def _public_pair(client: Client, model: type[models.Model]) -> list[tuple[Any, str]]:
    """Two records of the kind whose pages a visitor may see, with their addresses."""
    found = []
    for record in model._default_manager.order_by("pk"):
        url = _address(record)
        if client.get(url).status_code == 200:
            found.append((record, url))
        if len(found) == 2:
            return found
    pytest.fail(f"the demo has fewer than two public {model.__name__} pages")


def _changed_tags(url: str) -> list[str]:
    """The tags of the stored page that changed since it was stored (for the failure text)."""
    entry = cache.get(middleware._key(RequestFactory().get(url)))
    if entry is None:
        return ["(not stored)"]
    now = store.versions(entry.tags)
    return [
        tag for tag, old, new in zip(entry.tags, entry.versions, now, strict=True) if old != new
    ]


def _staff_for(record: Any) -> User:
    return make_user("staff-admin", Role.ADMIN)


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_a_change_freshens_exactly_the_pages_that_show_it(
    kind: Kind, demo: None, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    (record_a, url_a), (_record_b, url_b) = _public_pair(visitor, kind.model)
    for url in (url_a, url_b, kind.list_url):
        assert visitor.get(url)["X-Cache"] in {"hit", "miss"}
        assert visitor.get(url)["X-Cache"] == "hit", url

    with django_capture_on_commit_callbacks(execute=True):
        kind.change(_staff_for(record_a), record_a, "Neuer Titel für die Probe")

    page_a = visitor.get(url_a)
    assert page_a["X-Cache"] == "miss"
    assert "Neuer Titel für die Probe" in page_a.content.decode()
    changed = _changed_tags(url_b)
    assert visitor.get(url_b)["X-Cache"] == "hit", changed
    listing = visitor.get(kind.list_url)
    assert "Neuer Titel für die Probe" in listing.content.decode() or kind.model in {Paper, Meeting}
    assert visitor.get(url_a)["X-Cache"] == "hit"


def _published_project(client: Client) -> tuple[Project, str]:
    return _public_pair(client, Project)[0]


def test_a_conditional_request_is_answered_304_without_touching_the_database(
    demo: None, page_cache: None, django_assert_num_queries: Any
) -> None:
    visitor = Client()
    _project, url = _published_project(visitor)
    first = visitor.get(url)
    with django_assert_num_queries(0):
        again = visitor.get(url)
        unchanged = visitor.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.content == first.content
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == first["ETag"]
    assert "no-cache" in unchanged["Cache-Control"]
    assert "Cookie" in unchanged["Vary"]


def test_a_browser_that_accepts_gzip_gets_the_page_compressed(demo: None, page_cache: None) -> None:
    visitor = Client()
    _project, url = _published_project(visitor)
    plain = visitor.get(url)
    compressed = visitor.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed["X-Cache"] == "hit"
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in compressed["Vary"]
    assert compressed["ETag"] != plain["ETag"]
    again = visitor.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": compressed["ETag"]}
    )
    assert again.status_code == 304
    assert "Content-Encoding" not in plain


def test_a_page_with_a_form_is_never_sent_compressed(demo: None, page_cache: None) -> None:
    """Its CSRF token must not travel compressed beside reflected input (BREACH)."""
    visitor = Client()
    url = reverse("accessibility:feedback")
    first = visitor.get(url, headers={"Accept-Encoding": "gzip"})
    again = visitor.get(url, headers={"Accept-Encoding": "gzip"})
    assert again["X-Cache"] == "hit"
    assert b"csrfmiddlewaretoken" in again.content
    assert "Content-Encoding" not in first
    assert "Content-Encoding" not in again


def test_signed_in_staff_see_live_pages_and_leave_none_behind(
    demo: None, page_cache: None, client_for: Any
) -> None:
    visitor = Client()
    project, url = _published_project(visitor)
    visitor.get(url)
    staff = client_for(make_user("staff-editor", Role.EDITOR, office=project.office))
    for _ in range(2):
        page = staff.get(url)
        assert page.status_code == 200
        assert "X-Cache" not in page
    assert visitor.get(url)["X-Cache"] == "hit"
    # A change the cache cannot see (rolled back in the test, no commit) shows to staff at once.
    Project.objects.filter(pk=project.pk).update(title="Nur live zu sehen")
    assert "Nur live zu sehen" in staff.get(url).content.decode()


def test_the_page_shows_the_stored_evaluation_and_a_new_one_at_once(
    demo: None, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    project, url = _published_project(visitor)
    visitor.get(url)
    evaluation = project.evaluations.get(is_current=True)
    finding = evaluation.findings[0]
    finding["message"] = {"de": "Gespeicherter Befund zur Probe", "en": "Stored finding"}
    with django_capture_on_commit_callbacks(execute=True):
        # Written as a bulk update would: no model signal.
        type(evaluation).objects.filter(pk=evaluation.pk).update(
            findings=[finding, *evaluation.findings[1:]]
        )
    assert "Gespeicherter Befund zur Probe" in visitor.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        project_update(
            actor=_staff_for(project),
            project=project,
            title=project.title,
            summary=project.summary,
            plain_language_summary="",
        )
    stored = project.evaluations.get(is_current=True)
    page = visitor.get(url).content.decode()
    for data in stored.findings:
        assert escape(data["message"]["de"]) in page
    assert "Gespeicherter Befund zur Probe" not in page


def test_a_vote_page_is_kept_no_longer_than_until_the_vote_opens(
    demo: None, page_cache: None
) -> None:
    visitor = Client()
    vote, url = _public_pair(visitor, Vote)[0]
    now = timezone.now()
    later = now + datetime.timedelta(hours=1)
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=later, closes_at=later + datetime.timedelta(days=7), results_after=None
    )
    cache.clear()
    assert pagecache.next_change({Vote._meta.db_table}, now) is not None
    assert pagecache.next_change({Vote._meta.db_table}, now) <= later  # type: ignore[operator]
    visitor.get(url)
    assert visitor.get(url)["X-Cache"] == "hit"

    soon = timezone.now() + datetime.timedelta(milliseconds=500)
    Vote.objects.filter(pk=vote.pk).update(opens_at=soon)
    cache.clear()
    visitor.get(url)
    assert visitor.get(url)["X-Cache"] == "miss"


def test_the_charter_pages_are_fresh_after_an_amendment(
    demo: None, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None
    first_version = reverse("charter:version", args=[1])
    for url in ("/charta/", first_version):
        visitor.get(url)
        assert visitor.get(url)["X-Cache"] == "hit", (url, _changed_tags(url))
    with django_capture_on_commit_callbacks(execute=True):
        amended = charter_amend(
            base=in_force,
            actor=make_user("charter-admin", Role.ADMIN),
            adopted_on=timezone.localdate(),
            council_decision="Ratsbeschluss zur Probe",
        )
    page = visitor.get("/charta/")
    assert page["X-Cache"] == "miss"
    assert f"{amended.number}" in page.content.decode()
    # Every version's page names the version in force: they are fresh too, and then kept.
    assert visitor.get(first_version)["X-Cache"] == "miss"
    assert visitor.get(first_version)["X-Cache"] == "hit"


def test_a_hidden_contribution_leaves_its_procedure_page(
    demo: None, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    shown = [
        (comment, _address(comment.procedure))
        for comment in Comment.objects.filter(status="visible").select_related("procedure")
        if escape(comment.text) in visitor.get(_address(comment.procedure)).content.decode()
    ]
    assert shown, "the demo shows no comment on a procedure page"
    comment, url_a = shown[0]
    visitor.get(url_a)
    assert visitor.get(url_a)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        contribution_hide(
            actor=_staff_for(comment), contribution=comment, reason="Ausgeblendet zur Probe"
        )
    page = visitor.get(url_a)
    assert page["X-Cache"] == "miss"
    assert escape(comment.text) not in page.content.decode()


def test_a_hidden_contribution_leaves_other_procedure_pages_cached(
    demo: None, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    comment = Comment.objects.filter(status="visible").select_related("procedure").first()
    assert comment is not None
    url_a = _address(comment.procedure)
    url_b = next(url for url in (_address(p) for p in Procedure.objects.all()) if url != url_a)
    visitor.get(url_b)
    with django_capture_on_commit_callbacks(execute=True):
        contribution_hide(actor=_staff_for(comment), contribution=comment, reason="Probe")
    assert visitor.get(url_b)["X-Cache"] == "hit"


def test_migrate_tracks_nothing_and_drops_every_stored_page(demo: None, page_cache: None) -> None:
    """A release's migrations run against tables today's models need not match; afterwards
    its templates render every page anew."""
    visitor = Client()
    _project, url = _published_project(visitor)
    assert visitor.get(url)["X-Cache"] == "hit"
    call_command("migrate", verbosity=0)
    assert visitor.get(url)["X-Cache"] == "miss"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one statement per call")
def test_a_write_of_several_statements_in_one_call_is_run(
    demo: None, page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    """As Django's schema editor sends them (UPDATE …; SET CONSTRAINTS ALL IMMEDIATE)."""
    visitor = Client()
    project, url = _published_project(visitor)
    assert visitor.get(url)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True), connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "registry_project" SET "title" = %s WHERE "id" = %s; '
            "SET CONSTRAINTS ALL IMMEDIATE",
            ["In zwei Anweisungen geändert", project.pk],
        )
    assert "In zwei Anweisungen geändert" in visitor.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_search_s_facets_are_fresh_after_a_keyword_of_a_dataset_it_does_not_show(
    page_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    # On PostgreSQL the facets read values a trigger keeps on each dataset row, not the
    # keywords themselves; a keyword of a dataset beyond the first page changes them.
    load_demo_content()
    url = '/api/3/action/package_search?rows=1&facet.field=["tags"]&facet.limit=-1'
    client = Client()
    first = client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    shown = first.json()["result"]["results"][0]["name"]
    other = Dataset.objects.in_catalogue().exclude(name=shown).first()
    assert other is not None
    with django_capture_on_commit_callbacks(execute=True):
        Keyword.objects.create(dataset=other, name="Neues Stichwort")
    again = client.get(url).json()["result"]["search_facets"]["tags"]["items"]
    assert "Neues Stichwort" in {item["name"] for item in again}
