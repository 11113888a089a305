"""The compliance engine: the checks a charter's principles bind give a record's findings.
It only reads.

Each domain app declares its checks in a ``compliance`` module with the :func:`rule`
decorator, naming no principle; a check returns an :class:`Outcome` for one record under one
charter version, and counts toward each principle of that version that binds it.
The gates (:mod:`offenestadt.charter.gates`) refuse a step while findings of gating
principles are violated or unproven.
"""

from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.models import CharterVersion, Localised
from offenestadt.charter.parameters import ParameterDeclaration, bound


class Status(models.TextChoices):
    MET = "met", _("erfüllt")
    VIOLATED = "violated", _("verletzt")
    MISSING = "missing", _("Nachweis fehlt")
    NOT_APPLICABLE = "not_applicable", _("nicht anwendbar")


@dataclass(frozen=True)
class Outcome:
    status: Status
    # German source text (gettext_lazy) with %(name)s placeholders filled from ``values``.
    message: Promise
    values: dict[str, Any] = field(default_factory=dict)
    # Where to fix it: the form that does (a full path), or an anchor of the record's page;
    # empty when nothing is to be done but wait (no "beheben" link then).
    fix: str = ""


@dataclass(frozen=True)
class Day:
    """A day in a finding's message, written as each language of the finding writes dates."""

    day: date

    def __str__(self) -> str:
        return formats.date_format(self.day, "DATE_FORMAT")


@dataclass(frozen=True)
class Finding:
    principle: str
    rule: str
    status: Status
    message: Localised
    fix_url: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"status": str(self.status)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        return cls(
            principle=data["principle"],
            rule=data["rule"],
            status=Status(data["status"]),
            message=Localised(**data["message"]),
            fix_url=data["fix_url"],
        )


@dataclass(frozen=True)
class Rule:
    """A registered check: its entry in the catalogue (:mod:`offenestadt.charter.catalogue`).
    Which principle it counts toward is the charter's to say (a principle's ``checks``)."""

    subject: type[models.Model]
    # Stable across versions: charters and stored findings name the check by it.
    id: str
    check: Callable[[Any, CharterVersion], Outcome]
    # What the check asks of a record (German source text, translated).
    description: Promise
    # The charter's parameters the check reads, declared in charter.parameters.
    parameters: tuple[ParameterDeclaration[Any], ...] = ()
    # Whether its violated or unproven findings can hold its record back at a gate of the
    # record's own (under a gating principle); False for a record without gates, whose
    # findings count through a check over the project instead.
    gates: bool = True
    # For a check over a project that counts its linked records' findings: the checks of
    # those records it counts (as the charter binds them).
    counts: tuple[str, ...] = ()


_RULES: dict[str, Rule] = {}

type Check = Callable[[Any, CharterVersion], Outcome]


