"""The register's staff forms: an entry by hand, or from a publiccode.yml."""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from offenestadt.core.forms import DATE_INPUT
from offenestadt.core.uploads import UploadField
from offenestadt.software.models import Component
from offenestadt.software.publiccode import MAX_BYTES


class LinesField(forms.CharField):
    """A list of short texts, one a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class ComponentForm(forms.ModelForm[Component]):
    open_standards = LinesField(
        label=_("Offene Standards"),
        required=False,
        help_text=_("Einer pro Zeile, z. B. OGC SensorThings API, GeoJSON, DATEX II."),
    )
    platforms = LinesField(
        label=_("Plattformen"), required=False, help_text=_("Eine pro Zeile, z. B. web, linux.")
    )
    languages = LinesField(
        label=_("Sprachen"), required=False, help_text=_("Sprachkürzel, eines pro Zeile: de, en.")
    )

    class Meta:
        model = Component
        fields = (
            "name",
            "short_description",
            "description",
            "licence",
            "repository_url",
            "publicly_funded",
            "open_standards",
            "hosting",
            "maintenance",
            "maintainer",
            "maintained_until",
            "development_status",
            "software_type",
            "software_version",
            "release_date",
            "platforms",
            "languages",
        )
        widgets: ClassVar = {"maintained_until": DATE_INPUT, "release_date": DATE_INPUT}


def _small_enough(file: Any) -> None:
    if file is not None and file.size > MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist größer als %(size)d KB; eine publiccode.yml ist viel kleiner."),
            params={"size": MAX_BYTES // 1024},
        )


class PubliccodeImportForm(forms.Form):
    text = forms.CharField(
        label=_("publiccode.yml einfügen"),
        required=False,
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )
    file = UploadField(
        label=_("oder als Datei hochladen"), required=False, validators=[_small_enough]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A publiccode.yml's own limit, far below every upload's: the one that applies here.
        self.fields["file"].help_text = _("Höchstens 64 KB.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("text") and not cleaned.get("file") and not self.errors:
            raise ValidationError(_("Fügen Sie eine publiccode.yml ein oder laden Sie eine hoch."))
        return cleaned

    def document_text(self) -> str | bytes:
        file = self.cleaned_data.get("file")
        if file:
            data: bytes = file.read(MAX_BYTES + 1)
            return data
        text: str = self.cleaned_data["text"]
        return text
