"""How each kind of personal datum is recognised in a column: the detectors, as a table.

The value detectors take a column's sampled values and return a mask of the values that show a
kind (an e-mail address, a valid IBAN, a name from the lists). ``DETECTORS`` then says, for each
kind, how the masks, the share of matching values and the header's hints decide that a column
holds that kind, and the evidence it gives (``evidence.Evidence``). The scan runs the table in
order.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import polars as pl

from offenestadt.anonymize.evidence import Evidence
from offenestadt.anonymize.patterns import (
    ADDRESS,
    AGE,
    AGE_BAND,
    AMBIGUOUS_NAMES,
    COORD_PAIR,
    COUNTRY_VALUES,
    DATE_FORMATS,
    DECIMAL,
    EMAIL,
    IPV4,
    IPV6,
    MAC,
    MARITAL_VALUES,
    NAME_PARTICLES,
    PHONE_DIGITS,
    PHONE_FORMATTED,
    PHONE_INTL,
    PHONE_MOBILE,
    PLATE,
    POSTCODE,
    POSTCODE_CITY,
    SEX_VALUES,
    STREET_ONLY,
    TAX_NUMBER,
    TEXT_SEARCHES,
    TEXT_TOKENS,
    TIMESTAMP,
    WKT_POINT,
    first_names,
    surnames,
)
from offenestadt.anonymize.validators import (
    iban_is_valid,
    ip_address_is_valid,
    social_insurance_number_is_valid,
    tax_id_is_valid,
)


def mask(value: str) -> str:
    """A value with most characters replaced: enough to see its shape, not to read it."""
    out: list[str] = []
    for part in re.split(r"([^\w]+)", value):
        if not part or not part[0].isalnum():
            out.append(part)
            continue
        keep = 2 if len(part) > 8 else 1
        out.append(part[:keep] + "*" * (len(part) - keep))
    masked = " ".join("".join(out).split())
    return masked if len(masked) <= 40 else masked[:39] + "…"


def share_of(matches: pl.Series, count: int) -> float:
    return float(matches.sum()) / count if count else 0.0


# --- value detectors ---------------------------------------------------------------------------
# Each takes the sampled, stripped, non-empty values and returns a boolean mask.


def _mask_of(values: pl.Series, pattern: str) -> pl.Series:
    return values.str.contains(pattern)


def _validated(values: pl.Series, pattern: str, check: Callable[[str], bool]) -> pl.Series:
    candidates = values.str.contains(pattern)
    if not candidates.any():
        return candidates
    checked = {v: check(v) for v in values.filter(candidates).unique().to_list()}
    return pl.Series([bool(c) and checked[v] for v, c in zip(values, candidates, strict=True)])


def _compact(values: pl.Series) -> pl.Series:
    return values.str.replace_all(r"\s", "")


def detect_email(values: pl.Series) -> pl.Series:
    return _mask_of(values, EMAIL)


def detect_phone(values: pl.Series, *, digits_only: bool = False) -> pl.Series:
    """German phone numbers; bare digit strings with an area code only if ``digits_only``."""
    mask = (
        values.str.contains(PHONE_INTL)
        | values.str.contains(PHONE_FORMATTED)
        | values.str.contains(PHONE_MOBILE)
    )
    if digits_only:
        mask = mask | values.str.contains(PHONE_DIGITS)
    # The national number (without 0 or +49) has 6 to 12 digits.
    national = values.str.replace_all(r"\D", "").str.replace(r"^(0049|49|0)", "").str.len_chars()
    return mask & national.is_between(6, 12)


def detect_iban(values: pl.Series) -> pl.Series:
    return _validated(
        _compact(values).str.to_uppercase(), r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", iban_is_valid
    )


def detect_tax_id(values: pl.Series) -> pl.Series:
    return _validated(_compact(values), r"^[1-9]\d{10}$", tax_id_is_valid)


def detect_tax_number(values: pl.Series) -> pl.Series:
    return _mask_of(_compact(values), TAX_NUMBER)


def detect_social_insurance_number(values: pl.Series) -> pl.Series:
    return _validated(
        _compact(values).str.to_uppercase(), r"^\d{8}[A-Z]\d{3}$", social_insurance_number_is_valid
    )


def detect_ip_address(values: pl.Series) -> pl.Series:
    return _validated(values, f"{IPV4}|{IPV6}", ip_address_is_valid)


def detect_mac_address(values: pl.Series) -> pl.Series:
    return _mask_of(values, MAC)


def detect_vehicle_plate(values: pl.Series) -> pl.Series:
    # At most 8 letters and digits on a German plate.
    return values.str.contains(PLATE) & (values.str.replace_all(r"[- ]", "").str.len_chars() <= 9)


def detect_street_address(values: pl.Series) -> pl.Series:
    return values.str.contains(ADDRESS)


def _name_shaped(token: str) -> bool:
    """A capitalised word of letters, or several joined by hyphens ("Hans-Willi")."""
    for part in token.split("-"):
        rest = part[1:].replace("'", "").replace("\u2019", "")
        if not (part[:1].isupper() and rest.isalpha() and rest.islower()):
            return False
    return True


def _person_name(value: str) -> tuple[int, bool]:
    """(number of name-shaped words, 0 if any word is not; whether a word is a listed name)."""
    tokens = [
        t
        for t in re.split(r"[\s,]+", value)
        if t and "." not in t and t.casefold() not in NAME_PARTICLES
    ]
    if not 1 <= len(tokens) <= 4 or not all(map(_name_shaped, tokens)):
        return 0, False
    parts = [p.casefold() for t in tokens for p in t.split("-")]
    firsts, lasts = first_names(), surnames()
    if len(tokens) == 1 and parts[0] in AMBIGUOUS_NAMES:
        return 1, False
    return len(tokens), any(p in firsts or p in lasts for p in parts)


def detect_person_name(values: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Three masks: values shaped like names, of two or more such words, with a listed name."""
    candidates = values.str.contains(r"^[\p{L}][\p{L} .,'\u2019-]{1,60}$")
    results = {v: _person_name(v) for v in values.filter(candidates).unique().to_list()}
    looked_up = [results[v] if c else (0, False) for v, c in zip(values, candidates, strict=True)]
    return (
        pl.Series([words > 0 for words, _ in looked_up], dtype=pl.Boolean),
        pl.Series([words > 1 for words, _ in looked_up], dtype=pl.Boolean),
        pl.Series([listed for _, listed in looked_up], dtype=pl.Boolean),
    )