def rule(
    subject: type[models.Model],
    rule_id: str,
    *,
    description: Promise,
    parameters: tuple[ParameterDeclaration[Any], ...] = (),
    gates: bool = True,
    counts: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Register the check ``rule_id`` over records of ``subject``, with what it asks
    (``description``), the charter ``parameters`` it reads, whether it can gate, and the
    checks of linked records whose findings it ``counts``."""

    def register(check: Check) -> Check:
        if rule_id in _RULES:
            raise ValueError(f"a check {rule_id!r} is registered already")
        _RULES[rule_id] = Rule(subject, rule_id, check, description, parameters, gates, counts)
        return check

    return register


def registered_rules() -> list[Rule]:
    """Every registered check, in the order the apps registered them."""
    return list(_RULES.values())


def registered_rule(rule_id: str) -> Rule | None:
    return _RULES.get(rule_id)


def rules_for(subject: type[models.Model]) -> list[Rule]:
    return [r for r in _RULES.values() if r.subject is subject]


def parameters_read() -> dict[str, set[str]]:
    """The keys of the parameters each check reads, by check id."""
    return {r.id: {declaration.key for declaration in r.parameters} for r in _RULES.values()}


def mention(record: models.Model) -> str:
    """How a finding names a record: a public one by its name; any other by kind and id only,
    as a placeholder that :mod:`offenestadt.charter.mentions` fills in for each viewer, so that
    no stored finding keeps the title of a record that was not public."""
    if record.is_public_record():  # type: ignore[attr-defined]
        return str(record)
    return f"⟦{record._meta.label_lower}#{record.pk}⟧"


def _value(value: Any) -> Any:
    """A message value as text: records (alone or in a list) through :func:`mention`."""
    if isinstance(value, models.Model):
        return mention(value)
    if isinstance(value, list | tuple) and value and isinstance(value[0], models.Model):
        return ", ".join(mention(record) for record in value)
    return value


def _localised(message: Promise, values: dict[str, Any]) -> Localised:
    named = {key: _value(value) for key, value in values.items()}
    texts = {}
    for language in ("de", "en"):
        with translation.override(language):
            texts[language] = str(message) % named if named else str(message)
    return Localised(**texts)


def evaluate(record: Any, charter: CharterVersion) -> list[Finding]:
    """Every finding for ``record`` under ``charter``: one for each binding of a check over
    records of its kind, in the order of the principles (then by check id). Each check runs
    with the parameter values its binding sets; a check no principle binds is not run."""
    findings = []
    subject = type(record)
    for principle in charter.principles():
        for check_id in sorted(principle.checks):
            registered = _RULES.get(check_id)
            if registered is None or registered.subject is not subject:
                continue
            with bound(principle.parameters):
                outcome = registered.check(record, charter)
            fix = outcome.fix
            if fix and not fix.startswith("/"):
                fix = record.get_absolute_url() + fix
            findings.append(
                Finding(
                    principle=principle.id,
                    rule=registered.id,
                    status=outcome.status,
                    message=_localised(outcome.message, outcome.values),
                    fix_url=fix,
                )
            )
    return findings


# From worst to best: a principle is as good as its worst applicable rule.
SEVERITY = (Status.VIOLATED, Status.MISSING, Status.MET, Status.NOT_APPLICABLE)


def principle_statuses(findings: list[Finding]) -> dict[str, Status]:
    """Each principle's overall status: the worst status among its findings."""
    statuses: dict[str, Status] = {}
    for finding in findings:
        known = statuses.get(finding.principle)
        if known is None or SEVERITY.index(finding.status) < SEVERITY.index(known):
            statuses[finding.principle] = finding.status
    return statuses


def worst_finding(findings: list[Finding], checks: Collection[str]) -> Finding | None:
    """The worst applicable finding of the ``checks`` (None when none applies)."""
    applicable = [
        finding
        for finding in findings
        if finding.rule in checks and finding.status != Status.NOT_APPLICABLE
    ]
    return min(applicable, key=lambda f: SEVERITY.index(f.status), default=None)


def linked_fix(record: models.Model, counting: str, finding: Finding) -> str:
    """Where a project's finding taken from a linked record is fixed: the record's own form.
    The address of a record that is not public may carry its title (a slug), so a kept
    finding holds the way to it instead (by the ``counting`` check), found when followed."""
    if record.is_public_record():  # type: ignore[attr-defined]
        return finding.fix_url
    return reverse("charter:linked_fix", args=[record._meta.label_lower, record.pk, counting])


def worst_of_linked(
    records: list[Any],
    charter: CharterVersion,
    counting: str,
    *,
    met: Promise,
    none: Promise,
) -> Outcome:
    """The outcome of the check ``counting`` over a project from the findings of its linked
    records of the checks it counts (``Rule.counts``), as the charter binds them: the worst
    of them, naming the record, fixed where the record's own finding is fixed; ``met`` when
    all are met, ``none`` when none apply.
    Of a record that is not public only its kind and status are told: its own findings may
    name what it holds (passages, vendors, categories).
    """
    checks = _RULES[counting].counts
    findings = [
        (record, worst)
        for record in records
        if (worst := worst_finding(evaluate(record, charter), checks)) is not None
    ]
    if not findings:
        return Outcome(Status.NOT_APPLICABLE, none)
    record, worst = min(findings, key=lambda pair: SEVERITY.index(pair[1].status))
    if worst.status == Status.MET:
        return Outcome(Status.MET, met)
    fix = linked_fix(record, counting, worst)
    if not record.is_public_record():
        return Outcome(
            worst.status,
            _("%(record)s: %(status)s."),
            {"record": record, "status": worst.status.label},
            fix=fix,
        )
    return Outcome(
        worst.status,
        _("%(record)s „%(title)s“: %(finding)s"),
        {
            "record": record._meta.verbose_name,
            "title": str(record),
            "finding": str(worst.message),
        },
        fix=fix,
    )
