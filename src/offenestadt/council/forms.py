"""The field with which a record names the council papers it is about."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from offenestadt.council.models import Paper
from offenestadt.council.selectors import papers_matching


class CouncilPapersField(forms.CharField):
    """One paper a line, by its reference number (or a part of its title that names only it);
    cleaned to the papers, with a German error naming each line that finds none or several."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Ratsvorlagen"))
        kwargs.setdefault(
            "help_text",
            _(
                "Je Zeile das Aktenzeichen einer Vorlage aus dem Ratsinformationssystem "
                "(oder ein Teil ihres Titels). Ihre Sitzung zählt dann für die Fristen der "
                "Charta."
            ),
        )
        super().__init__(required=False, widget=forms.Textarea(attrs={"rows": 2}), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Iterable) and not isinstance(value, str):
            # In a stable order (by reference number), whatever order the database gives.
            shown = sorted(paper.reference or paper.name for paper in value)
            return "\n".join(shown)
        return value

    def clean(self, value: Any) -> list[Paper]:
        text = super().clean(value)
        papers: list[Paper] = []
        errors = []
        for line in (line.strip() for line in text.splitlines()):
            if not line:
                continue
            found = papers_matching(line)
            if not found:
                errors.append(
                    _("Keine Ratsvorlage mit dem Aktenzeichen oder Titel „%(query)s“.")
                    % {"query": line}
                )
            elif len(found) > 1:
                errors.append(
                    _(
                        "„%(query)s“ passt auf mehrere Ratsvorlagen (%(references)s); geben "
                        "Sie das Aktenzeichen an."
                    )
                    % {
                        "query": line,
                        "references": ", ".join(p.reference or p.name for p in found[:5]),
                    }
                )
            elif found[0] not in papers:
                papers.append(found[0])
        if errors:
            raise ValidationError(errors)
        return papers