def parse_dates(values: pl.Series) -> pl.Series:
    """The values as dates where they are dates in a common format, else null."""
    parsed = pl.Series([None] * len(values), dtype=pl.Date)
    for pattern, fmt in DATE_FORMATS:
        match = values.str.contains(pattern)
        if match.any():
            dates = values.str.strptime(pl.Date, fmt, strict=False)
            parsed = parsed.fill_null(pl.select(pl.when(match).then(dates)).to_series())
    return parsed


def _text_name(text: str) -> bool:
    """A listed first name directly followed by a listed surname ("Anna Schmidt")."""
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", text)
    firsts, lasts = first_names(), surnames()
    for first, last in itertools.pairwise(words):
        if (
            first[0].isupper()
            and last[0].isupper()
            and first.casefold() in firsts
            and last.casefold() not in firsts
            and last.casefold() in lasts
        ):
            return True
    return False


def free_text_kinds(values: pl.Series) -> dict[str, pl.Series]:
    """For each kind of personal datum found inside the text values: which values hold it."""
    found: dict[str, pl.Series] = {}
    for kind, pattern in TEXT_SEARCHES:
        found[kind] = values.str.contains(pattern)
    for kind, pattern, check in TEXT_TOKENS:
        hits = values.str.extract_all(pattern).to_list()
        found[kind] = pl.Series(
            [bool(tokens) and any(map(check, tokens)) for tokens in hits], dtype=pl.Boolean
        )
    names = pl.Series([_text_name(v) for v in values.to_list()], dtype=pl.Boolean)
    found["person_name"] = found["person_name"] | names
    return {kind: mask for kind, mask in found.items() if mask.any()}


# --- the column and what is observed in it -------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """What a detector saw in a column: a kind with the values that show it, or only a remark."""

    kind: str | None  # None: a remark for the evidence, no kind found
    matches: pl.Series | None  # None: the header alone (or free text) vouches for the kind
    evidence: Evidence
    share: float = 0.0  # used when there are no matches to count


@dataclass
class Column:
    """One column under scan: its sampled values, its header's hints and what was found so far."""

    name: str
    values: pl.Series  # sampled, stripped, non-empty
    hints: set[str]
    kinds: list[tuple[str, float]] = field(default_factory=list)  # (kind, share)
    evidence: list[Evidence] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.values)

    @functools.cached_property
    def lowered(self) -> pl.Series:
        return self.values.str.to_lowercase()

    def found(self) -> set[str]:
        return {kind for kind, _ in self.kinds}

    def add(
        self, kind: str, matches: pl.Series | None, evidence: Evidence, share: float = 0.0
    ) -> None:
        if matches is not None:
            share = float(matches.sum()) / self.count
            examples = self.values.filter(matches).unique(maintain_order=True).head(20).to_list()
            self.examples[kind] = list(dict.fromkeys(map(mask, examples)))[:3]
        self.kinds.append((kind, share))
        self.evidence.append(evidence)

    def note(self, observation: Observation) -> None:
        if observation.kind is None:
            self.evidence.append(observation.evidence)
        else:
            self.add(observation.kind, observation.matches, observation.evidence, observation.share)


