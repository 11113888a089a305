"""The staff forms for contracts, their vendors and their data clauses."""

from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import CONTRACT_MIN_PUBLIC_DAYS, parameter_value
from offenestadt.contracts.compliance import redaction_legal_basis
from offenestadt.contracts.models import (
    Contract,
    ContractComment,
    ContractStatus,
    DataAccess,
    DataLocation,
    Redaction,
    RedactionReason,
    SubProcessor,
    Vendor,
)
from offenestadt.core.forms import DATE_INPUT
from offenestadt.core.uploads import UploadField
from offenestadt.council.forms import CouncilPapersField
from offenestadt.registry import rules as registry_rules
from offenestadt.registry.models import Project


def _pdf(upload: Any) -> Any:
    """Refuse a new upload that is not a PDF: it is served as application/pdf later."""
    if isinstance(upload, UploadedFile):
        header = upload.read(5)
        upload.seek(0)
        if header != b"%PDF-":
            raise forms.ValidationError(_("Die Datei ist kein PDF-Dokument."))
    return upload


class ContractForm(forms.ModelForm[Contract]):
    """The contract's terms, clauses, council part and documents, and the projects it serves."""

    projects = forms.ModelMultipleChoiceField(
        label=_("Projekte"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Projekte Ihres Amtes, denen der Vertrag dient."),
    )
    council_papers = CouncilPapersField()

    class Meta:
        model = Contract
        fields: ClassVar = [
            "title",
            "purpose",
            "vendor",
            "value",
            "currency",
            "starts_on",
            "ends_on",
            "procurement_procedure",
            "data_owner",
            "secondary_use_prohibited",
            "audit_rights",
            "data_return_format",
            "deletion_at_end",
            "council_paper",
            "council_body",
            "meeting_date",
            "agenda_item",
            "decision_reference",
            "signed_document",
            "public_document",
        ]
        field_classes: ClassVar = {
            "signed_document": UploadField,
            "public_document": UploadField,
        }
        widgets: ClassVar = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "meeting_date": DATE_INPUT,
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = registry_rules.projects_linkable_by(user).order_by("title")
        field = self.fields["projects"]
        field.queryset = projects  # type: ignore[attr-defined]
        # Administrators may keep a contract without a project; an editor's must serve one.
        field.required = not registry_rules.can_keep_record_without_project(user)
        if self.instance.pk is not None:
            field.initial = list(self.instance.projects.filter(pk__in=projects))
            self.fields["council_papers"].initial = list(self.instance.council_papers.all())
        for name in ("signed_document", "public_document"):
            self.fields[name].widget.attrs["accept"] = "application/pdf"
        days = parameter_value(CharterVersion.objects.in_force(), CONTRACT_MIN_PUBLIC_DAYS)
        if days:
            # The charter's limit beside the field it bounds, before anything is saved.
            self.fields["meeting_date"].help_text = _(
                "Die Charta verlangt, dass der Vertrag vor der Sitzung mindestens %(days)s Tage "
                "veröffentlicht ist."
            ) % {"days": days}
        self.fields["public_document"].help_text = _(
            "Öffentlich abrufbar, sobald die oder der Datenschutzbeauftragte sie auf "
            "personenbezogene Daten geprüft und freigegeben hat (ein PDF lässt sich nicht "
            "automatisch prüfen)."
        )

    def clean_signed_document(self) -> Any:
        return _pdf(self.cleaned_data.get("signed_document"))

    def clean_public_document(self) -> Any:
        return _pdf(self.cleaned_data.get("public_document"))


class VendorForm(forms.ModelForm[Vendor]):
    class Meta:
        model = Vendor
        fields: ClassVar = list(Vendor.audit_fields)


# The data clauses. The contract comes from the address, never from the form.
class DataLocationForm(forms.ModelForm[DataLocation]):
    class Meta:
        model = DataLocation
        fields: ClassVar = list(DataLocation.audit_fields)


class SubProcessorForm(forms.ModelForm[SubProcessor]):
    class Meta:
        model = SubProcessor
        fields: ClassVar = list(SubProcessor.audit_fields)


class DataAccessForm(forms.ModelForm[DataAccess]):
    class Meta:
        model = DataAccess
        fields: ClassVar = list(DataAccess.audit_fields)


class RedactionForm(forms.ModelForm[Redaction]):
    """What is redacted, what it protects (with its legal basis), and why specifically.

    The legal basis follows from the category and the charter in force; the service
    stores it and checks the justification.
    """

    class Meta:
        model = Redaction
        fields: ClassVar = ["passage", "category", "reason"]
        widgets: ClassVar = {
            "category": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        charter = CharterVersion.objects.in_force()
        category = self.fields["category"]
        category.required = True
        category.choices = [  # type: ignore[attr-defined]
            (value, _label_with_basis(label, redaction_legal_basis(value, charter)))
            for value, label in RedactionReason.choices
        ]


def _label_with_basis(label: object, basis: str) -> str:
    if not basis:
        return str(label)
    return str(_("%(category)s (%(basis)s)") % {"category": label, "basis": basis})


class ContractTransitionForm(forms.Form):
    """Move a contract on to one of the statuses reachable from its current one."""

    to = forms.ChoiceField(label=_("Neuer Stand"))

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (status.value, status.label) for status in contract.next_statuses()
        ]

    def target(self) -> ContractStatus:
        return ContractStatus(self.cleaned_data["to"])


class CommentForm(forms.ModelForm[ContractComment]):
    class Meta:
        model = ContractComment
        fields: ClassVar = ["pseudonym", "text"]
        widgets: ClassVar = {"text": forms.Textarea(attrs={"rows": 6})}


class HideCommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Öffentlicher Grund für das Ausblenden"),
        max_length=300,
        help_text=_("Zum Beispiel: beleidigend, enthält personenbezogene Daten Dritter."),
    )
