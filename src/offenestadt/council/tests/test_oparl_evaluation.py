"""A paper that an import moves to another day: the projects linked to it are evaluated again.

P3 counts a project's days in public to the meeting where its council paper is deliberated
(council.selectors.deliberation); the stored evaluation, which the scorecard, the dossier and
the history show, follows the council information system without anyone editing the project.
"""

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import formats, timezone, translation

from offenestadt.charter.models import CharterVersion
from offenestadt.council import models as m
from offenestadt.council.tests.oparl_server import Served, serve
from offenestadt.council.tests.test_oparl_import import FIXTURE, edit, run
from offenestadt.registry.models import Project
from offenestadt.registry.services import project_evaluate
from offenestadt.registry.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
MEETING = "body/1/meeting/2556"  # where the paper 133/2021 alone is deliberated


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    copy = Path(shutil.copytree(FIXTURE, tmp_path / "oparl"))
    meet(copy, timezone.localdate() + timedelta(days=10))
    return copy


@pytest.fixture
def server(crawl: Path) -> Iterator[Served]:
    with serve(crawl) as served:
        yield served


def meet(crawl: Path, day: date | None, *, deleted: bool = False, **changes: Any) -> None:
    """The meeting set to ``day`` (None: left) or deleted, changed as of now on the server."""

    def change(data: dict[str, Any]) -> None:
        for index, item in enumerate(data["data"]):
            if item["id"].endswith(MEETING):
                if day is not None:
                    item["start"] = f"{day.isoformat()}T18:00:00+01:00"
                item["modified"] = (timezone.now() + timedelta(minutes=1)).isoformat()
                if deleted:
                    item = {"id": item["id"], "deleted": True, "modified": item["modified"]}
                data["data"][index] = {**item, **changes}

    edit(crawl, "body/1/meeting.json", change)


def public_before_decision(project: Project) -> tuple[str, str]:
    """The stored P3 finding's status and its German message."""
    evaluation = project.evaluations.get(is_current=True)
    found = next(f for f in evaluation.findings if f["rule"] == "public-before-decision")
    return found["status"], found["message"]["de"]


def german(day: date) -> str:
    with translation.override("de"):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.fixture
def project(charter: CharterVersion, server: Served) -> Project:
    run(server)
    project = ProjectFactory.create(published_at=timezone.now())
    project.council_papers.set([m.Paper.objects.get(reference="133/2021")])
    project_evaluate(project=project)
    status, message = public_before_decision(project)
    assert status == "violated"
    day = timezone.localdate() + timedelta(days=10)
    assert f"Bis zur Sitzung am {german(day)} ist das Projekt nur 10 Tage öffentlich" in message
    return project


def test_a_meeting_moved_later_by_a_reimport_moves_the_projects_stored_finding(
    crawl: Path, server: Served, project: Project
) -> None:
    day = timezone.localdate() + timedelta(days=30)
    meet(crawl, day)

    summary = run(server)

    assert summary.counts["updated"] == {"Meeting": 1}
    status, message = public_before_decision(project)
    assert status == "met"
    assert f"Bis zur Sitzung am {german(day)} ist das Projekt 30 Tage öffentlich" in message
    # The evaluation before stays in the history.
    assert project.evaluations.count() == 2


def test_a_meeting_cancelled_or_deleted_on_the_server_no_longer_counts(
    crawl: Path, server: Served, project: Project
) -> None:
    meet(crawl, None, cancelled=True)
    run(server)

    status, message = public_before_decision(project)
    # On no meeting any more: the days in public are counted from the publication.
    assert status == "missing"
    assert "frühestens" in message

    meet(crawl, timezone.localdate() + timedelta(days=40), cancelled=False)
    run(server)
    assert "40 Tage öffentlich" in public_before_decision(project)[1]

    meet(crawl, None, deleted=True)
    summary = run(server)

    assert summary.counts["deleted"] == {"Meeting": 1}
    assert public_before_decision(project)[0] == "missing"


def test_an_import_that_moves_nothing_leaves_the_evaluation_alone(
    server: Served, project: Project
) -> None:
    before = project.evaluations.get(is_current=True).pk

    # Everything sent again, nothing changed.
    summary = run(server, since=timezone.now() - timedelta(days=9999))

    assert summary.changed == 0
    assert project.evaluations.get(is_current=True).pk == before
