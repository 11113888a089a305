"""P5 compares a service point's hours on the day a service changes (``Service.changes_on``)
with its hours the day before; without such a day, today's hours."""

from datetime import date, timedelta

import pytest
from django.utils import formats, timezone, translation

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Status
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.tests.factories import (
    new_hours,
    p5_finding,
    project_between,
    saved_point,
)

pytestmark = pytest.mark.usefixtures("charter")


def _in(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _german(day: date) -> str:
    with translation.override("de"):
        return formats.date_format(day, "DATE_FORMAT")


def test_hours_cut_before_the_change_breach_p5_and_the_finding_names_the_day(
    editor: User, office: Office
) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    library = saved_point(editor, office, "Stadtbücherei")
    # The library opens mornings only from a day in two months.
    new_hours(editor, library, "08:00–12:00", valid_from=_in(60))

    changing_later = project_between(editor, office, old, library, changes_on=_in(90))
    changing_sooner = project_between(editor, office, old, library, changes_on=_in(30))

    status, message = p5_finding(changing_later)
    assert status == Status.VIOLATED
    assert "40 h/Woche vorher, 20 h/Woche nachher" in message
    assert f"Anwohnerparken ab {_german(_in(90))} – " in message
    # On its day of change the library still has its full hours.
    assert p5_finding(changing_sooner)[0] == Status.MET


def test_one_point_before_and_after_compares_its_hours_the_day_before_and_on_the_day(
    editor: User, office: Office
) -> None:
    point = saved_point(editor, office)
    new_hours(editor, point, "08:00–12:00", valid_from=_in(40))

    def status(changes_on: date | None) -> str:
        return p5_finding(project_between(editor, office, point, point, changes_on=changes_on))[0]

    assert status(_in(40)) == Status.VIOLATED
    # Before that day, and without a day (today's hours on both sides), nothing is lost.
    assert status(_in(39)) == status(None) == Status.MET


def test_without_a_day_of_change_the_finding_names_no_day(editor: User, office: Office) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    new = saved_point(editor, office, "Bürgerbüro Neu", times="08:00–12:00")
    status, message = p5_finding(project_between(editor, office, old, new, changes_on=None))
    assert status == Status.VIOLATED
    assert "Anwohnerparken – Öffnungszeiten vor Ort" in message
    assert " ab " not in message


def test_a_future_period_of_hours_evaluates_the_projects_using_the_point_again(
    editor: User, office: Office
) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    new = saved_point(editor, office, "Bürgerbüro Neu")
    changing_before = project_between(editor, office, old, new, changes_on=_in(100))
    changing_after = project_between(editor, office, old, new, changes_on=_in(120))
    assert p5_finding(changing_before)[0] == p5_finding(changing_after)[0] == Status.MET

    new_hours(editor, new, "08:00–12:00", valid_from=_in(110))

    # Shorter hours from a day before a service's change breach P5 from that day on; from
    # a day after it, they do not concern that change.
    status, message = p5_finding(changing_after)
    assert status == Status.VIOLATED
    assert "40 h/Woche vorher, 20 h/Woche nachher" in message
    assert p5_finding(changing_before)[0] == Status.MET


def test_a_point_closed_by_the_day_of_change_is_a_lost_channel(
    editor: User, office: Office
) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    new = saved_point(editor, office, "Bürgerbüro Neu")
    project = project_between(editor, office, old, new, changes_on=_in(20))
    assert p5_finding(project)[0] == Status.MET

    services.service_point_close(actor=editor, point=new, closed_on=_in(10))

    status, message = p5_finding(project)
    assert status == Status.VIOLATED
    assert "die Servicestelle „Bürgerbüro Neu“ ist dann geschlossen" in message


def test_a_point_closed_before_the_project_loses_nothing(editor: User, office: Office) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    new = saved_point(editor, office, "Bürgerbüro Neu")
    project = project_between(editor, office, old, new, changes_on=_in(20))
    services.service_point_close(actor=editor, point=old, closed_on=_in(5))
    assert p5_finding(project)[0] == Status.MET
