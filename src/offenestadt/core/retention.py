"""The register of erasure rules: what each app deletes when the retention of a kind of
personal data ends, and the names of the platform's own processings those rules point to.

An app declares its rules in a ``retention`` module with :func:`retention_rule`, naming the
platform's own processing activity (one of the slugs below) and the category (by key) whose
retention applies. A rule gets the cut-off moment and erases whatever started before it,
returning how many records it deleted or anonymised. The register of processing activities
(the ``processing`` app) decides the periods, runs the rules, and checks at start-up that
every rule names an activity and category it has.

An app that tells people how long something is kept (the publication pipeline shows when a
raw upload goes) asks :func:`retention_period`, which the register answers once it has started.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils.module_loading import autodiscover_modules

# The platform's own processing activities, by their slug in the register.
ACCOUNTS = "plattform-konten"
CONTRIBUTIONS = "plattform-beitraege"
NOTIFICATIONS = "plattform-benachrichtigungen"
LOGS = "plattform-protokolle"
OPEN_DATA = "plattform-offene-daten"
BACKUPS = "plattform-sicherungen"
ACCESSIBILITY_FEEDBACK = "plattform-rueckmeldungen-barrierefreiheit"
TRAINING = "plattform-schulungen"


@dataclass(frozen=True)
class RetentionRule:
    activity: str
    category: str
    erase: Callable[[datetime], int]

    @property
    def key(self) -> str:
        return f"{self.activity}/{self.category}"


_RULES: list[RetentionRule] = []


def retention_rule(
    *, activity: str, category: str
) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    """Register ``erase(cutoff) -> count`` for the category ``category`` of ``activity``."""

    def register(erase: Callable[[datetime], int]) -> Callable[[datetime], int]:
        _RULES.append(RetentionRule(activity, category, erase))
        return erase

    return register


def retention_rules() -> list[RetentionRule]:
    autodiscover_modules("retention")
    return list(_RULES)


class RetentionPeriod(Protocol):
    """What the register says about the retention of one category of personal data."""

    @property
    def has_retention(self) -> bool:
        """Whether the retention is limited (else nothing is erased on schedule)."""
        ...

    @property
    def retention_text(self) -> str:
        """The period for people, e.g. "30 Tage ab dem Hochladen"."""
        ...

    def retention_ends(self, started: datetime) -> datetime:
        """When data whose retention started at ``started`` must be gone."""
        ...


_period_source: list[Callable[[str, str], RetentionPeriod | None]] = []


def retention_period_source(source: Callable[[str, str], RetentionPeriod | None]) -> None:
    """Where :func:`retention_period` looks periods up: the register sets it when it starts."""
    _period_source[:] = [source]


def retention_period(*, activity: str, category: str) -> RetentionPeriod | None:
    """The register's retention of ``category`` of the platform's ``activity``; None while the
    register does not have that category."""
    if not _period_source:
        raise RuntimeError("The register of processing activities has not started.")
    return _period_source[0](activity, category)
