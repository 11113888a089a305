from typing import Any, ClassVar, cast

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import offices_served_by
from offenestadt.core.forms import DATE_INPUT
from offenestadt.council.forms import CouncilPapersField
from offenestadt.registry.models import (
    AccessChannel,
    FundingSource,
    Project,
    ProjectStatus,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.opening_hours import (
    EXAMPLE,
    WEEKDAY_LABELS,
    WEEKDAYS,
    Interval,
    WeeklyHours,
    parse_day,
)
from offenestadt.registry.servicepoints.models import ServicePoint


def offer_offices(field: forms.Field, user: Actor) -> None:
    """Offer only the offices the user keeps records for: an editor's own (then no empty
    choice), every office to administrators."""
    offices = offices_served_by(user)
    field.queryset = offices  # type: ignore[attr-defined]
    if offices.count() == 1:
        field.empty_label = None  # type: ignore[attr-defined]


class ProjectForm(forms.ModelForm[Project]):
    council_papers = CouncilPapersField()

    class Meta:
        model = Project
        fields: ClassVar = [
            "title",
            "summary",
            "plain_language_summary",
            "office",
            "contact_name",
            "contact_email",
            "contact_phone",
            "budget",
            "processes_personal_data",
            "internal_note",
        ]
        error_messages: ClassVar = {
            "office": {"invalid_choice": _("Sie können nur Projekte Ihres eigenen Amts anlegen.")}
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self.fields["office"], user)
        if self.instance.pk is not None:
            self.fields["council_papers"].initial = list(self.instance.council_papers.all())


class TransitionForm(forms.Form):
    """Move a project on; the council decision fields are needed only to pass a closed gate."""

    to = forms.ChoiceField(label=_("Neuer Stand"))
    decision_reference = forms.CharField(
        label=_("Ratsbeschluss (Aktenzeichen)"), max_length=200, required=False
    )
    decided_on = forms.DateField(
        label=_("Beschlossen am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    justification = forms.CharField(
        label=_("Begründung des Rates"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: object, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to"].choices = [(s.value, s.label) for s in project.next_statuses()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        given = [
            cleaned.get(name) for name in ("decision_reference", "decided_on", "justification")
        ]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("Für einen Ratsbeschluss braucht es Aktenzeichen, Datum und Begründung.")
            )
        return cleaned

    def target(self) -> ProjectStatus:
        return ProjectStatus(self.cleaned_data["to"])


# What belongs to a project. The project (for an access channel: the service) comes from
# the address, never from the form, so a part cannot be moved to another project. A part's
# editable fields are its public ones: everything staff enter here is shown.
class FundingSourceForm(forms.ModelForm[FundingSource]):
    class Meta:
        model = FundingSource
        fields: ClassVar = list(FundingSource.audit_fields)


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields: ClassVar = list(Service.audit_fields)
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "changes_on": DATE_INPUT,
        }


class WeekdayHoursField(forms.CharField):
    """One weekday's hours as text, "08:00–12:00, 13:00–18:00"; cleaned to its intervals."""

    def __init__(self, day: int, **kwargs: Any) -> None:
        self.day = day
        super().__init__(label=WEEKDAY_LABELS[day], required=False, max_length=200, **kwargs)

    def clean(self, value: Any) -> list[Interval]:
        # The text field's checks (length, no NUL characters) first, then the hours.
        return parse_day(self.day, super().clean(value))


class WeeklyHoursForm[M: models.Model](forms.ModelForm[M]):
    """A model form with hours typed per weekday (no script needed), stored as intervals in
    the instance's ``hours``; the weekday fields follow ``fields_before_hours``."""

    weekday_names = tuple(f"hours_{day}" for day in WEEKDAYS)
    example_hours = EXAMPLE
    fields_before_hours: ClassVar[tuple[str, ...]] = ()
    # The template shows the weekday fields, under this legend, before this field.
    hours_legend: ClassVar[str | Promise] = _("Öffnungszeiten")
    field_after_hours: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = WeeklyHours.from_json(self.instance.hours)  # type: ignore[attr-defined]
        for day, name in enumerate(self.weekday_names):
            self.fields[name] = WeekdayHoursField(
                day, initial=stored.day_text(day), widget=forms.TextInput(attrs={"size": 30})
            )
        self.order_fields([*self.fields_before_hours, *self.weekday_names])

    def weekday_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.weekday_names]

    def other_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in self.weekday_names]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        days = {day: cleaned.get(name) for day, name in enumerate(self.weekday_names)}
        if all(intervals is not None for intervals in days.values()):
            self.instance.hours = WeeklyHours.from_days(  # type: ignore[attr-defined]
                {day: intervals or [] for day, intervals in days.items()}
            ).as_json()
        return cleaned


