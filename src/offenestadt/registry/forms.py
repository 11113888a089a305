from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.registry.models import (
    AccessChannel,
    FundingSource,
    InfrastructureAsset,
    Project,
    ProjectStatus,
    Service,
    SoftwareComponent,
    TrainingOffer,
)


class ProjectForm(forms.ModelForm[Project]):
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
        widgets: ClassVar = {"description": forms.Textarea(attrs={"rows": 4})}


class AccessChannelForm(forms.ModelForm[AccessChannel]):
    class Meta:
        model = AccessChannel
        fields: ClassVar = ["phase", "kind", "place", "opening_hours", "accessibility"]


class SoftwareComponentForm(forms.ModelForm[SoftwareComponent]):
    class Meta:
        model = SoftwareComponent
        fields: ClassVar = list(SoftwareComponent.audit_fields)


class TrainingOfferForm(forms.ModelForm[TrainingOffer]):
    class Meta:
        model = TrainingOffer
        fields: ClassVar = list(TrainingOffer.audit_fields)


class InfrastructureAssetForm(forms.ModelForm[InfrastructureAsset]):
    class Meta:
        model = InfrastructureAsset
        fields: ClassVar = list(InfrastructureAsset.audit_fields)
