"""A record's findings arranged by principle, as its page shows them (text and icon)."""

from dataclasses import dataclass

from offenestadt.charter.engine import Finding, Status, principle_statuses
from offenestadt.charter.models import CharterVersion, Principle

# Shown beside the status text, never instead of it (and never colour alone).
ICONS = {
    Status.MET: "✓",
    Status.VIOLATED: "✗",
    Status.MISSING: "?",
    Status.NOT_APPLICABLE: "–",
}


@dataclass(frozen=True)
class PrincipleRow:
    principle: Principle
    status: Status | None
    findings: list[Finding]

    @property
    def icon(self) -> str:
        return ICONS[self.status] if self.status else ""


@dataclass(frozen=True)
class Scorecard:
    charter: CharterVersion | None
    rows: list[PrincipleRow]

    @classmethod
    def build(cls, findings: list[Finding], charter: CharterVersion | None) -> "Scorecard":
        if charter is None:
            return cls(None, [])
        statuses = principle_statuses(findings)
        return cls(
            charter,
            [
                PrincipleRow(
                    principle,
                    statuses.get(principle.id),
                    [f for f in findings if f.principle == principle.id],
                )
                for principle in charter.principles()
            ],
        )

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)