# A detector looks at a column for one kind (its key in the table) and reports what it saw.
Detector = Callable[[Column, str], Observation | None]


def formatted(detect: Callable[[pl.Series], pl.Series]) -> Detector:
    """A kind with a format: half of the values show it, or a fifth if the header names it."""

    def detector(col: Column, kind: str) -> Observation | None:
        return _share_shows(col, kind, detect(col.values))

    return detector


def _shows(col: Column, kind: str, share: float, *, header_agrees: bool = False) -> Evidence:
    """Evidence that a share of the column's values show a kind (``evidence.SHOWN``)."""
    return Evidence(
        "values-show-kind",
        {"kind": kind, "share": share, "values": col.count, "header_agrees": header_agrees},
    )


def _share_shows(col: Column, kind: str, matches: pl.Series) -> Observation | None:
    share = share_of(matches, col.count)
    threshold = 0.2 if kind in col.hints else 0.5
    if share >= threshold and matches.any():
        return Observation(kind, matches, _shows(col, kind, share, header_agrees=kind in col.hints))
    return None


def _phone(col: Column, kind: str) -> Observation | None:
    matches = detect_phone(col.values, digits_only="phone" in col.hints)
    return _share_shows(col, kind, matches)


def _person_names(col: Column, kind: str) -> Observation | None:
    """Names: a list of first names and surnames; the header may vouch for the unlisted."""
    values, hints, n = col.values, col.hints, col.count
    shaped, several, listed = detect_person_name(values)
    shaped_share, listed_share = share_of(shaped, n), share_of(listed, n)
    if hints & {"place", "occupation", "nationality", "street_address", "education"}:
        is_name = False  # "Fischer" in an occupation column, "Essen" in a place column
    elif "person_name" in hints:
        is_name = shaped_share >= 0.7 and listed_share >= 0.1
    else:
        # Lists cannot be complete: full names ("Bernadette Oderwald") need fewer listed words.
        is_name = listed_share >= 0.5 or (share_of(several, n) >= 0.8 and listed_share >= 0.3)
    if not is_name:
        return None
    return Observation(
        kind,
        shaped,
        Evidence(
            "names",
            {
                "listed_share": listed_share,
                "shaped_share": shaped_share,
                "values": n,
                "header_agrees": "person_name" in hints,
            },
        ),
    )


def _coordinates(col: Column, kind: str) -> Observation | None:
    """Pairs and WKT points always; single numbers only under a lat/lon header."""
    values, n = col.values, col.count
    pair = values.str.contains(COORD_PAIR) | values.str.contains(WKT_POINT)
    threshold = 0.2 if kind in col.hints else 0.5
    if share_of(pair, n) >= threshold:
        return Observation(
            kind, pair, Evidence("coordinate-pairs", {"share": share_of(pair, n), "values": n})
        )
    if "coordinates" not in col.hints:
        return None
    numbers = values.str.contains(DECIMAL)
    decimals = values.str.extract(r"[.,](\d+)$").str.len_chars().fill_null(0)
    exact = numbers & (decimals >= 4)
    if share_of(numbers, n) < 0.8:
        return None
    precise = share_of(exact, n) >= 0.5
    return Observation(
        kind,
        numbers,
        Evidence(
            "decimal-degrees-precise" if precise else "decimal-degrees-coarse",
            {"share": share_of(numbers, n), "values": n},
        ),
    )


def _dates(col: Column, kind: str) -> Observation | None:
    """Birth dates, or dates of another event in a person's life when the header names one."""
    values, hints, n = col.values, col.hints, col.count
    timestamps = values.str.contains(TIMESTAMP)
    if share_of(timestamps, n) >= 0.5:
        if "birth_date" in hints:
            return Observation("birth_date", timestamps, Evidence("birth-timestamps"))
        return None
    dates = parse_dates(values)
    share = share_of(dates.is_not_null(), n)
    this_year = dt.date.today().year  # noqa: DTZ011 - a calendar year is enough here
    if share >= 0.5:
        born = dates.dt.year().is_between(this_year - 120, this_year).fill_null(False)
        year_values = dates.dt.year().drop_nulls().to_list()
        spread = max(year_values) - min(year_values) if year_values else 0
        adults = share_of(dates.dt.year() <= this_year - 18, n)
        if "birth_date" in hints:
            return Observation(
                "birth_date",
                born,
                Evidence("birth-dates-header", {"share": share_of(born, n), "values": n}),
            )
        if share_of(born, n) >= 0.8 and spread >= 30 and adults >= 0.6:
            return Observation(
                "birth_date",
                born,
                Evidence("birth-dates-spread", {"share": share, "values": n, "years": spread}),
            )
        if "life_event_date" in hints:
            return Observation(
                "life_event_date",
                dates.is_not_null(),
                Evidence("life-event-dates", {"share": share, "values": n}),
            )
        return Observation(None, None, Evidence("dates-only", {"share": share, "values": n}))
    if "birth_date" not in hints:
        return None
    years = values.cast(pl.Int64, strict=False)
    born_years = years.is_between(this_year - 120, this_year).fill_null(False)
    if share_of(born_years, n) < 0.8:
        return None
    return Observation(
        "birth_date",
        born_years,
        Evidence("birth-years", {"share": share_of(born_years, n), "values": n}),
    )


