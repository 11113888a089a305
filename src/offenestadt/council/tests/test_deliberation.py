"""Which meeting counts for a paper: the date the gates and the pages read."""

from datetime import date, timedelta

import pytest

from offenestadt.council import models as m
from offenestadt.council.selectors import Deliberation, deliberation, first_deliberation
from offenestadt.council.tests import factories as make

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def body() -> m.Body:
    return make.body()


def counted(vorlage: m.Paper) -> Deliberation:
    found = deliberation(vorlage, TODAY)
    assert found is not None
    return found


def test_a_paper_without_consultations_has_no_deliberation(body: m.Body) -> None:
    assert deliberation(make.paper(body), TODAY) is None


def test_the_next_meeting_counts_and_moving_the_paper_moves_the_date(body: m.Body) -> None:
    vorlage = make.paper(body)
    committee = make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=10)))
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=30)))
    make.consult(vorlage, make.meeting(body, TODAY - timedelta(days=5)))

    assert counted(vorlage).date == TODAY + timedelta(days=10)

    committee.meeting = make.meeting(body, TODAY + timedelta(days=60))
    committee.save()
    assert counted(vorlage).date == TODAY + timedelta(days=30)


def test_deleted_and_cancelled_meetings_and_deleted_consultations_do_not_count(
    body: m.Body,
) -> None:
    vorlage = make.paper(body)
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=1), deleted=True))
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=2), cancelled=True))
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=3)), deleted=True)
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=4)))

    assert counted(vorlage).date == TODAY + timedelta(days=4)


def test_the_deciding_consultation_and_its_recorded_decision_count(body: m.Body) -> None:
    vorlage = make.paper(body)
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=3)), authoritative=False)
    council = make.meeting(body, TODAY - timedelta(days=20), web="https://ris.example/si/7")
    decided = make.item(
        council, result="einstimmig beschlossen", resolution_text="Der Rat beschließt …"
    )
    make.consult(vorlage, council, agenda_item=decided, authoritative=True)
    make.consult(vorlage, make.meeting(body, TODAY + timedelta(days=9)), authoritative=True)

    found = counted(vorlage)

    assert found.meeting == council
    assert found.agenda_item == decided
    assert found.decided and found.result == "einstimmig beschlossen"
    assert found.web == "https://ris.example/si/7"


def test_a_past_meeting_without_a_recorded_decision_counts_when_nothing_follows(
    body: m.Body,
) -> None:
    vorlage = make.paper(body)
    make.consult(vorlage, make.meeting(body, TODAY - timedelta(days=40)))
    last = make.meeting(body, TODAY - timedelta(days=20))
    make.consult(
        vorlage, last, agenda_item=make.item(make.meeting(body, TODAY - timedelta(days=90)))
    )

    found = counted(vorlage)

    assert found.meeting == last
    assert found.agenda_item is None  # an item of another meeting is left over from a move
    assert not found.decided


def test_of_several_papers_the_first_deliberation_counts(body: m.Body) -> None:
    later, sooner = make.paper(body), make.paper(body)
    make.consult(later, make.meeting(body, TODAY + timedelta(days=30)))
    make.consult(sooner, make.meeting(body, TODAY + timedelta(days=12)))

    first = first_deliberation([later, sooner], TODAY)
    assert first is not None and first.paper == sooner
    assert first_deliberation([], TODAY) is None
