"""Form helpers every app's views share."""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A date field as the browser's date picker, which sends and shows ISO dates.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A date and time as the browser's picker sends and shows it.
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DateTimeField(forms.DateTimeField):
    """A date and time from the browser's picker, in the years a record can hold: the
    database keeps UTC (the first hours of year 1 are before it) and the platform reckons
    later dates from it (reminders, deletion), which year 9999 leaves no room for."""

    widget = DATETIME_INPUT
    FIRST_YEAR, LAST_YEAR = 1900, 2999
    default_error_messages = {  # noqa: RUF012 - Django's own shape for a field's messages
        "out_of_range": _("Bitte ein Datum zwischen den Jahren %(first)d und %(last)d angeben."),
    }

    def to_python(self, value: Any) -> datetime | None:
        moment = super().to_python(value)
        if moment is not None and not self.FIRST_YEAR <= moment.year <= self.LAST_YEAR:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": self.FIRST_YEAR, "last": self.LAST_YEAR},
            )
        return moment


def show_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors on the form: beside their field, or above all."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, ValidationError(errors))
