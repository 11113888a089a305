"""The register's filters and the staff form for an asset."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder
from offenestadt.registry import rules as registry_rules
from offenestadt.registry.models import Project

ALL = [("", _("alle"))]


class AssetFilterForm(forms.Form):
    """The list's, map's and export's filters; unknown values are ignored (all shown)."""

    art = forms.ChoiceField(label=_("Art"), choices=ALL + AssetKind.choices, required=False)
    betreiber = forms.ChoiceField(
        label=_("Betreiber"), choices=ALL + Holder.choices, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=ALL + AssetStatus.choices, required=False)

    def filters(self) -> dict[str, str]:
        """The valid filters as the queryset's ``filtered`` takes them."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("art", ""),
            "operator": data.get("betreiber", ""),
            "status": data.get("status", ""),
        }


class AssetForm(forms.ModelForm[Asset]):
    projects = forms.ModelMultipleChoiceField(
        label=_("Projekte"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Die Projekte, die die Anlage bauen oder nutzen: ihre Prüfung der Infrastruktur "
            "in öffentlicher Hand liest sie."
        ),
    )

    class Meta:
        model = Asset
        # What staff know; online state and last contact come from the community's map.
        fields: ClassVar = [
            name for name in Asset.audit_fields if name not in {"is_online", "last_seen"}
        ]
        help_texts: ClassVar = {
            "latitude": _("Dezimalgrad nach WGS 84, zum Beispiel 51.481845."),
            "longitude": _("Dezimalgrad nach WGS 84, zum Beispiel 7.216236."),
            "node_id": _("Nur für Freifunk-Knoten: die ID aus der Knotenkarte."),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = registry_rules.projects_linkable_by(user).order_by("title")
        field = self.fields["projects"]
        field.queryset = projects  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            field.initial = list(self.instance.projects.filter(pk__in=projects))