def _sex(col: Column, kind: str) -> Observation | None:
    n = col.count
    distinct = col.lowered.n_unique()
    sex = col.lowered.is_in(list(SEX_VALUES))
    if (share_of(sex, n) >= 0.9 and distinct <= 6) or (
        "sex" in col.hints and share_of(sex, n) >= 0.5
    ):
        return Observation(
            kind,
            sex,
            Evidence("sex-codes", {"distinct": distinct})
            if share_of(sex, n) == 1
            else Evidence("sex-codes-share", {"share": share_of(sex, n)}),
        )
    if "sex" in col.hints:
        return Observation(kind, None, Evidence("header-names", {"kind": kind}))
    return None


def vocabulary(words: frozenset[str]) -> Detector:
    """A kind named by words: most values are such words, or a third if the header names it."""

    def detector(col: Column, kind: str) -> Observation | None:
        n = col.count
        matches = col.lowered.is_in(list(words))
        if share_of(matches, n) >= 0.8 or (kind in col.hints and share_of(matches, n) >= 0.3):
            return Observation(kind, matches, _shows(col, kind, share_of(matches, n)))
        return None

    return detector


def _age(col: Column, kind: str) -> Observation | None:
    """Ages and age bands, only under a header that names age (numbers alone say too little)."""
    if "age" not in col.hints:
        return None
    values, n = col.values, col.count
    numbers = values.str.contains(AGE)
    ages = values.cast(pl.Int64, strict=False)
    plausible = numbers & ages.is_between(0, 125).fill_null(False)
    bands = values.str.contains(AGE_BAND)
    if share_of(plausible | bands, n) < 0.8:
        return None
    return Observation(
        kind,
        plausible | bands,
        Evidence("ages", {"share": share_of(plausible | bands, n), "values": n}),
    )


def _postcode(col: Column, kind: str) -> Observation | None:
    values, n = col.values, col.count
    if "postcode" not in col.hints and share_of(values.str.contains(POSTCODE_CITY), n) < 0.5:
        return None
    codes = values.str.contains(POSTCODE) | values.str.contains(POSTCODE_CITY)
    if share_of(codes, n) < 0.5:
        return None
    return Observation(
        kind,
        codes,
        _shows(col, kind, share_of(codes, n), header_agrees="postcode" in col.hints),
    )


def _street(col: Column, kind: str) -> Observation | None:
    """A street without a house number, unless the column already holds full addresses."""
    street_only = col.values.str.contains(STREET_ONLY)
    if "street_address" in col.found() or share_of(street_only, col.count) < 0.5:
        return None
    return Observation(kind, street_only, _shows(col, kind, share_of(street_only, col.count)))


# Kind -> how its values are recognised, in the order the scan asks (the evidence follows it).
DETECTORS: Final[dict[str, Detector]] = {
    "email": formatted(detect_email),
    "iban": formatted(detect_iban),
    "tax_id": formatted(detect_tax_id),
    "social_insurance_number": formatted(detect_social_insurance_number),
    "ip_address": formatted(detect_ip_address),
    "mac_address": formatted(detect_mac_address),
    "vehicle_plate": formatted(detect_vehicle_plate),
    "tax_number": formatted(detect_tax_number),
    "phone": _phone,
    "street_address": formatted(detect_street_address),
    "person_name": _person_names,
    "coordinates": _coordinates,
    "birth_date": _dates,  # or a life-event date, or a remark that dates alone are no datum
    "sex": _sex,
    "marital_status": vocabulary(MARITAL_VALUES),
    "nationality": vocabulary(COUNTRY_VALUES),
    "age": _age,
    "postcode": _postcode,
    "street": _street,
}


def detect(col: Column) -> None:
    """Run every detector of the table on the column, recording what each one saw."""
    for kind, detector in DETECTORS.items():
        observation = detector(col, kind)
        if observation is not None:
            col.note(observation)
