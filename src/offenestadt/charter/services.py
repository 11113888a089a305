"""Adopting charter versions: from a document, or as an amendment of the version in force."""

import copy
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.charter.amendment import (
    CheckRebinding,
    NewPrinciple,
    principle_add,
    rebinding_apply,
    rebinding_check,
)
from offenestadt.charter.document import CharterFileError, parse_charter, problem_at, write_charter
from offenestadt.charter.engine import parameters_read
from offenestadt.charter.models import CharterVersion


@transaction.atomic
def charter_load(*, text: str, actor: Actor | None) -> tuple[CharterVersion, bool]:
    """Adopt the charter document ``text`` as a new version.

    Loading a version that is already stored with the same content changes nothing
    (returns it with ``False``); a number in use with other content, or a number or
    date that does not follow the newest version, is refused with the line to fix.
    """
    content = parse_charter(text)
    header = content["charter"]
    _check_fields(text, _version(content))
    existing = CharterVersion.objects.filter(number=header["version"]).first()
    if existing is not None:
        if existing.document == content:
            return existing, False
        raise CharterFileError(
            [
                problem_at(
                    text,
                    ("charter", "version"),
                    _(
                        "Version %s ist schon mit anderem Inhalt beschlossen; eine Änderung "
                        "braucht die nächste Versionsnummer."
                    )
                    % header["version"],
                )
            ]
        )
    newest = CharterVersion.objects.order_by("-number").first()
    if newest is not None:
        problems = []
        if header["version"] != newest.number + 1:
            problems.append(
                problem_at(
                    text,
                    ("charter", "version"),
                    _("Die nächste Version ist %s.") % (newest.number + 1),
                )
            )
        if date.fromisoformat(header["adopted_on"]) < newest.adopted_on:
            problems.append(
                problem_at(
                    text,
                    ("charter", "adopted_on"),
                    _("Das Datum liegt vor dem Beschluss der Version %(number)s (%(date)s).")
                    % {"number": newest.number, "date": newest.adopted_on.isoformat()},
                )
            )
        if problems:
            raise CharterFileError(problems)
    return _adopt(content, actor), True


@transaction.atomic
def charter_amend(
    *,
    base: CharterVersion,
    actor: Actor | None,
    adopted_on: date,
    council_decision: str,
    parameters: dict[str, Any] | None = None,
    principles: dict[str, dict[str, str]] | None = None,
    new_principles: Sequence[NewPrinciple] = (),
    rebindings: Sequence[CheckRebinding] = (),
) -> CharterVersion:
    """Adopt a new version that differs from ``base``, numbered after the newest, by:

    * ``new_principles``: principles added after the others, binding no check yet;
    * ``rebindings``: checks bound to a principle or released from one, with their
      parameter values (see :mod:`offenestadt.charter.amendment`);
    * ``parameters``: values set wherever ``base`` sets them (in each principle, or the
      procedures; else in the principles that bind a check reading them);
    * ``principles``: principle descriptions (``{"P3": {"de": …, "en": …}}``);

    in this order, so a check may be bound to a principle the same amendment adds. A change
    the charter cannot take, or that changes nothing, is refused with a ValidationError that
    says what to fix; nothing is written then.
    """
    content = copy.deepcopy(base.document)
    number = (CharterVersion.objects.aggregate(Max("number"))["number__max"] or 0) + 1
    content["charter"] |= {
        "version": number,
        "adopted_on": adopted_on.isoformat(),
        "council_decision": council_decision,
    }
    for principle in new_principles:
        principle_add(content, principle)
    for rebinding in rebindings:
        rebinding_check(content, rebinding)
        rebinding_apply(content, rebinding)
    for key, value in (parameters or {}).items():
        parameter_set(content, key, value)
    for principle_id, description in (principles or {}).items():
        (item,) = [item for item in content["principles"] if item["id"] == principle_id]
        item["description"] = dict(description)
    # Through the document, so an amendment obeys exactly the rules of a loaded file.
    version, _ = charter_load(text=write_charter(content), actor=actor)
    return version


def parameter_set(content: dict[str, Any], key: str, value: Any) -> None:
    """Set a parameter in content of today's format: wherever it is set already (principles,
    procedures), else in each principle binding a check that reads it, else the procedures."""
    places = [content["procedures"]] + [p["parameters"] for p in content["principles"]]
    setting = [values for values in places if key in values]
    if not setting:
        reads = parameters_read()
        setting = [
            principle["parameters"]
            for principle in content["principles"]
            if any(key in reads.get(check, set()) for check in principle["checks"])
        ] or [content["procedures"]]
    for values in setting:
        values[key] = value


def _version(content: dict[str, Any]) -> CharterVersion:
    header = content["charter"]
    return CharterVersion(
        number=header["version"],
        title=header["title"],
        city=header["city"],
        adopted_on=date.fromisoformat(header["adopted_on"]),
        council_decision=header["council_decision"],
        content=content,
    )


# The document's name of each stored field.
DOCUMENT_FIELDS = {
    "number": "version",
    "title": "title",
    "city": "city",
    "council_decision": "council_decision",
}


def _check_fields(text: str, version: CharterVersion) -> None:
    """What the register can store (lengths, the range of the version number), checked before
    anything is looked up or written, with the document's line for each problem."""
    try:
        version.clean_fields(exclude=["content", "adopted_on"])
    except ValidationError as error:
        raise CharterFileError(
            [
                problem_at(text, ("charter", DOCUMENT_FIELDS.get(field, field)), message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        ) from None


def _adopt(content: dict[str, Any], actor: Actor | None) -> CharterVersion:
    version = _version(content)
    save_record(record=version, actor=actor, event=AuditEvent.ADOPTED)
    return version
