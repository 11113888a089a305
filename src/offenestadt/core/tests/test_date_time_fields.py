"""Every staff form that takes a date and time keeps it within the years a record can hold:
year 1 gave a 500 (the database stores UTC, and its first hours are before year 1)."""

from collections.abc import Callable

import pytest
from django import forms

from offenestadt.accounts.models import User
from offenestadt.participation.procedures.forms import MeetingForm
from offenestadt.training.forms import SessionForm
from offenestadt.voting.forms import VoteForm

REFUSED = "Bitte ein Datum zwischen den Jahren 1900 und 2999 angeben."

type MakeForm = Callable[[dict[str, str], User], forms.BaseForm]

FORMS: list[tuple[MakeForm, list[str]]] = [
    (lambda data, user: VoteForm(data=data, user=user), ["opens_at", "closes_at", "results_after"]),
    (lambda data, user: MeetingForm(data=data), ["starts_at"]),
    (lambda data, user: SessionForm(data=data), ["starts_at", "ends_at"]),
]


@pytest.mark.parametrize(("make", "names"), FORMS)
@pytest.mark.parametrize("value", ["0001-01-01T00:30", "9999-12-31T23:30", "1899-12-31T12:00"])
def test_a_date_outside_the_years_a_record_holds_is_refused_in_german(
    editor: User, make: MakeForm, names: list[str], value: str
) -> None:
    form = make(dict.fromkeys(names, value), editor)
    assert not form.is_valid()
    for name in names:
        assert form.errors[name] == [REFUSED], name


@pytest.mark.parametrize(("make", "names"), FORMS)
def test_a_date_within_them_is_taken(editor: User, make: MakeForm, names: list[str]) -> None:
    form = make(dict.fromkeys(names, "2027-03-15T10:00"), editor)
    form.is_valid()
    for name in names:
        assert name not in form.errors, form.errors.get(name)
