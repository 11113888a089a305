"""Forms of the publication pipeline: the raw upload, the privacy model and the DPO's review."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from offenestadt.accounts.models import Actor
from offenestadt.core.uploads import UploadField
from offenestadt.opendata.catalogue import rules as catalogue_rules
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.pipeline.services import ACCEPTED_SUFFIXES

ROLE_CHOICES = [
    ("identifier", _("Direktes Merkmal – wird entfernt")),
    ("quasi", _("Quasi-Identifikator – wird verallgemeinert")),
    ("sensitive", _("Sensibel – geschützt durch l-Diversität")),
    ("keep", _("Unbedenklich – bleibt wie es ist")),
]
GENERALISATION_CHOICES = [
    ("mask", _("Ausblenden (*)")),
    ("intervals", _("Zahlen in Spannen (5, 10, 20, 40)")),
    ("date", _("Datum auf Monat, Jahr, Jahrzehnt")),
    ("postcode", _("Postleitzahl kürzen")),
    ("coordinates", _("Koordinaten auf ein Raster")),
]


class UploadForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=pgettext_lazy("open data", "Datensatz"),
        queryset=Dataset.objects.none(),
        help_text=_("Nur Datensätze Ihres Amtes."),
    )
    file = UploadField(
        label=_("Datei mit den Rohdaten"),
        help_text=_("CSV, Parquet oder Excel (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        datasets = catalogue_rules.datasets_editable_by(user).order_by("title")
        self.fields["dataset"].queryset = datasets  # type: ignore[attr-defined]


class PrivacyModelForm(forms.Form):
    """k, l and the share of records that may be suppressed, and per column its role and how
    it is generalised. Columns are numbered in the form: their names may hold any character."""

    k = forms.IntegerField(
        label=_("k (kleinste Gruppengröße)"),
        min_value=2,
        max_value=1000,
        help_text=_(
            "Jeder veröffentlichte Datensatz gleicht in allen Quasi-Identifikatoren "
            "mindestens k-1 anderen."
        ),
    )
    l_diversity = forms.IntegerField(
        label=_("l (verschiedene sensible Werte je Gruppe)"),
        min_value=2,
        max_value=100,
        required=False,
        help_text=_("Leer lassen, wenn keine Spalte sensibel ist."),
    )
    suppression = forms.DecimalField(
        label=_("Höchstens unterdrückte Datensätze (Prozent)"),
        min_value=Decimal(0),
        max_value=Decimal(20),
        decimal_places=1,
        localize=True,
        help_text=_("Datensätze, die sich nicht verallgemeinern lassen, werden ausgeblendet."),
    )
    # WCAG 2.2.1: a page that reloads itself is something the user can turn off beforehand.
    follow = forms.BooleanField(
        label=_(
            "Fortschritt verfolgen: die Seite lädt sich während der Anonymisierung alle "
            "2 Sekunden neu"
        ),
        required=False,
        initial=True,
    )

    def __init__(
        self, *args: Any, columns: list[str], config: dict[str, Any], **kwargs: Any
    ) -> None:
        chosen = config.get("columns", {})
        suppression = Decimal(str(config.get("suppression", 0))) * 100
        kwargs.setdefault(
            "initial",
            {
                "k": config.get("k", 5),
                "l_diversity": config.get("l"),
                "suppression": suppression.quantize(Decimal("0.1")),
                "follow": True,
            }
            | {
                f"role_{i}": chosen.get(name, {}).get("role", "keep")
                for i, name in enumerate(columns)
            }
            | {
                f"generalisation_{i}": chosen.get(name, {}).get("generalisation", "mask")
                for i, name in enumerate(columns)
            },
        )
        super().__init__(*args, **kwargs)
        self.columns = columns
        for i, name in enumerate(columns):
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=_("Rolle der Spalte %(name)s") % {"name": name}, choices=ROLE_CHOICES
            )
            self.fields[f"generalisation_{i}"] = forms.ChoiceField(
                label=_("Verallgemeinerung der Spalte %(name)s") % {"name": name},
                choices=GENERALISATION_CHOICES,
            )

    def column_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """Each column with its two fields, for the table on the page."""
        return [
            (name, self[f"role_{i}"], self[f"generalisation_{i}"])
            for i, name in enumerate(self.columns)
        ]

    def config(self) -> dict[str, Any]:
        """The privacy model as the pipeline takes it (after is_valid)."""
        data = self.cleaned_data
        return {
            "k": data["k"],
            "l": data["l_diversity"],
            "suppression": float(data["suppression"] / 100),
            "columns": {
                name: {
                    "role": data[f"role_{i}"],
                    "generalisation": data[f"generalisation_{i}"],
                }
                for i, name in enumerate(self.columns)
            },
        }


class ReviewDecision:
    APPROVE = "approve"
    RETURN = "return"


class ReviewForm(forms.Form):
    """The DPO's decision on an anonymized result: approve it, or return it saying why.

    The page gives the decision as two submit buttons (name ``decision``) under the comment.
    """

    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (ReviewDecision.APPROVE, _("Freigeben")),
            (ReviewDecision.RETURN, _("Zurückgeben")),
        ],
    )
    comment = forms.CharField(
        label=_("Anmerkungen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Beim Zurückgeben: was geändert werden muss."),
    )


class FileApprovalForm(forms.Form):
    """The DPO's approval of a file the check for personal data could not clear."""

    note = forms.CharField(
        label=_("Begründung der Freigabe"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Warum die Datei ohne Anonymisierung veröffentlicht werden darf, zum Beispiel: "
            "„PDF gelesen, Namen Dritter geschwärzt“ oder „nur Summen je Stadtbezirk“."
        ),
    )
