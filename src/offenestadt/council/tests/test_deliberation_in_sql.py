"""The deliberation rule in SQL (to filter many records by their council date in one query)
picks the meeting the rule in Python picks, for every kind of paper the rule tells apart."""

import random
from datetime import date, timedelta

import pytest

from offenestadt.council import models as m
from offenestadt.council.selectors import deliberation, deliberation_start
from offenestadt.council.tests import factories as make

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def _in_sql(today: date) -> dict[int, object]:
    return dict(
        m.Paper.objects.annotate(start=deliberation_start(today)).values_list("pk", "start")
    )


def _in_python(today: date) -> dict[int, object]:
    found = {paper.pk: deliberation(paper, today) for paper in m.Paper.objects.all()}
    return {pk: (d.start if d else None) for pk, d in found.items()}


def _random_paper(body: m.Body, chance: random.Random, number: int) -> None:
    """A paper on up to four meetings around TODAY, some deleted, cancelled, undated, deciding,
    with agenda items that record a decision, record none, are deleted or belong elsewhere."""
    paper = make.paper(body, reference=f"2026/{number:03}")
    for _ in range(chance.randint(0, 4)):
        meeting = make.meeting(
            body,
            TODAY + timedelta(days=chance.choice([-30, -10, -1, 0, 0, 1, 7, 20])),
            deleted=chance.random() < 0.1,
            cancelled=chance.random() < 0.1,
        )
        if chance.random() < 0.1:
            meeting.start = None
            meeting.save()
        item = None
        kind = chance.choice(["none", "decided", "resolution", "open", "deleted", "elsewhere"])
        if kind != "none":
            item = make.item(
                meeting if kind != "elsewhere" else make.meeting(body, TODAY),
                result="beschlossen" if kind in {"decided", "deleted", "elsewhere"} else "",
                resolution_text="Der Rat beschließt." if kind == "resolution" else "",
                deleted=kind == "deleted",
            )
        make.consult(
            paper,
            meeting,
            agenda_item=item,
            authoritative=chance.choice([None, False, True]),
            deleted=chance.random() < 0.1,
        )


def test_sql_and_python_pick_the_same_meeting_for_every_kind_of_paper() -> None:
    body = make.body()
    chance = random.Random(16)  # noqa: S311 -- a fixed sample of papers, not a secret
    for number in range(60):
        _random_paper(body, chance, number)

    for today in (TODAY, TODAY - timedelta(days=15), TODAY + timedelta(days=10)):
        in_python = _in_python(today)
        assert _in_sql(today) == in_python
        # The sample holds each outcome: none, a decision, one ahead, one past.
        assert None in in_python.values()
        assert len(set(in_python.values())) > 5


def test_a_meeting_later_today_is_still_ahead_in_sql() -> None:
    body = make.body()
    paper = make.paper(body)
    make.consult(paper, make.meeting(body, TODAY - timedelta(days=3)))
    today = make.meeting(body, TODAY)
    make.consult(paper, today)
    assert _in_sql(TODAY) == {paper.pk: today.start}
