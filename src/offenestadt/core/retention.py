"""The register of erasure rules: what each app deletes when the retention of a kind of
personal data ends, and the names of the platform's own processings those rules point to.

An app declares its rules in a ``retention`` module with :func:`retention_rule`, naming the
platform's own processing activity (one of the slugs below) and the category (by key) whose
retention applies. A rule gets the cut-off moment and erases whatever started before it,
returning how many records it deleted or anonymised. The register of processing activities
(the ``processing`` app) decides the periods, runs the rules, and checks at start-up that
every rule names an activity and category it has.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.module_loading import autodiscover_modules

# The platform's own processing activities, by their slug in the register.
ACCOUNTS = "plattform-konten"
CONTRIBUTIONS = "plattform-beitraege"
NOTIFICATIONS = "plattform-benachrichtigungen"
LOGS = "plattform-protokolle"
OPEN_DATA = "plattform-offene-daten"
BACKUPS = "plattform-sicherungen"


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
