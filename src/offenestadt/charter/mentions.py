"""Findings as one viewer may see them: records that were not public when the charter engine
named them are kept as kind and id (see :func:`offenestadt.charter.engine.mention`); here each
placeholder becomes the record's name for those who may see it, and its kind for everyone else.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.charter.engine import Finding
from offenestadt.charter.models import Localised
from offenestadt.charter.rules import can_see_names_of_internal_records

PLACEHOLDER = re.compile(r"⟦([a-z0-9_]+\.[a-z0-9_]+)#(\d+)⟧")

type Records = dict[tuple[str, int], models.Model | None]


def _records(texts: Iterable[str]) -> Records:
    """The records the texts name, one query per kind; ``None`` for one that is gone."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for text in texts:
        for label, pk in PLACEHOLDER.findall(text):
            wanted[label].add(int(pk))
    found: Records = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            model = None
        stored = model._default_manager.in_bulk(pks) if model is not None else {}
        found.update({(label, pk): stored.get(pk) for pk in pks})
    return found


def _name(label: str, pk: int, records: Records, viewer: Actor) -> str:
    record = records.get((label, pk))
    if record is None:
        return _("ein gelöschter Eintrag")
    if record.is_public_record():  # type: ignore[attr-defined]
        return str(record)
    if can_see_names_of_internal_records(viewer):
        return _("%(name)s (nicht öffentlich)") % {"name": record}
    return _("%(kind)s (nicht öffentlich)") % {"kind": record._meta.verbose_name}


def _filled(text: str, language: str, records: Records, viewer: Actor) -> str:
    if "⟦" not in text:
        return text
    with translation.override(language):
        return PLACEHOLDER.sub(lambda match: _name(match[1], int(match[2]), records, viewer), text)


class Mentions:
    """The records a set of findings names, fetched at once, to show them to one viewer."""

    def __init__(self, viewer: Actor, texts: Iterable[str]) -> None:
        self.viewer = viewer
        self.records = _records(texts)

    @classmethod
    def of(
        cls,
        viewer: Actor,
        findings: Iterable[Finding] = (),
        stored: Iterable[dict[str, Any]] = (),
    ) -> "Mentions":
        """For findings as the engine gives them and as they are kept (dictionaries)."""
        texts = [text for f in findings for text in (f.message.de, f.message.en)]
        texts += [text for data in stored for text in data["message"].values()]
        return cls(viewer, texts)

    def finding(self, finding: Finding) -> Finding:
        message = Localised(
            de=_filled(finding.message.de, "de", self.records, self.viewer),
            en=_filled(finding.message.en, "en", self.records, self.viewer),
        )
        return replace(finding, message=message)

    def findings(self, findings: Iterable[Finding]) -> list[Finding]:
        return [self.finding(finding) for finding in findings]

    def stored(self, stored: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.finding(Finding.from_dict(data)).as_dict() for data in stored]


def findings_shown_to(viewer: Actor, findings: list[Finding]) -> list[Finding]:
    """The findings with every record named as ``viewer`` may see it."""
    return Mentions.of(viewer, findings).findings(findings)