class ServicePointChoice(forms.ModelChoiceField[ServicePoint]):
    """A service point by name; one that closes says so (the channel before the project
    may well name a point that has closed since)."""

    def label_from_instance(self, obj: ServicePoint) -> str:
        closing = obj.closing_text()
        return f"{obj} ({closing})" if closing else str(obj)


class AccessChannelForm(WeeklyHoursForm[AccessChannel]):
    """An access channel with its hours typed per weekday, or the service point it leads to."""

    fields_before_hours = ("phase", "kind", "service_point", "place", "district", "step_free")
    hours_legend = _("Öffnungszeiten (vor Ort) oder Telefonzeiten")
    field_after_hours = "hours_note"

    class Meta:
        model = AccessChannel
        fields: ClassVar = [
            "phase",
            "kind",
            "service_point",
            "place",
            "district",
            "step_free",
            "hours_note",
            "accessibility",
        ]
        field_classes: ClassVar = {"service_point": ServicePointChoice}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only published points: a public project's page shows the point it names.
        self.fields["service_point"].queryset = ServicePoint.objects.published()  # type: ignore[attr-defined]


class AccessChannelRows(forms.BaseFormSet[AccessChannelForm]):
    """Several access channels of one service at once (before and after the project, one
    per way in): each row a channel of the service, rows left empty are left out."""

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        self.service = service
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"instance": AccessChannel(service=self.service)}

    def filled(self) -> list[AccessChannelForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self) -> None:
        # A channel the service has already is told beside its row (the form leaves out the
        # service, so its own check does not see the stored ones).
        for form in self.filled():
            if form.is_valid():
                try:
                    form.instance.validate_constraints()
                except forms.ValidationError as error:
                    form.add_error(None, error)


# Three rows: one to fill in, two more for the other ways in or the time after the project.
ACCESS_CHANNEL_ROWS = cast(
    type[AccessChannelRows],
    forms.formset_factory(
        AccessChannelForm, formset=AccessChannelRows, extra=2, min_num=1, validate_min=True
    ),
)


class SoftwareComponentForm(forms.ModelForm[SoftwareComponent]):
    class Meta:
        model = SoftwareComponent
        fields: ClassVar = list(SoftwareComponent.audit_fields)
        help_texts: ClassVar = {
            "licence": _(
                "Zum Beispiel EUPL-1.2 oder MIT OR Apache-2.0. Proprietäre Software: "
                "LicenseRef- und ein Name, etwa LicenseRef-Proprietaer."
            )
        }


def projects_to_link(form: forms.ModelForm[Any], record: Any) -> list[Project]:
    """The projects a record is to be linked to after ``form``: those chosen in its
    ``projects`` field, which offers only what the user may link, and those linked before
    that lie outside the user's reach, which stay. The record's service then decides."""
    chosen: list[Project] = list(form.cleaned_data["projects"])
    if record.pk is None:
        return chosen
    offered = form.fields["projects"].queryset  # type: ignore[attr-defined]
    return chosen + list(record.projects.exclude(pk__in=offered))


def preselect_project(form: forms.ModelForm[Any], slug: str) -> None:
    """Tick the project the address names (``?projekt=<slug>``) on an empty form for a new
    record, if the user may link it: a charter finding's "beheben" opens the form so."""
    if slug and not form.is_bound:
        field = form.fields["projects"]
        field.initial = list(field.queryset.filter(slug=slug))  # type: ignore[attr-defined]
