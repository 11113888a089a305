"""The staff forms of the register: an entry, its data categories and transfers, its review."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION,
    parameter_value,
)
from offenestadt.contracts.models import Contract
from offenestadt.processing import rules
from offenestadt.processing.models import DataCategory, ProcessingActivity, Transfer
from offenestadt.registry import rules as registry_rules
from offenestadt.registry.models import Project


class ActivityForm(forms.ModelForm[ProcessingActivity]):
    """The Art. 30(1) fields of an entry, its office, projects and processors' contracts."""

    projects = forms.ModelMultipleChoiceField(
        label=_("Projekte"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Projekte Ihres Amtes, für die die Daten verarbeitet werden."),
    )
    contracts = forms.ModelMultipleChoiceField(
        label=_("Verträge mit Auftragsverarbeitern"),
        queryset=Contract.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Die Verträge, unter denen Dienstleister die Daten für die Stadt verarbeiten. "
            "Wer das ist, wo und mit welcher Garantie, steht im Vertrag und erscheint von "
            "dort im Verzeichnis."
        ),
    )

    class Meta:
        model = ProcessingActivity
        fields: ClassVar = [
            "title",
            "office",
            "plain_language",
            "controller",
            "controller_contact",
            "joint_controllers",
            "dpo_contact",
            "purposes",
            "data_subjects",
            "recipients",
            "security_measures",
            "dpia_reference",
        ]
        labels: ClassVar = {
            "controller": _("a) Verantwortlicher"),
            "controller_contact": _("a) Kontakt des Verantwortlichen"),
            "joint_controllers": _("a) Gemeinsam Verantwortliche"),
            "dpo_contact": _("a) Kontakt des Datenschutzbeauftragten"),
            "purposes": _("b) Zwecke der Verarbeitung"),
            "data_subjects": _("c) Kategorien betroffener Personen"),
            "recipients": _("d) Kategorien von Empfängern"),
            "security_measures": _("g) Technische und organisatorische Maßnahmen"),
        }
        widgets: ClassVar = {
            "plain_language": forms.Textarea(attrs={"rows": 4}),
            "joint_controllers": forms.Textarea(attrs={"rows": 2}),
            "purposes": forms.Textarea(attrs={"rows": 4}),
            "data_subjects": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "security_measures": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rules.can_choose_office(user):
            self.fields["office"].help_text = _(
                "Leer nur für Verarbeitungen der Plattform selbst, solange kein Amt zuständig ist."
            )
        else:
            # An editor writes for their own office only.
            del self.fields["office"]
            if self.instance.pk is None and user.is_authenticated:
                self.instance.office = user.office
        projects = registry_rules.projects_linkable_by(user).order_by("title")
        field = self.fields["projects"]
        field.queryset = projects  # type: ignore[attr-defined]
        # Administrators may keep an entry without a project; an editor's must serve one.
        field.required = not registry_rules.can_keep_record_without_project(user)
        contracts = Contract.objects.order_by("title")
        self.fields["contracts"].queryset = contracts  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            field.initial = list(self.instance.projects.filter(pk__in=projects))
            self.fields["contracts"].initial = list(self.instance.contracts.all())


class DataCategoryForm(forms.ModelForm[DataCategory]):
    """One category of personal data; the entry comes from the address, never from the form."""

    class Meta:
        model = DataCategory
        fields: ClassVar = list(DataCategory.audit_fields)
        widgets: ClassVar = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "retention_justification": forms.Textarea(attrs={"rows": 3}),
            "necessity": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The charter's limit beside the fields it bounds, before anything is saved.
        months = parameter_value(
            CharterVersion.objects.in_force(), MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION
        )
        if months is not None:
            self.fields["retention_amount"].help_text = _(
                "Die Charta erlaubt höchstens %(months)s Monate ohne Begründung."
            ) % {"months": months}
            self.fields["retention_justification"].help_text = _(
                "Nötig, wenn die Daten länger als %(months)s Monate gespeichert werden."
            ) % {"months": months}


class TransferForm(forms.ModelForm[Transfer]):
    class Meta:
        model = Transfer
        fields: ClassVar = list(Transfer.audit_fields)


class SubmitForm(forms.Form):
    """Hand an entry to the data protection officer, with a note if there is something to say."""

    comment = forms.CharField(
        label=_("Anmerkung für die Prüfung (freiwillig)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewDecision:
    APPROVE = "approve"
    RETURN = "return"


class ReviewForm(forms.Form):
    """The DPO's decision on a submitted entry: approve it, or return it saying what to change."""

    # Sent by the button pressed, so the page renders no widget for it.
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (ReviewDecision.APPROVE, _("Freigeben")),
            (ReviewDecision.RETURN, _("Zurückgeben")),
        ],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Anmerkungen"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Beim Zurückgeben: was geändert werden muss."),
    )
