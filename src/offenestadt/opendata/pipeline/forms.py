"""Forms of the publication pipeline: the raw upload, the privacy model and the DPO's review."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from offenestadt.accounts.models import Actor
from offenestadt.core.uploads import UploadField
from offenestadt.opendata.catalogue import rules as catalogue_rules
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.pipeline.aggregates import (
    DP_AGGREGATES,
    EPSILON_MAX,
    EPSILON_MIN,
    K_ANONYMITY,
    SUM_BOUND_LIMIT,
    epsilon_message,
    sum_bound_message,
)
from offenestadt.opendata.pipeline.models import ACCEPTED_SUFFIXES

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


MODE_CHOICES = [
    (K_ANONYMITY, _("k-anonyme Tabelle")),
    (DP_AGGREGATES, _("Differenziell private Zählungen")),
]
DP_FIELDS = ("epsilon", "group_by", "categories", "sum_column", "sum_lower", "sum_upper")
# Enough for a city's districts or a catalogue of diagnoses; each adds a noisy sum to compute.
MAX_CATEGORIES = 1000
MAX_CATEGORY_LENGTH = 200


class SumBoundField(forms.DecimalField):
    """A bound of the sum: a number within the limit the pipeline takes (SUM_BOUND_LIMIT)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, localize=True, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not -SUM_BOUND_LIMIT <= value <= SUM_BOUND_LIMIT:
            raise forms.ValidationError(sum_bound_message(), code="limit")


class PrivacyModelForm(forms.Form):
    """The privacy mode. For a k-anonymous table: k, l and the share of records that may be
    suppressed, and per column its role and how it is generalised (columns are numbered in the
    form: their names may hold any character). For differentially private counts: epsilon, the
    column to count by with its public categories, and optionally a column to sum within
    public bounds (see pipeline.aggregates); direct identifiers cannot be chosen."""

    mode = forms.ChoiceField(
        label=_("Was wird veröffentlicht?"),
        choices=MODE_CHOICES,
        widget=forms.RadioSelect,
        required=False,  # a form without the choice asks for the k-anonymous table
    )
    k = forms.IntegerField(
        label=_("k (kleinste Gruppengröße)"),
        min_value=2,
        max_value=1000,
        required=False,
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
    epsilon = forms.DecimalField(
        label=_("Epsilon (Datenschutzbudget)"),
        decimal_places=2,
        localize=True,
        required=False,
        help_text=_(
            "Zwischen 0,1 und 5. Je kleiner, desto mehr Rauschen und desto besser der Schutz "
            "der einzelnen Person."
        ),
    )
    group_by = forms.ChoiceField(
        label=_("Gezählt wird nach der Spalte"), required=False, choices=[]
    )
    categories = forms.CharField(
        label=_("Kategorien, eine je Zeile"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Öffentlich bekannte Werte, etwa die Stadtbezirke. Sie werden nicht aus den Daten "
            "gelesen, damit kein seltener Wert sichtbar wird; andere Werte zählen nicht mit."
        ),
    )
    sum_column = forms.ChoiceField(
        label=_("Summiert wird die Spalte (freiwillig)"), required=False, choices=[]
    )
    sum_lower = SumBoundField(label=_("Untergrenze je Wert"))
    sum_upper = SumBoundField(
        label=_("Obergrenze je Wert"),
        help_text=_(
            "Ohne Blick in die Daten festlegen: Werte außerhalb werden auf die Grenze gesetzt."
        ),
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
        self,
        *args: Any,
        columns: list[str],
        config: dict[str, Any],
        identifiers: list[str],
        **kwargs: Any,
    ) -> None:
        chosen = config.get("columns", {})
        suppression = Decimal(str(config.get("suppression") or 0)) * 100
        bounds = config.get("bounds") or [None, None]
        kwargs.setdefault(
            "initial",
            {
                "mode": config.get("mode", K_ANONYMITY),
                "epsilon": Decimal(str(config.get("epsilon") or 1)),
                "group_by": config.get("group_by"),
                "categories": "\n".join(config.get("categories", [])),
                "sum_column": config.get("sum_column") or "",
                "sum_lower": bounds[0],
                "sum_upper": bounds[1],
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
        countable = [(name, name) for name in columns if name not in identifiers]
        self.fields["group_by"].choices = [("", "–"), *countable]  # type: ignore[attr-defined]
        self.fields["sum_column"].choices = [("", "–"), *countable]  # type: ignore[attr-defined]
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

    def clean_epsilon(self) -> Decimal | None:
        epsilon: Decimal | None = self.cleaned_data["epsilon"]
        if epsilon is not None and not EPSILON_MIN <= float(epsilon) <= EPSILON_MAX:
            raise forms.ValidationError(epsilon_message())
        return epsilon

    def clean_categories(self) -> str:
        text: str = self.cleaned_data["categories"]
        lines = {line.strip() for line in text.splitlines()} - {""}
        if any(len(line) > MAX_CATEGORY_LENGTH for line in lines):
            raise forms.ValidationError(
                _("Eine Kategorie hat höchstens %(count)s Zeichen; jede steht in einer Zeile.")
                % {"count": MAX_CATEGORY_LENGTH}
            )
        if len(lines) > MAX_CATEGORIES:
            raise forms.ValidationError(
                _("Geben Sie höchstens %(count)s Kategorien an.")
                % {"count": number_format(MAX_CATEGORIES, force_grouping=True)}
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "mode" in data:
            data["mode"] = data["mode"] or K_ANONYMITY
        if data.get("mode") == DP_AGGREGATES:
            self._require(data, "epsilon", _("Geben Sie epsilon an."))
            self._require(data, "group_by", _("Wählen Sie die Spalte, nach der gezählt wird."))
            if "categories" not in self.errors and not self.category_list():
                self.add_error("categories", _("Geben Sie mindestens eine Kategorie an."))
            if data.get("sum_column"):
                self._check_sum_bounds(data)
        elif data.get("mode") == K_ANONYMITY and data.get("k") is None:
            self.add_error("k", _("Geben Sie k an."))
        return data

    def _require(self, data: dict[str, Any], name: str, message: StrOrPromise) -> None:
        """``message`` at the field when it was left empty (not when its value was refused)."""
        if data.get(name) in (None, "") and name not in self.errors:
            self.add_error(name, message)

    def _check_sum_bounds(self, data: dict[str, Any]) -> None:
        if "sum_lower" in self.errors or "sum_upper" in self.errors:
            return
        lower, upper = data.get("sum_lower"), data.get("sum_upper")
        if lower is None or upper is None:
            self.add_error("sum_upper", _("Geben Sie für die Summe beide Grenzen an."))
        elif not lower < upper:
            self.add_error(
                "sum_upper", _("Die Untergrenze der Summe muss unter der Obergrenze liegen.")
            )

    def category_list(self) -> list[str]:
        """The editor's categories: one a line, blank lines and repeats left out."""
        lines = (line.strip() for line in self.cleaned_data.get("categories", "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def dp_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DP_FIELDS]

    def config(self) -> dict[str, Any]:
        """The privacy model as the pipeline takes it (after is_valid)."""
        data = self.cleaned_data
        sum_column = data["sum_column"] or None
        return {
            "mode": data["mode"],
            "epsilon": float(data["epsilon"]) if data["epsilon"] is not None else None,
            "group_by": data["group_by"],
            "categories": self.category_list(),
            "sum_column": sum_column,
            "bounds": [float(data["sum_lower"]), float(data["sum_upper"])] if sum_column else None,
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
