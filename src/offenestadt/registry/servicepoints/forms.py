"""The staff's forms for service points and their opening hours."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.core.forms import DATE_INPUT
from offenestadt.registry.forms import WeeklyHoursForm, offer_offices
from offenestadt.registry.servicepoints.models import OpeningHours, ServicePoint


class ServicePointForm(forms.ModelForm[ServicePoint]):
    class Meta:
        model = ServicePoint
        # Published through its own step, not the form.
        fields: ClassVar = [name for name in ServicePoint.audit_fields if name != "published_at"]

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self.fields["office"], user)


class OpeningHoursForm(WeeklyHoursForm[OpeningHours]):
    """A span of days with the hours per weekday."""

    fields_before_hours = ("valid_from", "valid_to")
    field_after_hours = "note"

    class Meta:
        model = OpeningHours
        fields: ClassVar = ["valid_from", "valid_to", "note"]
        widgets: ClassVar = {"valid_from": DATE_INPUT, "valid_to": DATE_INPUT}


class ClosingForm(forms.Form):
    """The day from which a service point is closed."""

    closed_on = forms.DateField(
        label=_("Geschlossen ab"),
        widget=DATE_INPUT,
        help_text=_("Heute oder ein Tag in der Zukunft."),
    )
