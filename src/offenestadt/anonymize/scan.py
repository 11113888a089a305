"""Find personal data in a table and suggest a role for each column, with the evidence.

The scanner looks at a sample of each column's values and at its header. Formats with a check
digit (IBAN, tax ID, pension insurance number) are validated, so a column of random numbers is
not mistaken for one. The result is a suggestion for a person to confirm, not a decision:

* direct identifier: names, e-mail, phone, IBAN, tax and insurance numbers, IP/MAC addresses,
  number plates, street addresses, person IDs, free text that contains any of these — removed;
* quasi-identifier: age, sex, birth date, postcode, place, coordinates, nationality, occupation,
  marital status, education — generalised;
* sensitive: health, religion, income and other special categories — protected by l-diversity
  or t-closeness;
* other.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import polars as pl

from offenestadt.anonymize.detection import Column, detect, free_text_kinds, share_of
from offenestadt.anonymize.evidence import Evidence
from offenestadt.anonymize.patterns import HEADER_ONLY_KINDS, header_kinds

SAMPLE_ROWS: Final = 10_000


class Role(StrEnum):
    DIRECT = "direct identifier"
    QUASI = "quasi-identifier"
    SENSITIVE = "sensitive"
    OTHER = "other"


# kind -> (role, readable label)
KINDS: Final[dict[str, tuple[Role, str]]] = {
    "person_name": (Role.DIRECT, "person name"),
    "email": (Role.DIRECT, "e-mail address"),
    "phone": (Role.DIRECT, "phone number"),
    "iban": (Role.DIRECT, "IBAN"),
    "tax_id": (Role.DIRECT, "tax ID (Steuer-ID)"),
    "tax_number": (Role.DIRECT, "tax number (Steuernummer)"),
    "social_insurance_number": (Role.DIRECT, "pension insurance number"),
    "ip_address": (Role.DIRECT, "IP address"),
    "mac_address": (Role.DIRECT, "MAC address"),
    "vehicle_plate": (Role.DIRECT, "vehicle registration plate"),
    "street_address": (Role.DIRECT, "street address"),
    "person_id": (Role.DIRECT, "person or case number"),
    "record_id": (Role.DIRECT, "unique record ID"),
    "free_text": (Role.DIRECT, "free text with personal data"),
    "birth_date": (Role.QUASI, "birth date"),
    "coordinates": (Role.QUASI, "coordinates"),
    "age": (Role.QUASI, "age"),
    "sex": (Role.QUASI, "sex/gender"),
    "postcode": (Role.QUASI, "postcode"),
    "place": (Role.QUASI, "place or district"),
    "street": (Role.QUASI, "street (no house number)"),
    "nationality": (Role.QUASI, "nationality or origin"),
    "occupation": (Role.QUASI, "occupation or employment"),
    "marital_status": (Role.QUASI, "marital status"),
    "education": (Role.QUASI, "education"),
    "ethnicity": (Role.QUASI, "ethnicity (special category)"),
    "life_event_date": (Role.QUASI, "date of a life event"),
    "special_category": (Role.SENSITIVE, "special category (health, religion, …)"),
    "income": (Role.SENSITIVE, "income or financial situation"),
}
ROLE_ORDER: Final = (Role.DIRECT, Role.SENSITIVE, Role.QUASI, Role.OTHER)


@dataclass(frozen=True)
class ColumnFinding:
    """The scanner's suggestion for one column."""

    column: str
    role: Role
    kinds: tuple[str, ...]  # keys of KINDS, strongest first
    share: float  # share of the sampled values that show the first kind (0.0: header only)
    evidence: tuple[Evidence, ...]  # one per observation
    examples: tuple[str, ...] = ()  # masked values that matched
    values: int = 0  # non-empty values looked at
    distinct: int = 0

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(KINDS[kind][1] for kind in self.kinds)

    def as_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "role": str(self.role),
            "kinds": list(self.kinds),
            "share": round(self.share, 4),
            "evidence": [evidence.as_dict() for evidence in self.evidence],
            "examples": list(self.examples),
            "values": self.values,
            "distinct": self.distinct,
        }


