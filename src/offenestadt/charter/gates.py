"""The charter's gates: which findings hold a record back, and the one refusal every gate raises.

A gate stands before a step in a record's life (a project's decision, a contract's
deliberation, a dataset's publication). Each app's ``compliance`` module holds its gates;
they refuse with :class:`GateRefusedError`, which pages and services treat alike.
"""

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.dispatch import Signal

from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.models import CharterVersion

# Findings with these statuses hold a record back at a gate (where the charter says so).
BLOCKING = frozenset({Status.VIOLATED, Status.MISSING})


def gate_blockers(findings: list[Finding], charter: CharterVersion) -> list[Finding]:
    """The findings that hold a record back: violated or unproven, under a gating principle."""
    gating = {principle.id for principle in charter.principles() if principle.gate}
    return [f for f in findings if f.status in BLOCKING and f.principle in gating]


class Problem(str):
    """A plain sentence of what holds a step back, with the address of the form that fixes it
    (``fix_url``, empty when only time or someone else can)."""

    fix_url: str

    def __new__(cls, text: str, fix_url: str = "") -> "Problem":
        problem = super().__new__(cls, text)
        problem.fix_url = fix_url
        return problem


class GateRefusedError(ValidationError):
    """A record may not pass a gate yet.

    ``problems`` say in plain sentences what is missing; ``findings`` are the charter's
    findings that hold the record back, each with where to fix it. As a ValidationError its
    ``messages`` list both, a finding as "P3: …", for a form or a list of reasons.
    """

    def __init__(self, problems: Iterable[str] = (), findings: Iterable[Finding] = ()) -> None:
        self.problems = list(problems)
        self.findings = list(findings)
        reasons = [f"{finding.principle}: {finding.message}" for finding in self.findings]
        super().__init__([*self.problems, *reasons])

    def __str__(self) -> str:
        return "; ".join(self.messages)


# Sent with ``record``, ``actor`` and ``refusal`` when a gate refused a step, after the
# step's transaction was rolled back: what a receiver writes (a notice queued for the
# worker) stays. Apps above charter subscribe in their AppConfig.ready.
gate_refused = Signal()


def announces_refusal[**P, R](record: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """For a service that takes the keyword argument ``record`` through a gate: a refusal
    is announced with ``gate_refused`` (and raised on). Put it outside ``transaction.atomic``.
    """

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def announced(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return service(*args, **kwargs)
            except GateRefusedError as refusal:
                named: dict[str, Any] = kwargs
                gate_refused.send(
                    sender=GateRefusedError,
                    record=named[record],
                    actor=named["actor"],
                    refusal=refusal,
                )
                raise

        return announced

    return decorate
