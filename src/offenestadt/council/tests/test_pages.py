"""The council's public pages and iCalendar feed, over the imported test fixture."""

import re
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.contracts.models import Contract
from offenestadt.council import models as m
from offenestadt.council.oparl.client import Client as OParlClient
from offenestadt.council.oparl.importer import run_import
from offenestadt.council.tests.oparl_server import serve
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

FIXTURE = Path(__file__).parent / "fixtures" / "oparl"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def imported(db: None) -> Iterator[None]:
    with serve(FIXTURE) as served:
        summary = run_import(served.system, client=OParlClient(backoff=0, timeout=5))
    assert summary.errors == {}
    yield


def meeting(number: int) -> m.Meeting:
    return m.Meeting.objects.get(oparl_id__endswith=f"/meeting/{number}")


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_calendar_lists_meetings_to_come_first_and_leaves_out_deleted_ones(
    client: Client,
) -> None:
    coming, past, gone = meeting(2556), meeting(2528), meeting(2527)
    coming.start = timezone.now() + timedelta(days=10)
    coming.save()
    gone.deleted = True
    gone.save()

    html = page(client, "/rat/")

    upcoming, _, earlier = html.partition("Vergangene Sitzungen")
    assert f'href="/rat/sitzungen/{coming.pk}/"' in upcoming
    assert f'href="/rat/sitzungen/{past.pk}/"' in earlier
    assert f'href="/rat/sitzungen/{gone.pk}/"' not in html
    assert "Juli 2021" in earlier  # grouped by month, in German


def test_meeting_shows_its_agenda_in_order_with_papers_and_files(client: Client) -> None:
    council = meeting(2556)
    items = list(council.agenda_items.order_by("order"))
    # The agenda's order, not the order of import, decides.
    for item in items:
        item.order = 100 - item.order
        item.save()

    html = page(client, f"/rat/sitzungen/{council.pk}/")

    numbers = re.findall(r'<tr><td>([^<]*)</td><th scope="row">', html)
    assert numbers == [item.number or "–" for item in reversed(items)]
    paper = m.Consultation.objects.get(paper__reference="133/2021").paper
    assert f'href="/rat/vorlagen/{paper.pk}/"' in html
    invitation = council.files.get(role="invitation")
    assert f'href="{invitation.access_url}"' in html
    assert "Einladung" in html
    assert "Gemeinderat" in html


def test_non_public_items_are_marked(client: Client) -> None:
    council = meeting(2556)
    item = council.agenda_items.order_by("order").first()
    assert item is not None
    item.public = False
    item.save()

    html = page(client, f"/rat/sitzungen/{council.pk}/")

    assert "nicht öffentlich" in html


def test_paper_shows_its_consultations_and_files(client: Client) -> None:
    consultation = m.Consultation.objects.filter(meeting__isnull=False).first()
    assert consultation is not None and consultation.meeting is not None
    consultation.role = "Entscheidung"
    consultation.authoritative = True
    consultation.save()
    paper = consultation.paper

    html = page(client, f"/rat/vorlagen/{paper.pk}/")

    assert f'href="/rat/sitzungen/{consultation.meeting.pk}/"' in html
    assert "Entscheidung" in html
    assert "<td>ja</td>" in html
    for file in paper.files.all():
        assert f'href="{file.access_url}"' in html


def test_deleted_and_unknown_records_are_not_found(client: Client) -> None:
    gone = meeting(2527)
    gone.deleted = True
    gone.save()
    paper = m.Paper.objects.order_by("pk").first()
    assert paper is not None
    paper.deleted = True
    paper.save()

    for path in (
        f"/rat/sitzungen/{gone.pk}/",
        "/rat/sitzungen/999999/",
        f"/rat/vorlagen/{paper.pk}/",
        "/rat/vorlagen/999999/",
    ):
        assert client.get(path).status_code == 404, path


def unfolded(body: bytes) -> list[str]:
    """The calendar's content lines, checked against RFC 5545 3.1 on the way."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    raw = text[: -len("\r\n")].split("\r\n")
    assert "\n" not in "".join(raw) and "\r" not in "".join(raw)
    assert all(len(line.encode("utf-8")) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            assert re.match(r"^[A-Z-]+[:;]", line), line
            lines.append(line)
    return lines


def components(lines: list[str]) -> list[dict[str, str]]:
    """The VEVENTs as property name → value; BEGIN and END must pair up."""
    stack: list[str] = []
    events: list[dict[str, str]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack[-1] == "VEVENT":
            assert name not in events[-1], f"{name} twice in one event"
            events[-1][name] = value
    assert stack == []
    return events


def test_ics_feed_holds_one_event_per_meeting(client: Client) -> None:
    gone = meeting(2527)
    gone.deleted = True
    gone.save()

    response = client.get("/rat/sitzungen.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    lines = unfolded(response.content)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert any(line.startswith("PRODID:") for line in lines)
    events = components(lines)
    live = m.Meeting.objects.filter(deleted=False).exclude(start=None)
    assert sorted(event["UID"] for event in events) == sorted(
        live.values_list("oparl_id", flat=True)
    )
    for event in events:
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTART"])
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    council = meeting(2556)
    event = next(event for event in events if event["UID"] == council.oparl_id)
    assert council.start is not None
    assert event["DTSTART"] == council.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert event["URL"].endswith(f"/rat/sitzungen/{council.pk}/")


def test_ics_text_is_escaped_and_folded(client: Client) -> None:
    council = meeting(2556)
    council.name = "Rat; Haupt-, Finanz- und Digitalausschuss\n" + "Öffentliche Sitzung " * 8
    council.save()

    lines = unfolded(client.get("/rat/sitzungen.ics").content)

    summary = next(line for line in lines if line.startswith("SUMMARY:Rat")).removeprefix(
        "SUMMARY:"
    )
    assert summary == (
        "Rat\\; Haupt-\\, Finanz- und Digitalausschuss\\n" + "Öffentliche Sitzung " * 8
    )


def test_english_pages_under_en(client: Client) -> None:
    council = meeting(2556)

    assert "Calendar of council meetings" in page(client, "/en/rat/")
    assert "Agenda" in page(client, f"/en/rat/sitzungen/{council.pk}/")


def test_meeting_and_paper_show_the_linked_projects_and_contracts(
    client: Client, editor: User, office: Office
) -> None:
    paper = m.Consultation.objects.get(paper__reference="133/2021").paper
    project = ProjectFactory.create(office=office, title="Sensoren im Stadtpark")
    draft = ProjectFactory.create(office=office, title="Noch geheim", draft=True)
    contract = Contract(title="Wartungsvertrag Sensoren", published_at=timezone.now())
    linked_record_save(actor=editor, record=contract, projects=[project])
    for record in (project, draft, contract):
        record.council_papers.add(paper)
    meeting = m.Consultation.objects.get(paper=paper).meeting
    assert meeting is not None

    for path in (f"/rat/vorlagen/{paper.pk}/", f"/rat/sitzungen/{meeting.pk}/"):
        html = page(client, path)
        assert f'href="{project.get_absolute_url()}"' in html, path
        assert f'href="{contract.get_absolute_url()}"' in html, path
        assert "Noch geheim" not in html, path
    other = m.Paper.objects.exclude(pk=paper.pk).order_by("pk").first()
    assert other is not None
    assert "Sensoren im Stadtpark" not in page(client, f"/rat/vorlagen/{other.pk}/")
