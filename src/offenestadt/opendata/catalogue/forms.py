"""The staff forms of the catalogue: a dataset's description, its files and links, withdrawal."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import offices_served_by
from offenestadt.core.forms import DATE_INPUT
from offenestadt.core.uploads import UploadField
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Keyword, Theme
from offenestadt.registry.models import Project
from offenestadt.registry.rules import can_keep_record_without_project, projects_linkable_by

# Words of the catalogue's own addresses (/daten/neu/), which no dataset may be named.
RESERVED_NAMES = frozenset({"neu"})
KEYWORD_MAX_LENGTH = Keyword._meta.get_field("name").max_length or 100


class DatasetForm(forms.ModelForm[Dataset]):
    """A dataset's DCAT-AP.de description, its themes, keywords and projects."""

    themes = forms.MultipleChoiceField(
        label=_("Themen"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Themen des EU-Vokabulars; mindestens eines."),
    )
    keywords = forms.CharField(
        label=_("Schlagwörter"),
        required=False,
        help_text=_("Durch Kommas getrennt, zum Beispiel: Parks, Sensoren, Klimaanpassung."),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projekte"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Projekte Ihres Amtes, aus denen die Daten stammen."),
    )

    class Meta:
        model = Dataset
        fields: ClassVar = [
            "name",
            "title",
            "title_en",
            "description",
            "description_en",
            "publisher",
            "contact_name",
            "contact_email",
            "licence",
            "frequency",
            "temporal_start",
            "temporal_end",
            "spatial_note",
        ]
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 5}),
            # English texts are marked as such (WCAG 3.1.2), for screen readers' voices.
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "description_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
            "temporal_start": DATE_INPUT,
            "temporal_end": DATE_INPUT,
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = projects_linkable_by(user).order_by("title")
        field = self.fields["projects"]
        field.queryset = projects  # type: ignore[attr-defined]
        field.required = not can_keep_record_without_project(user)
        offices = offices_served_by(user)
        self.fields["publisher"].queryset = offices  # type: ignore[attr-defined]
        if self.instance.pk is None:
            if user.is_authenticated and user.office_id is not None:
                self.fields["publisher"].initial = user.office_id
        else:
            field.initial = list(self.instance.projects.filter(pk__in=projects))
            self.fields["themes"].initial = [t.theme for t in self.instance.themes.all()]
            self.fields["keywords"].initial = ", ".join(
                keyword.name for keyword in self.instance.keywords.all()
            )
        if self.instance.published_at is not None:
            # The address is the dataset's identifier for harvesters: it stays once published.
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _(
                "Die Adresse eines veröffentlichten Datensatzes bleibt, wie sie ist."
            )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if name in RESERVED_NAMES:
            raise forms.ValidationError(
                _("Dieser Kurzname ist für die Seiten des Katalogs vergeben.")
            )
        return name

    def clean_keywords(self) -> list[str]:
        words = [word.strip() for word in self.cleaned_data["keywords"].split(",")]
        words = [word for word in words if word]
        too_long = [word for word in words if len(word) > KEYWORD_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Ein Schlagwort hat höchstens %(max)d Zeichen: %(words)s"),
                params={"max": KEYWORD_MAX_LENGTH, "words": ", ".join(too_long)},
            )
        return list(dict.fromkeys(words))


class DistributionForm(forms.ModelForm[Distribution]):
    """A file to upload or an address elsewhere, with what users need to know about it."""

    upload = UploadField(
        label=_("Datei"),
        required=False,
        help_text=_(
            "Größe, Prüfsumme, Medientyp und bei CSV das Spaltenschema ermittelt das System. "
            "Jede Datei wird vor der Veröffentlichung auf personenbezogene Daten geprüft; "
            "Dateien mit Personenbezug gehen in die Anonymisierung."
        ),
    )

    class Meta:
        model = Distribution
        fields: ClassVar = [
            "title",
            "description",
            "access_url",
            "format",
            "media_type",
            "licence",
            "provenance",
        ]
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "provenance": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts: ClassVar = {
            "access_url": _(
                "Statt einer Datei: wo die Daten anderswo abrufbar sind. Die Stadt ruft die "
                "Adresse nicht ab und prüft nicht, was dort steht; die Seite sagt das."
            ),
            "format": _(
                "Dateityp nach EU-Vokabular, zum Beispiel CSV. Bei einer Datei leer lassen: "
                "dann gilt ihre Endung."
            ),
            "media_type": _("Nur bei einer externen Adresse nötig, zum Beispiel text/csv."),
            "licence": _("Leer lassen: es gilt die Lizenz des Datensatzes."),
            "provenance": _("Woher die Daten stammen und wie sie bearbeitet wurden."),
        }

    # The order in which the fields appear: the upload first.
    ORDER = (
        "title",
        "description",
        "upload",
        "access_url",
        "format",
        "media_type",
        "licence",
        "provenance",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].required = False
        self.order_fields(self.ORDER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        access_url = cleaned.get("access_url")
        has_file = bool(self.instance.file)
        if upload and access_url:
            raise forms.ValidationError(
                _("Laden Sie eine Datei hoch oder nennen Sie eine Adresse, nicht beides.")
            )
        if not upload and not access_url and not has_file:
            raise forms.ValidationError(
                _("Laden Sie eine Datei hoch oder nennen Sie eine Adresse.")
            )
        if has_file and not upload and not access_url and not cleaned.get("format"):
            # The file stays, and so does the format it was described with.
            cleaned["format"] = self.instance.format
        if access_url and not upload and not cleaned.get("format"):
            self.add_error("format", _("Nennen Sie das Format der Daten unter der Adresse."))
        if access_url and has_file and not upload:
            # A link replaces the file it had: the two never stand side by side.
            self.instance.file = None
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Öffentlicher Grund für das Zurückziehen"),
        max_length=300,
        help_text=_(
            "Er steht auf der Seite des Datensatzes, damit Nutzerinnen und Nutzer wissen, "
            "warum es ihn nicht mehr gibt."
        ),
    )
