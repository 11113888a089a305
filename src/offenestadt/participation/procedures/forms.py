"""The forms staff use to run a procedure: what it is about, its phases, texts, meetings and
result report.
"""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.core.forms import DATE_INPUT, DateTimeField
from offenestadt.participation.procedures import rules
from offenestadt.participation.procedures.models import (
    Document,
    Meeting,
    Paragraph,
    Phase,
    Procedure,
)
from offenestadt.registry.models import Project


class DateChangeReasonMixin(forms.ModelForm[Any]):
    """The public reason for bringing a published date forward (core.gate_dates).

    Asked only when a public record is changed, and empty each time: a new earlier date
    needs a new reason; left empty, the reason given before stays.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None or not self.instance.is_public_record():
            del self.fields["date_change_reason"]
        else:
            self.initial["date_change_reason"] = ""

    def clean_date_change_reason(self) -> str:
        given = str(self.cleaned_data.get("date_change_reason") or "").strip()
        return given or self.instance.date_change_reason


class ProcedureForm(forms.ModelForm[Procedure]):
    """What the procedure is about, what people should know first, and what it belongs to."""

    projects = forms.ModelMultipleChoiceField(
        label=_("Projekte"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Projekte Ihres Amtes, über die vor der Entscheidung beteiligt wird."),
    )

    class Meta:
        model = Procedure
        fields: ClassVar = [
            "title",
            "summary",
            "information",
            "office",
            "contract",
            "amends_charter",
        ]
        widgets: ClassVar = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "information": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rules.chooses_office(user):
            self.fields["amends_charter"].help_text = _(
                "Vorschläge können dann einen Grundsatz oder einen Parameter der Charta ändern."
            )
        else:
            # Editors write for their own office, never about the charter.
            del self.fields["office"]
            del self.fields["amends_charter"]
            if self.instance.pk is None and user.is_authenticated:
                self.instance.office = user.office
        self.fields["contract"].queryset = rules.contracts_for_procedures(user).order_by(  # type: ignore[attr-defined]
            "title"
        )
        projects = rules.projects_for_procedures(user).order_by("title")
        field = self.fields["projects"]
        field.queryset = projects  # type: ignore[attr-defined]
        # Administrators may run a procedure without a project (the charter's).
        field.required = rules.needs_project(user)
        if self.instance.pk is not None:
            field.initial = list(self.instance.projects.filter(pk__in=projects))


class PhaseForm(DateChangeReasonMixin, forms.ModelForm[Phase]):
    class Meta:
        model = Phase
        fields: ClassVar = ["kind", "starts_on", "ends_on", "description", "date_change_reason"]
        widgets: ClassVar = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class DocumentCreateForm(forms.ModelForm[Document]):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Trennen Sie die Absätze durch eine Leerzeile; jeder wird einzeln kommentiert."
        ),
    )

    class Meta:
        model = Document
        fields: ClassVar = ["title"]


class DocumentForm(forms.ModelForm[Document]):
    class Meta:
        model = Document
        fields: ClassVar = ["title"]


class ParagraphForm(forms.ModelForm[Paragraph]):
    class Meta:
        model = Paragraph
        fields: ClassVar = ["text"]
        widgets: ClassVar = {"text": forms.Textarea(attrs={"rows": 6})}


class MeetingForm(DateChangeReasonMixin, forms.ModelForm[Meeting]):
    class Meta:
        model = Meeting
        fields: ClassVar = [
            "title",
            "starts_at",
            "place",
            "accessibility",
            "minutes",
            "date_change_reason",
        ]
        field_classes: ClassVar = {"starts_at": DateTimeField}
        widgets: ClassVar = {
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts: ClassVar = {
            "minutes": _("Erscheint erst, wenn Sie es nach der Veranstaltung veröffentlichen."),
        }


class ResultReportForm(forms.Form):
    report = forms.CharField(
        label=_("Ergebnisbericht"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Was aus den Kommentaren und Vorschlägen aufgenommen wurde, was nicht, und warum."
        ),
    )
