"""Which meeting counts for a paper: the date the gates and the pages read."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from offenestadt.council import models as m
from offenestadt.council.selectors import Deliberation, deliberation, first_deliberation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def body() -> m.Body:
    return m.Body.objects.create(oparl_id="https://ris.example/body/1", name="Stadt")


def meeting(body: m.Body, day: date, **fields: object) -> m.Meeting:
    start = datetime(day.year, day.month, day.day, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    return m.Meeting.objects.create(
        oparl_id=f"https://ris.example/meeting/{m.Meeting.objects.count()}",
        body=body,
        start=start,
        **fields,
    )


def paper(body: m.Body) -> m.Paper:
    return m.Paper.objects.create(
        oparl_id=f"https://ris.example/paper/{m.Paper.objects.count()}",
        body=body,
        name="Sensoren",
        reference="2026/001",
    )


def consult(paper: m.Paper, meeting: m.Meeting, **fields: object) -> m.Consultation:
    return m.Consultation.objects.create(
        oparl_id=f"https://ris.example/consultation/{m.Consultation.objects.count()}",
        paper=paper,
        meeting=meeting,
        **fields,
    )


def item(meeting: m.Meeting, **fields: object) -> m.AgendaItem:
    return m.AgendaItem.objects.create(
        oparl_id=f"https://ris.example/item/{m.AgendaItem.objects.count()}",
        meeting=meeting,
        order=1,
        number="Ö 4",
        **fields,
    )


def counted(vorlage: m.Paper) -> Deliberation:
    found = deliberation(vorlage, TODAY)
    assert found is not None
    return found


def test_a_paper_without_consultations_has_no_deliberation(body: m.Body) -> None:
    assert deliberation(paper(body), TODAY) is None


def test_the_next_meeting_counts_and_moving_the_paper_moves_the_date(body: m.Body) -> None:
    vorlage = paper(body)
    committee = consult(vorlage, meeting(body, TODAY + timedelta(days=10)))
    consult(vorlage, meeting(body, TODAY + timedelta(days=30)))
    consult(vorlage, meeting(body, TODAY - timedelta(days=5)))

    assert counted(vorlage).date == TODAY + timedelta(days=10)

    committee.meeting = meeting(body, TODAY + timedelta(days=60))
    committee.save()
    assert counted(vorlage).date == TODAY + timedelta(days=30)


def test_deleted_and_cancelled_meetings_and_deleted_consultations_do_not_count(
    body: m.Body,
) -> None:
    vorlage = paper(body)
    consult(vorlage, meeting(body, TODAY + timedelta(days=1), deleted=True))
    consult(vorlage, meeting(body, TODAY + timedelta(days=2), cancelled=True))
    consult(vorlage, meeting(body, TODAY + timedelta(days=3)), deleted=True)
    consult(vorlage, meeting(body, TODAY + timedelta(days=4)))

    assert counted(vorlage).date == TODAY + timedelta(days=4)


def test_the_deciding_consultation_and_its_recorded_decision_count(body: m.Body) -> None:
    vorlage = paper(body)
    consult(vorlage, meeting(body, TODAY + timedelta(days=3)), authoritative=False)
    council = meeting(body, TODAY - timedelta(days=20), web="https://ris.example/si/7")
    decided = item(council, result="einstimmig beschlossen", resolution_text="Der Rat beschließt …")
    consult(vorlage, council, agenda_item=decided, authoritative=True)
    consult(vorlage, meeting(body, TODAY + timedelta(days=9)), authoritative=True)

    found = counted(vorlage)

    assert found.meeting == council
    assert found.agenda_item == decided
    assert found.decided and found.result == "einstimmig beschlossen"
    assert found.web == "https://ris.example/si/7"


def test_a_past_meeting_without_a_recorded_decision_counts_when_nothing_follows(
    body: m.Body,
) -> None:
    vorlage = paper(body)
    consult(vorlage, meeting(body, TODAY - timedelta(days=40)))
    last = meeting(body, TODAY - timedelta(days=20))
    consult(vorlage, last, agenda_item=item(meeting(body, TODAY - timedelta(days=90))))

    found = counted(vorlage)

    assert found.meeting == last
    assert found.agenda_item is None  # an item of another meeting is left over from a move
    assert not found.decided


def test_of_several_papers_the_first_deliberation_counts(body: m.Body) -> None:
    later, sooner = paper(body), paper(body)
    consult(later, meeting(body, TODAY + timedelta(days=30)))
    consult(sooner, meeting(body, TODAY + timedelta(days=12)))

    first = first_deliberation([later, sooner], TODAY)
    assert first is not None and first.paper == sooner
    assert first_deliberation([], TODAY) is None