def _is_text(values: pl.Series) -> bool:
    """Sentences rather than codes: a tenth of the values has three words or 30 characters."""
    long = (values.str.count_matches(r"\S+") >= 3) | (values.str.len_chars() >= 30)
    return share_of(long, len(values)) >= 0.1


def _check_text(col: Column) -> None:
    """Free text: look for personal data inside the values."""
    values, n = col.values, col.count
    found = free_text_kinds(values)
    if not found:
        col.evidence.append(Evidence("free-text-clean", {"values": n}))
        return
    masks = list(found.values())
    union = functools.reduce(lambda a, b: a | b, masks)
    counts = {kind: int(m.sum()) for kind, m in found.items()}
    col.add(
        "free_text",
        None,
        Evidence("free-text-personal", {"matched": int(union.sum()), "values": n, "found": counts}),
        share=share_of(union, n),
    )
    col.examples["free_text"] = [f"[{KINDS[kind][1]}]" for kind in found]


def column_finding(column: str, raw: pl.Series) -> ColumnFinding:
    """The suggestion for one column, from its header and its sampled values."""
    hints = header_kinds(column)
    values = raw.cast(pl.String).str.strip_chars().drop_nulls()
    values = values.filter(values.str.len_chars() > 0)
    if len(values) == 0:
        return ColumnFinding(column, Role.OTHER, (), 0.0, (Evidence("no-values"),))
    col = Column(column, values, hints)
    distinct = values.n_unique()
    unique_share = distinct / len(values)
    detect(col)
    direct = {kind for kind, (role, _) in KINDS.items() if role is Role.DIRECT}
    if not col.found() & direct and _is_text(values):
        _check_text(col)

    found = col.found()
    if "person_id" in hints and not found & direct:
        col.add("person_id", None, Evidence("header-person-id"))
    elif "record_id" in hints and not found and unique_share == 1.0 and len(values) >= 10:
        col.add("record_id", None, Evidence("unique-id", {"values": len(values)}))
    for kind in sorted(hints & HEADER_ONLY_KINDS - {"person_id"} - found):
        if kind == "street_address" and found & {"street", "postcode", "free_text", "place"}:
            continue
        col.add(kind, None, Evidence("header-names", {"kind": kind}))
    if not col.kinds:
        col.evidence.append(Evidence("nothing-found", {"distinct": distinct}))

    ordered = sorted(col.kinds, key=lambda ks: (ROLE_ORDER.index(KINDS[ks[0]][0]), -ks[1]))
    kinds = tuple(dict.fromkeys(kind for kind, _ in ordered))
    role = KINDS[kinds[0]][0] if kinds else Role.OTHER
    share = ordered[0][1] if ordered else 0.0
    examples = tuple(col.examples.get(kinds[0], ())) if kinds else ()
    return ColumnFinding(
        column, role, kinds, share, tuple(col.evidence), examples, len(values), distinct
    )


def sample(frame: pl.DataFrame | pl.LazyFrame, rows: int) -> tuple[pl.DataFrame, int]:
    """Up to ``rows`` records spread over the table (fixed seed), and the table's row count."""
    if isinstance(frame, pl.LazyFrame):
        total = int(frame.select(pl.len()).collect().item())
        step = max(1, total // rows) if rows else 1
        return frame.gather_every(step).head(rows).collect(), total
    if frame.height > rows:
        return frame.sample(rows, seed=0), frame.height
    return frame, frame.height


def scan(
    frame: pl.DataFrame | pl.LazyFrame, *, sample_rows: int = SAMPLE_ROWS
) -> list[ColumnFinding]:
    """One finding per column, in the table's order."""
    data, _ = sample(frame, sample_rows)
    return [column_finding(name, data[name]) for name in data.columns]
