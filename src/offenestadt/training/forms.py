from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office
from offenestadt.core.forms import DATE_INPUT, DateTimeField
from offenestadt.core.retention import TRAINING, retention_period
from offenestadt.training import rules
from offenestadt.training.models import Channel, Course, Registration, Session


class CourseForm(forms.ModelForm[Course]):
    class Meta:
        model = Course
        fields: ClassVar = [
            "office",
            "title",
            "description",
            "easy_read_summary",
            "provider",
            "audience",
            "accessibility",
            "language",
            "cost",
            "project",
        ]
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "easy_read_summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        office.queryset = rules.offices_for_courses(user)  # type: ignore[attr-defined]
        project = self.fields["project"]
        if (office_id := editor_office(user)) is not None:
            project.queryset = project.queryset.filter(office_id=office_id)  # type: ignore[attr-defined]

    def preselect_project(self, slug: str) -> None:
        """Choose the project the address names (``?projekt=<slug>``) on an empty form for a
        new course, if the user may link it: a charter finding's "beheben" opens the form so.
        The course's office is the project's, where the user may choose it."""
        if not slug or self.is_bound:
            return
        chosen = self.fields["project"].queryset.filter(slug=slug).first()  # type: ignore[attr-defined]
        if chosen is None:
            return
        self.initial["project"] = chosen.pk
        if self.fields["office"].queryset.filter(pk=chosen.office_id).exists():  # type: ignore[attr-defined]
            self.initial["office"] = chosen.office_id


class SessionForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields: ClassVar = ["starts_at", "ends_at", "place", "district", "step_free", "capacity"]
        field_classes: ClassVar = {"starts_at": DateTimeField, "ends_at": DateTimeField}


class AttendanceForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields: ClassVar = ["attended_count"]


class RegistrationForm(forms.ModelForm[Registration]):
    """Online, without an account: a name or pseudonym and one way to be reached."""

    class Meta:
        model = Registration
        fields: ClassVar = ["name", "contact"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # How long name and contact are kept, as the register says today.
        period = retention_period(activity=TRAINING, category="participant-contact")
        if period is not None and period.has_retention:
            contact = self.fields["contact"]
            contact.help_text = _("%(help)s Aufbewahrt: %(period)s.") % {
                "help": contact.help_text,
                "period": period.retention_text,
            }


class StaffRegistrationForm(forms.ModelForm[Registration]):
    """A registration the office received by phone or at its counter."""

    channel = forms.ChoiceField(
        label=_("Angemeldet"),
        choices=[
            (Channel.PHONE, Channel.PHONE.label),
            (Channel.IN_PERSON, Channel.IN_PERSON.label),
        ],
    )

    class Meta:
        model = Registration
        fields: ClassVar = ["name", "contact", "channel"]


class SessionFilterForm(forms.Form):
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    ab = forms.DateField(label=_("Ab dem"), required=False, widget=DATE_INPUT)
    frei = forms.BooleanField(label=_("Nur mit freien Plätzen"), required=False)
    stufenlos = forms.BooleanField(label=_("Nur stufenlos erreichbar"), required=False)

    def __init__(self, *args: Any, districts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bezirk"].choices = [("", _("alle")), *((d, d) for d in districts)]  # type: ignore[attr-defined]
