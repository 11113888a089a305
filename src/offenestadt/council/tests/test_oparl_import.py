"""The OParl import against a trimmed copy of a real council system, served on 127.0.0.1."""

import io
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from offenestadt.council import models as m
from offenestadt.council.oparl.client import Client
from offenestadt.council.oparl.importer import run_import
from offenestadt.council.oparl.store import Summary
from offenestadt.council.tasks import import_oparl
from offenestadt.council.tests.oparl_server import Served, serve

FIXTURE = Path(__file__).parent / "fixtures" / "oparl"
pytestmark = pytest.mark.django_db


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    """A copy of the fixture a test may alter."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "oparl"))


@pytest.fixture
def server(crawl: Path) -> Iterator[Served]:
    with serve(crawl) as served:
        yield served


def run(served: Served, **options: Any) -> Summary:
    return run_import(served.system, client=Client(backoff=0, timeout=5), **options)


def edit(crawl: Path, name: str, change: Any) -> None:
    path = crawl / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def live(model: type[m.OParlObject]) -> int:
    return model._default_manager.filter(deleted=False).count()


def test_import_holds_every_object_of_the_body(server: Served) -> None:
    summary = run(server)

    assert summary.errors == {}
    assert summary.incomplete == []
    counts = {model.__name__: live(model) for model in (m.Organization, m.Person, m.Meeting)}
    assert counts == {"Organization": 3, "Person": 3, "Meeting": 3}
    assert live(m.Paper) == 5
    assert live(m.AgendaItem) == 31
    assert live(m.Membership) == 8
    # The deleted meeting and paper of the lists were never imported: nothing to mark.
    assert summary.counts["skipped"] == {"Meeting": 1, "Paper": 1}
    body = m.Body.objects.get()
    assert body.name == "Gemeinde Hürtgenwald"
    assert body.ags == "05358016"  # the server's seven digits, with the leading zero
    consultation = m.Consultation.objects.get(paper__reference="133/2021")
    assert consultation.meeting is not None
    assert consultation.agenda_item is not None
    assert consultation.agenda_item.meeting == consultation.meeting
    meeting = m.Meeting.objects.get(oparl_id=f"{server.base}body/1/meeting/2556")
    assert meeting.organizations.count() == 1
    assert [item.order for item in meeting.agenda_items.all()] == list(range(1, 13))
    assert meeting.files.filter(role="invitation", mime_type="application/pdf").exists()
    assert all(
        url.startswith(server.base) for url in m.File.objects.values_list("access_url", flat=True)
    )


def test_second_run_changes_nothing(server: Served) -> None:
    run(server)
    before = {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in (m.Paper, m.Meeting, m.AgendaItem, m.Consultation, m.File, m.Membership)
    }

    again = run(server)

    assert again.changed == 0
    assert again.errors == {}
    after = {
        name: list(getattr(m, name)._default_manager.order_by("pk").values()) for name in before
    }
    assert after == before


def test_a_file_listed_twice_is_imported_once_and_stays_unchanged(crawl: Path) -> None:
    papers = json.loads((crawl / "body/1/paper.json").read_text(encoding="utf-8"))
    main_file = papers["data"][0]["mainFile"]

    def share(data: dict[str, Any]) -> None:
        data["data"][0]["agendaItem"][1]["auxiliaryFile"] = [main_file]

    edit(crawl, "body/1/meeting.json", share)

    # A server that sends everything each time: both owners list the file on every run.
    with serve(crawl, honours_since=False) as served:
        run(served)
        again = run(served)

    assert again.changed == 0
    shared = m.File.objects.get(oparl_id__endswith="/file/" + main_file["id"].split("/")[-1])
    assert shared.paper is not None
    assert shared.agenda_item is not None


def alter(crawl: Path) -> None:
    """A paper renamed and a meeting deleted on the server, in 2030."""

    def rename(data: dict[str, Any]) -> None:
        data["data"][0]["name"] = "Geänderter Titel"
        data["data"][0]["modified"] = "2030-01-02T10:00:00+01:00"

    def delete(data: dict[str, Any]) -> None:
        meeting = data["data"][0]
        data["data"][0] = {
            "id": meeting["id"],
            "deleted": True,
            "modified": "2030-01-03T10:00:00+01:00",
        }

    edit(crawl, "body/1/paper.json", rename)
    edit(crawl, "body/1/meeting%3Fpage=2.json", delete)


@pytest.mark.parametrize("honours_since", [True, False])
def test_since_updates_exactly_the_changed_objects(crawl: Path, honours_since: bool) -> None:
    with serve(crawl, honours_since=honours_since) as served:
        run(served)
        alter(crawl)
        summary = run(served, since=datetime(2029, 12, 31, tzinfo=UTC))

    assert summary.counts["created"] == {}
    assert summary.counts["updated"] == {"Paper": 1}
    assert summary.counts["deleted"] == {"Meeting": 1}
    assert summary.ignores_since is not honours_since
    assert m.Paper.objects.filter(name="Geänderter Titel").count() == 1
    gone = m.Meeting.objects.get(oparl_id__endswith="/meeting/2527")
    assert gone.deleted  # marked, not erased
    assert gone.agenda_items.count() == 9
    assert live(m.Meeting) == 2


def test_next_run_asks_only_for_changes_since_the_last_one(server: Served) -> None:
    run(server)
    server.requests.clear()

    run(server)

    lists = [target for target in server.requests if "/body/1/" in target]
    assert lists and all("modified_since=" in target for target in lists)


def test_server_error_on_a_page_leaves_a_consistent_state_that_resumes(server: Served) -> None:
    # The second page of papers fails more often than the client retries.
    server.failing["body/1/paper?page=2"] = 10

    first = run(server)

    assert first.incomplete == ["paper"]
    assert first.errors == {"HTTP 500": 1}
    assert live(m.Paper) == 3  # the first page, each paper with its consultations
    assert all(paper.consultations.exists() for paper in m.Paper.objects.all())
    assert m.SyncState.objects.get(list_name="paper").resume_url.endswith("paper?page=2")

    server.failing.clear()
    server.requests.clear()
    second = run(server)

    assert second.incomplete == []
    assert live(m.Paper) == 5
    assert second.counts["created"]["Paper"] == 2
    papers = [target for target in server.requests if "/paper" in target]
    assert papers == ["/body/1/paper?page=2"]  # resumed where it stopped


def test_consultations_find_a_meeting_imported_after_them(server: Served) -> None:
    server.failing["body/1/meeting?page=2"] = 10
    run(server)
    waiting = m.Consultation.objects.filter(meeting_ref__endswith="/meeting/2527")
    assert waiting.count() == 2
    assert not waiting.exclude(meeting=None).exists()

    server.failing.clear()
    # The papers have not changed: the server sends none of them again.
    assert run(server).counts["updated"] == {"Consultation": 2}

    meeting = m.Meeting.objects.get(oparl_id__endswith="/meeting/2527")
    for consultation in waiting:
        assert consultation.meeting == meeting
        assert consultation.agenda_item is not None
        assert consultation.agenda_item.meeting == meeting


def test_a_passing_server_error_is_retried(server: Served) -> None:
    server.failing["body/1/meeting"] = 2

    summary = run(server)

    assert summary.errors == {}
    assert live(m.Meeting) == 3


def test_control_characters_in_the_json_are_dropped(crawl: Path) -> None:
    path = crawl / "body/1/paper.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Besetzungsverfahren", "Besetzungs\x01verfahren\x1f"), "utf-8")

    with serve(crawl) as served:
        summary = run(served)

    assert summary.errors == {}
    assert m.Paper.objects.get(reference="133/2021").name.startswith("Besetzungsverfahren ")


def test_a_single_body_where_a_list_is_expected(crawl: Path) -> None:
    edit(crawl, "body.json", lambda data: data.update(data.pop("data")[0]))

    with serve(crawl) as served:
        run(served, body="1")

    assert m.Body.objects.get().name == "Gemeinde Hürtgenwald"
    assert live(m.Paper) == 5


def test_an_empty_list_is_404_or_an_empty_array(crawl: Path) -> None:
    (crawl / "body/1/organization.json").unlink()
    (crawl / "body/1/person.json").write_text("[]", encoding="utf-8")

    with serve(crawl) as served:
        summary = run(served)

    assert summary.errors == {}
    assert live(m.Organization) == 0
    assert live(m.Person) == 0
    assert live(m.Meeting) == 3


def test_persons_keep_name_and_role_but_no_contact_data(server: Served) -> None:
    run(server)

    fields = {field.name for field in m.Person._meta.get_fields()}
    assert not fields & {"email", "phone", "location", "street_address", "gender"}
    stored = json.dumps(list(m.Person.objects.values()), default=str)
    assert "example.org" not in stored
    assert "+49" not in stored
    person = m.Person.objects.get(family_name="Beispiel")
    assert person.name == "Frau Erika Beispiel"
    assert {membership.role for membership in person.memberships.all()} <= {
        "Mitglied",
        "Sachkundiger Bürger",
        "stellv. Mitglied",
        "Ausschussvorsitzender",
        "Fraktionsvorsitzende/r",
        "Bürgermeister",
    }


def test_unknown_body_is_a_clear_error(server: Served) -> None:
    with pytest.raises(CommandError, match="Körperschaft nicht gefunden"):
        call_command("oparl", "import", server.system, "--body", "99")


def test_command_prints_progress_and_summary_in_german(server: Served) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("oparl", "import", server.system, stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("neu: 102 (Beratungen 7, Dateien 38, Gremien 3, ")
    assert "Sitzungen 3" in lines[0]
    assert "Vorlagen 5" in lines[0]
    assert lines[1] == "geändert: 0"
    assert lines[-1] == "Fehler: 0"
    assert "Vorlagen: Seite 1" in err.getvalue()
    assert live(m.Paper) == 5


def test_the_summary_reads_in_english_too(server: Served) -> None:
    server.failing["body/1/paper?page=2"] = 10
    summary = run(server)

    with translation.override("en"):
        lines = summary.lines()

    assert lines[0].startswith("new: ")
    assert "Meetings 3" in lines[0]
    assert lines[-2] == "errors: 1 (HTTP 500 1)"
    assert lines[-1] == "incomplete, a new run resumes at: Council papers"
    with translation.override("de"):
        assert summary.lines()[-1] == "Unvollständig, ein neuer Lauf setzt fort bei: Vorlagen"


def test_a_failed_import_says_why_in_german(server: Served) -> None:
    with pytest.raises(CommandError, match="OParl-Import abgebrochen: keine Antwort"):
        call_command("oparl", "import", "http://127.0.0.1:9/oparl")


def test_command_refuses_a_malformed_since(server: Served) -> None:
    with pytest.raises(CommandError, match="kein Zeitpunkt"):
        call_command("oparl", "import", server.system, "--since", "gestern")


def test_the_worker_task_imports_and_returns_the_counts(server: Served) -> None:
    counts = import_oparl.call(server.system)

    assert counts["created"] > 0
    assert counts["errors"] == 0
    assert live(m.Paper) == 5


def test_a_timeout_is_retried_with_growing_pauses(
    server: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses: list[float] = []
    client = Client(backoff=0.5, sleep=pauses.append)
    failures = iter([TimeoutError("zu langsam"), TimeoutError("zu langsam")])
    fetch = client._fetch

    def slow_at_first(url: str) -> str:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return fetch(url)

    monkeypatch.setattr(client, "_fetch", slow_at_first)

    assert client.get(server.system)["name"] == "SD.NET RIM"
    assert pauses == [0.5, 1.0]
