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

import argparse
import datetime as dt
import functools
import ipaddress
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Final

import polars as pl

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
    evidence: tuple[str, ...]  # one sentence per observation
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
            "evidence": list(self.evidence),
            "examples": list(self.examples),
            "values": self.values,
            "distinct": self.distinct,
        }


# --- validators (public: they are tested on their own) ---------------------------------------

IBAN_LENGTHS: Final = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
    "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}  # fmt: skip
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def iban_is_valid(text: str) -> bool:
    """An IBAN (spaces allowed) whose length fits its country and whose mod-97 check holds."""
    iban = text.replace(" ", "").upper()
    if not _IBAN_SHAPE.fullmatch(iban):
        return False
    if IBAN_LENGTHS.get(iban[:2], len(iban)) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def tax_id_is_valid(text: str) -> bool:
    """A German tax identification number (Steuer-ID): 11 digits, digit pattern, check digit."""
    digits = text.replace(" ", "")
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    # Exactly one digit is repeated (twice, or three times but not three in a row).
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] != 1):
        return False
    if counts[0] == 3 and any(digits[i] == digits[i + 1] == digits[i + 2] for i in range(8)):
        return False
    return _mod_11_10(digits[:10]) == int(digits[10])


def _mod_11_10(digits: str) -> int:
    """The check digit of ISO 7064 MOD 11,10."""
    product = 10
    for digit in digits:
        total = (int(digit) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


_RVNR_SHAPE = re.compile(r"\d{2}(\d{2})(\d{2})\d{2}[A-Z]\d{3}")
_RVNR_WEIGHTS: Final = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def social_insurance_number_is_valid(text: str) -> bool:
    """A German pension insurance number (Rentenversicherungsnummer, the "SV-Nummer").

    Area (2 digits), birth date DDMMYY, initial of the birth name, serial number (2 digits),
    check digit: the letter becomes its place in the alphabet, the 12 digits are weighted
    2 1 2 5 7 1 2 1 2 1 2 1, the digit sums of the products added up, modulo 10.
    """
    number = text.replace(" ", "").upper()
    match = _RVNR_SHAPE.fullmatch(number)
    if not match or not (1 <= int(match[1]) <= 31 and 1 <= int(match[2]) <= 12):
        return False
    digits = number[:8] + f"{ord(number[8]) - ord('A') + 1:02d}" + number[9:11]
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _RVNR_WEIGHTS, strict=True))
    return total % 10 == int(number[11])


def ip_address_is_valid(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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


# --- reference lists ---------------------------------------------------------------------------


def _words(resource: str) -> frozenset[str]:
    text = resources.files("offenestadt.anonymize").joinpath("data", resource).read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(word.casefold() for word in line.split())
    return frozenset(words)


@functools.cache
def first_names() -> frozenset[str]:
    return _words("first_names.txt")


@functools.cache
def surnames() -> frozenset[str]:
    return _words("surnames.txt")


def _vocabulary(text: str) -> frozenset[str]:
    return frozenset(text.split())


SEX_VALUES: Final = _vocabulary(
    "m w d f x u männlich weiblich divers maennlich mann frau male female diverse other "
    "unbekannt unknown keine angabe"
)
MARITAL_VALUES: Final = _vocabulary(
    "ledig verheiratet geschieden verwitwet getrennt lebend eingetragene lebenspartnerschaft "
    "single married divorced widowed separated never-married married-civ-spouse "
    "married-spouse-absent married-af-spouse"
)
COUNTRY_VALUES: Final = _vocabulary(
    """deutsch deutschland german germany türkisch türkei turkish turkey polnisch polen polish
    poland italienisch italien italian italy griechisch griechenland greek greece syrisch syrien
    syrian syria russisch russland russian russia ukrainisch ukraine ukrainian rumänisch
    rumänien romanian romania bulgarisch bulgarien bulgarian bulgaria kroatisch kroatien croatian
    croatia serbisch serbien serbian serbia kosovarisch kosovo bosnisch bosnien albanisch albanien
    irakisch irak iraqi iraq afghanisch afghanistan afghan iranisch iran iranian niederländisch
    niederlande dutch netherlands französisch frankreich french france spanisch spanien spanish
    spain portugiesisch portugal portuguese österreichisch österreich austrian austria
    schweizerisch schweiz swiss switzerland amerikanisch usa american united-states
    united states britisch british england united-kingdom marokkanisch marokko moroccan morocco
    tunesisch tunesien eritreisch eritrea nigerianisch nigeria vietnamesisch vietnam chinesisch
    china chinese indisch indien indian india staatenlos ungeklärt mexico mexican philippines
    puerto-rico canada kanada cuba jamaica el-salvador dominican-republic columbia japan
    taiwan haiti"""
)
# Words of the German language that are also names: alone in a cell they are not evidence.
_AMBIGUOUS_NAMES: Final = _vocabulary(
    "mark paul frank ernst rosa iris heide hilde otto max will grace rose lange klein schwarz "
    "braun weiß weiss jung hahn vogel winter sommer stein kraft engel horn busch baum graf"
)

# --- header hints ------------------------------------------------------------------------------


def normalize_header(name: str) -> str:
    text = name.casefold().replace("ß", "ss")
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _hint(*patterns: str) -> re.Pattern[str]:
    # Patterns are matched against the normalized header: lower-case ASCII words split by spaces.
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_W = r"(?:^|\s)"  # start of a word
_E = r"(?:\s|$)"  # end of a word
HEADER_HINTS: Final[dict[str, re.Pattern[str]]] = {
    "person_name": _hint(
        rf"{_W}(vor|nach|familien|geburts|ruf|maedchen)?namen?{_E}",
        r"vorname|nachname|familienname|geburtsname|first ?name|last ?name|surname|given ?name",
        rf"{_W}(full|person|contact|customer) name",
        r"ansprechpartner|kontaktperson|antragsteller|empfaenger|absender|patient(in)?\b",
        rf"{_W}(inhaber|mieter|halter|name)\w*{_E}",
    ),
    "email": _hint(r"e ?mail|mailadresse"),
    "phone": _hint(rf"telefon|{_W}tel{_E}|phone|mobil|handy|{_W}fax|rufnummer"),
    "iban": _hint(r"iban|kontonummer|bankverbindung|account number"),
    "tax_id": _hint(rf"steuer ?id|steueridentifikation|{_W}idnr{_E}|tax ?id|{_W}tin{_E}"),
    "tax_number": _hint(rf"steuernummer|{_W}st ?nr{_E}|tax number"),
    "social_insurance_number": _hint(
        r"sozialversicherung|rentenversicherung|social security",
        rf"{_W}sv ?(nr|nummer){_E}|{_W}rvnr{_E}",
    ),
    "ip_address": _hint(rf"{_W}ip{_E}|ip ?adress|ipv[46]"),
    "mac_address": _hint(rf"{_W}mac{_E}|mac ?adress"),
    "vehicle_plate": _hint(r"kennzeichen|kfz|license ?plate|number ?plate|vehicle registration"),
    "street_address": _hint(rf"adresse|anschrift|address|strasse|{_W}str{_E}|street|hausnummer"),
    "person_id": _hint(
        r"kunden ?(nr|nummer|id)|personal ?(nr|nummer)|mitglieds ?(nr|nummer)|versicherten",
        rf"patienten ?(nr|nummer|id)|ausweis|pass ?(nr|nummer)|aktenzeichen|{_W}az{_E}",
        r"(customer|patient|member|employee|user|person|citizen|client) ?(id|no|number)",
        r"benutzer ?(id|name)|username|login",
    ),
    "record_id": _hint(rf"{_W}(id|nr|nummer|no|number|key|uuid|guid|lfd nr){_E}"),
    "birth_date": _hint(rf"geburt|{_W}geb{_E}|geboren|birth|{_W}dob{_E}"),
    "life_event_date": _hint(
        rf"sterbe|todes|{_W}tod{_E}|death|aufnahme|entlassung|admission|discharge|einzug|zuzug",
        r"wegzug|heirat|eheschliessung|scheidung|einschulung|diagnosedatum",
    ),
    "coordinates": _hint(
        rf"{_W}(lat|lon|lng|long|latitude|longitude|breite|laenge|breitengrad|laengengrad){_E}",
        rf"koordinat|coordinat|geo ?position|{_W}(wkt|geom|geometry|point|position){_E}",
    ),
    "age": _hint(rf"{_W}(alter|alters\w*|age|ages|lebensalter|age ?group|age ?band){_E}"),
    "sex": _hint(rf"geschlecht|{_W}(sex|gender){_E}"),
    "postcode": _hint(rf"{_W}plz{_E}|postleitzahl|zip|post ?code|postal"),
    "place": _hint(
        rf"{_W}(ort|wohnort|stadt|city|gemeinde|kreis|stadtteil|ortsteil|bezirk|stadtbezirk)\w*{_E}",
        r"district|quartier|viertel|borough|neighbou?rhood|wohngebiet|municipality|geburtsort",
        r"landkreis|region",
    ),
    "nationality": _hint(
        r"nationalit|staatsangehoerig|staatsbuerger|citizenship|herkunft|geburtsland",
        r"native ?country|country of birth|migration",
    ),
    "occupation": _hint(
        rf"beruf|taetigkeit|occupation|profession|{_W}job{_E}|workclass|arbeitgeber|employ",
        r"branche|erwerbs|beschaeftigung|stellung im beruf",
    ),
    "marital_status": _hint(r"familienstand|marital|civil status|personenstand"),
    "education": _hint(r"bildung|schulabschluss|abschluss|education|degree|qualifikation"),
    "ethnicity": _hint(rf"{_W}race{_E}|ethni|hautfarbe"),
    "special_category": _hint(
        r"diagnos|krankheit|erkrank|gesundheit|health|disease|behinderung|disabilit|pflegegrad",
        r"religion|konfession|glaube|weltanschauung|religio|partei|gewerkschaft|union member",
        r"sexuell|sexual|orientierung|vorstrafe|straftat|criminal|conviction|medikament|therap",
    ),
    "income": _hint(
        rf"einkommen|gehalt|{_W}lohn{_E}|salary|income|verdienst|schulden|debt|sozialleistung",
        r"buergergeld|grundsicherung|wohngeld",
    ),
}
# Header hints that are enough on their own (the values are not checked against a format).
HEADER_ONLY_KINDS: Final = frozenset(
    {
        "place", "nationality", "occupation", "marital_status", "education", "ethnicity",
        "special_category", "income", "person_id", "street_address",
    }
)  # fmt: skip


def header_kinds(column: str) -> set[str]:
    header = normalize_header(column)
    return {kind for kind, pattern in HEADER_HINTS.items() if pattern.search(header)}


# --- value detectors ---------------------------------------------------------------------------
# Each takes the sampled, stripped, non-empty values and returns a boolean mask.

EMAIL = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
_PHONE_INTL = r"^(\+|00)49[\s/-]?(\(0\)\s?)?[1-9][\d\s/()-]{4,16}\d$"
_PHONE_FORMATTED = r"^(\(0[1-9]\d{1,4}\)|0[1-9]\d{1,4})\s?[\s/-]\s?\d[\d\s-]{2,10}\d$"
_PHONE_MOBILE = r"^01[5-7]\d{8,9}$"
_PHONE_DIGITS = r"^0[1-9]\d{5,11}$"
_TAX_NUMBER = r"^(\d{2,3}/\d{3,4}/\d{4,5}|\d{5}/\d{5})$"
_PLATE = r"^[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}[- ]?[1-9]\d{0,3}[EH]?$"
_MAC = r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$"
_IPV4 = r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"
_IPV6 = r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"
_STREET_SUFFIX = (
    r"(stra(ss|ß)e|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|steig|pfad|promenade)"
)
_STREET_SUFFIX_WEAK = r"(markt|berg|hof|graben|wall|garten|gärten|kamp|feld|winkel|stieg|bogen)"
_HOUSE_NUMBER = r"\d{1,4}\s?[a-zA-Z]?(\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?"
# "Hauptstraße 5", "Hans-Böckler-Str. 12a", "van der Dussenstraße 9/4", "Am Ölbach 7"
_STREET_NUMBER = (
    rf"(([\p{{L}}.'-]+\s){{0,3}}\p{{Lu}}[\p{{L}}.-]*(?i:{_STREET_SUFFIX}|{_STREET_SUFFIX_WEAK})"
    rf"\s+{_HOUSE_NUMBER}"
    r"|(Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Hinter der|Unter den|Vor dem)"
    r"\s+\p{Lu}[\p{L}.-]+\s+\d{1,3}\s?[a-zA-Z]?\b)"
)
_ADDRESS = rf"^{_STREET_NUMBER}([\s,]+(D-?\s?)?\d{{5}}\s+\p{{L}}[\p{{L}} ./()-]*)?$"
_STREET_ONLY = rf"^([\p{{L}}.'-]+\s){{0,3}}\p{{Lu}}[\p{{L}}.-]*(?i:{_STREET_SUFFIX})$"
_POSTCODE = r"^(D-?\s?)?\d{5}$"
_POSTCODE_CITY = r"^(D-?\s?)?\d{5}\s+\p{Lu}[\p{L} ./()-]+$"
_DECIMAL = r"^-?\d{1,3}[.,]\d+$"
_COORD_PAIR = r"^\(?\s*-?\d{1,2}\.\d{4,}\s*[,;/ ]\s*-?\d{1,3}\.\d{4,}\s*\)?$"
_WKT_POINT = r"(?i)^(SRID=\d+;\s*)?POINT\s*Z?\s*\(\s*-?\d+(\.\d+)?\s+-?\d+(\.\d+)?"
_DATE_FORMATS: Final = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"),
)
_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
_AGE = r"^\d{1,3}$"
_AGE_BAND = (
    r"^(\d{1,3}\s?[-–]\s?\d{1,3}|[<>≤≥]=?\s?\d{1,3}|\d{1,3}\s?\+|(unter|über|ueber|ab) \d{1,3})"
)
_NAME_PARTICLES: Final = _vocabulary(
    "von van de der den zu vom zum da di la le del herr frau hr fr dr prof mba bsc msc"
)


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
        values.str.contains(_PHONE_INTL)
        | values.str.contains(_PHONE_FORMATTED)
        | values.str.contains(_PHONE_MOBILE)
    )
    if digits_only:
        mask = mask | values.str.contains(_PHONE_DIGITS)
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
    return _mask_of(_compact(values), _TAX_NUMBER)


def detect_social_insurance_number(values: pl.Series) -> pl.Series:
    return _validated(
        _compact(values).str.to_uppercase(), r"^\d{8}[A-Z]\d{3}$", social_insurance_number_is_valid
    )


def detect_ip_address(values: pl.Series) -> pl.Series:
    return _validated(values, f"{_IPV4}|{_IPV6}", ip_address_is_valid)


def detect_mac_address(values: pl.Series) -> pl.Series:
    return _mask_of(values, _MAC)


def detect_vehicle_plate(values: pl.Series) -> pl.Series:
    # At most 8 letters and digits on a German plate.
    return values.str.contains(_PLATE) & (values.str.replace_all(r"[- ]", "").str.len_chars() <= 9)


def detect_street_address(values: pl.Series) -> pl.Series:
    return values.str.contains(_ADDRESS)


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
        if t and "." not in t and t.casefold() not in _NAME_PARTICLES
    ]
    if not 1 <= len(tokens) <= 4 or not all(map(_name_shaped, tokens)):
        return 0, False
    parts = [p.casefold() for t in tokens for p in t.split("-")]
    firsts, lasts = first_names(), surnames()
    if len(tokens) == 1 and parts[0] in _AMBIGUOUS_NAMES:
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
    for pattern, fmt in _DATE_FORMATS:
        match = values.str.contains(pattern)
        if match.any():
            dates = values.str.strptime(pl.Date, fmt, strict=False)
            parsed = parsed.fill_null(pl.select(pl.when(match).then(dates)).to_series())
    return parsed


# --- free text -----------------------------------------------------------------------------

_TEXT_SEARCHES: Final[tuple[tuple[str, str], ...]] = (
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    (
        "phone",
        r"(\+|00)49[\s/-]?(\(0\)\s?)?[1-9][\d\s/-]{5,14}\d|\(0[1-9]\d{1,4}\)\s?\d{3,9}"
        r"|\b0[1-9]\d{1,4}\s?/\s?\d{3,9}\b|\b01[5-7]\d[\s/-]?\d{6,8}\b",
    ),
    ("street_address", _STREET_NUMBER),
    ("person_name", r"\b(Herr|Frau|Hr\.|Fr\.|Dr\.)\s+\p{Lu}\p{Ll}+"),
)
_TEXT_TOKENS: Final[tuple[tuple[str, str, Callable[[str], bool]], ...]] = (
    ("iban", r"\b[A-Z]{2}\d{2}(\s?[A-Z0-9]{4}){2,7}(\s?[A-Z0-9]{1,4})?\b", iban_is_valid),
    ("tax_id", r"\b[1-9]\d{10}\b|\b[1-9]\d \d{3} \d{3} \d{3}\b", tax_id_is_valid),
    (
        "social_insurance_number",
        r"\b\d{2}\s?\d{6}\s?[A-Z]\s?\d{3}\b",
        social_insurance_number_is_valid,
    ),
    ("ip_address", r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", ip_address_is_valid),
)


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
    for kind, pattern in _TEXT_SEARCHES:
        found[kind] = values.str.contains(pattern)
    for kind, pattern, check in _TEXT_TOKENS:
        hits = values.str.extract_all(pattern).to_list()
        found[kind] = pl.Series(
            [bool(tokens) and any(map(check, tokens)) for tokens in hits], dtype=pl.Boolean
        )
    names = pl.Series([_text_name(v) for v in values.to_list()], dtype=pl.Boolean)
    found["person_name"] = found["person_name"] | names
    return {kind: mask for kind, mask in found.items() if mask.any()}


# --- the scan ------------------------------------------------------------------------------


@dataclass
class _Column:
    name: str
    values: pl.Series  # sampled, stripped, non-empty
    hints: set[str]
    kinds: list[tuple[str, float]] = field(default_factory=list)  # (kind, share)
    evidence: list[str] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.values)

    def found(self) -> set[str]:
        return {kind for kind, _ in self.kinds}

    def add(self, kind: str, matches: pl.Series | None, sentence: str, share: float = 0.0) -> None:
        if matches is not None:
            share = float(matches.sum()) / self.count
            examples = self.values.filter(matches).unique(maintain_order=True).head(20).to_list()
            self.examples[kind] = list(dict.fromkeys(map(mask, examples)))[:3]
        self.kinds.append((kind, share))
        self.evidence.append(sentence)


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "<1 %"
    return f"{share:.0%}".replace("%", " %")


def _share(mask: pl.Series, count: int) -> float:
    return float(mask.sum()) / count if count else 0.0


def _check_values(col: _Column) -> None:
    values, hints, n = col.values, col.hints, col.count

    def threshold(kind: str) -> float:
        return 0.2 if kind in hints else 0.5

    def found(kind: str, matches: pl.Series, what: str) -> None:
        share = _share(matches, n)
        if share >= threshold(kind) and matches.any():
            hint = " (header agrees)" if kind in hints else ""
            col.add(kind, matches, f"{_percent(share)} of {n} values are {what}{hint}")

    validated: tuple[tuple[str, Callable[[pl.Series], pl.Series], str], ...] = (
        ("email", detect_email, "e-mail addresses"),
        ("iban", detect_iban, "IBANs with a valid check digit"),
        ("tax_id", detect_tax_id, "tax IDs with a valid check digit"),
        (
            "social_insurance_number",
            detect_social_insurance_number,
            "pension insurance numbers with a valid check digit",
        ),
        ("ip_address", detect_ip_address, "IP addresses"),
        ("mac_address", detect_mac_address, "MAC addresses"),
        ("vehicle_plate", detect_vehicle_plate, "vehicle registration plates"),
        ("tax_number", detect_tax_number, "tax numbers in a Finanzamt format"),
    )
    for kind, detector, what in validated:
        found(kind, detector(values), what)
    found("phone", detect_phone(values, digits_only="phone" in hints), "German phone numbers")
    found("street_address", detect_street_address(values), "street names with house numbers")

    # Names: a list of first names and surnames; the header may vouch for the unlisted.
    shaped, several, listed = detect_person_name(values)
    shaped_share, listed_share = _share(shaped, n), _share(listed, n)
    if hints & {"place", "occupation", "nationality", "street_address", "education"}:
        is_name = False  # "Fischer" in an occupation column, "Essen" in a place column
    elif "person_name" in hints:
        is_name = shaped_share >= 0.7 and listed_share >= 0.1
    else:
        # Lists cannot be complete: full names ("Bernadette Oderwald") need fewer listed words.
        is_name = listed_share >= 0.5 or (_share(several, n) >= 0.8 and listed_share >= 0.3)
    if is_name:
        col.add(
            "person_name",
            shaped,
            f"{_percent(listed_share)} of {n} values contain a common first name or surname, "
            f"{_percent(shaped_share)} are shaped like names"
            + (" (header agrees)" if "person_name" in hints else ""),
        )

    # Coordinates: pairs and WKT points always; single numbers only under a lat/lon header.
    pair = values.str.contains(_COORD_PAIR) | values.str.contains(_WKT_POINT)
    if _share(pair, n) >= threshold("coordinates"):
        col.add(
            "coordinates",
            pair,
            f"{_percent(_share(pair, n))} of {n} values are "
            "coordinate pairs or WKT points (exact position)",
        )
    elif "coordinates" in hints:
        numbers = values.str.contains(_DECIMAL)
        decimals = values.str.extract(r"[.,](\d+)$").str.len_chars().fill_null(0)
        exact = numbers & (decimals >= 4)
        if _share(numbers, n) >= 0.8:
            precise = _share(exact, n) >= 0.5
            col.add(
                "coordinates",
                numbers,
                f"{_percent(_share(numbers, n))} of {n} values are decimal degrees"
                + (
                    " with 4 or more decimals (about 10 m: exact position)"
                    if precise
                    else " with fewer than 4 decimals (already coarse)"
                ),
            )

    _check_dates(col)

    # Quasi-identifiers from the values' vocabulary and the header.
    lowered = values.str.to_lowercase()
    distinct = lowered.n_unique()
    sex = lowered.is_in(list(SEX_VALUES))
    if (_share(sex, n) >= 0.9 and distinct <= 6) or ("sex" in hints and _share(sex, n) >= 0.5):
        col.add(
            "sex",
            sex,
            f"{distinct} distinct values, all sex/gender codes"
            if _share(sex, n) == 1
            else f"{_percent(_share(sex, n))} are sex/gender codes",
        )
    elif "sex" in hints:
        col.add("sex", None, "the header names sex or gender")
    marital = lowered.is_in(list(MARITAL_VALUES))
    if _share(marital, n) >= 0.8 or ("marital_status" in hints and _share(marital, n) >= 0.3):
        col.add(
            "marital_status",
            marital,
            f"{_percent(_share(marital, n))} of {n} values are marital-status words",
        )
    country = lowered.is_in(list(COUNTRY_VALUES))
    if _share(country, n) >= 0.8 or ("nationality" in hints and _share(country, n) >= 0.3):
        col.add(
            "nationality",
            country,
            f"{_percent(_share(country, n))} of {n} values are countries or nationalities",
        )
    if "age" in hints:
        numbers = values.str.contains(_AGE)
        ages = values.cast(pl.Int64, strict=False)
        plausible = numbers & ages.is_between(0, 125).fill_null(False)
        bands = values.str.contains(_AGE_BAND)
        if _share(plausible | bands, n) >= 0.8:
            col.add(
                "age",
                plausible | bands,
                f"{_percent(_share(plausible | bands, n))} of "
                f"{n} values are ages or age bands (header names age)",
            )
    if "postcode" in hints or _share(values.str.contains(_POSTCODE_CITY), n) >= 0.5:
        codes = values.str.contains(_POSTCODE) | values.str.contains(_POSTCODE_CITY)
        if _share(codes, n) >= 0.5:
            col.add(
                "postcode",
                codes,
                f"{_percent(_share(codes, n))} of {n} values are "
                "German postcodes" + (" (header agrees)" if "postcode" in hints else ""),
            )
    street_only = values.str.contains(_STREET_ONLY)
    if not any(k == "street_address" for k, _ in col.kinds) and (_share(street_only, n) >= 0.5):
        col.add(
            "street",
            street_only,
            f"{_percent(_share(street_only, n))} of {n} values are street names",
        )


def _check_dates(col: _Column) -> None:
    values, hints, n = col.values, col.hints, col.count
    timestamps = values.str.contains(_TIMESTAMP)
    if _share(timestamps, n) >= 0.5:
        if "birth_date" in hints:
            col.add("birth_date", timestamps, "timestamps under a birth-date header")
        return
    dates = parse_dates(values)
    share = _share(dates.is_not_null(), n)
    years = values.cast(pl.Int64, strict=False) if share < 0.5 else None
    this_year = dt.date.today().year  # noqa: DTZ011 - a calendar year is enough here
    if share >= 0.5:
        born = dates.dt.year().is_between(this_year - 120, this_year).fill_null(False)
        year_values = dates.dt.year().drop_nulls().to_list()
        spread = max(year_values) - min(year_values) if year_values else 0
        adults = _share(dates.dt.year() <= this_year - 18, n)
        if "birth_date" in hints:
            col.add(
                "birth_date",
                born,
                f"{_percent(_share(born, n))} of {n} values are dates in "
                "the range of birth dates (header names birth)",
            )
        elif _share(born, n) >= 0.8 and spread >= 30 and adults >= 0.6:
            col.add(
                "birth_date",
                born,
                f"{_percent(share)} of {n} values are dates spread over "
                f"{spread} years, most of them 18 or more years ago: likely birth dates",
            )
        elif "life_event_date" in hints:
            col.add(
                "life_event_date",
                dates.is_not_null(),
                f"{_percent(share)} of {n} values "
                "are dates; the header names an event in a person's life",
            )
        else:
            col.evidence.append(
                f"{_percent(share)} of {n} values are dates; a quasi-identifier "
                "only if they date events in a person's life"
            )
    elif years is not None and "birth_date" in hints:
        born_years = years.is_between(this_year - 120, this_year).fill_null(False)
        if _share(born_years, n) >= 0.8:
            col.add(
                "birth_date",
                born_years,
                f"{_percent(_share(born_years, n))} of {n} values "
                "are years of birth (header names birth)",
            )


def _is_text(values: pl.Series) -> bool:
    """Sentences rather than codes: a tenth of the values has three words or 30 characters."""
    long = (values.str.count_matches(r"\S+") >= 3) | (values.str.len_chars() >= 30)
    return _share(long, len(values)) >= 0.1


def _check_text(col: _Column) -> None:
    """Free text: look for personal data inside the values."""
    values, n = col.values, col.count
    found = free_text_kinds(values)
    if not found:
        col.evidence.append(f"free text ({n} values); no personal data found in it")
        return
    masks = list(found.values())
    union = functools.reduce(lambda a, b: a | b, masks)
    counts = ", ".join(f"{KINDS[kind][1]} ({int(m.sum())})" for kind, m in found.items())
    col.add(
        "free_text",
        None,
        f"{int(union.sum())} of {n} text values contain personal data: {counts}",
        share=_share(union, n),
    )
    col.examples["free_text"] = [f"[{KINDS[kind][1]}]" for kind in found]


def _finding(column: str, raw: pl.Series) -> ColumnFinding:
    hints = header_kinds(column)
    values = raw.cast(pl.String).str.strip_chars().drop_nulls()
    values = values.filter(values.str.len_chars() > 0)
    if len(values) == 0:
        return ColumnFinding(column, Role.OTHER, (), 0.0, ("no values in the sample",))
    col = _Column(column, values, hints)
    distinct = values.n_unique()
    unique_share = distinct / len(values)
    _check_values(col)
    direct = {kind for kind, (role, _) in KINDS.items() if role is Role.DIRECT}
    if not col.found() & direct and _is_text(values):
        _check_text(col)

    found = col.found()
    if "person_id" in hints and not found & direct:
        col.add("person_id", None, "the header names a person, customer or case number")
    elif "record_id" in hints and not found and unique_share == 1.0 and len(values) >= 10:
        col.add(
            "record_id",
            None,
            f"all {len(values)} values differ, under an ID header: "
            "such an ID links released records back to the source",
        )
    for kind in sorted(hints & HEADER_ONLY_KINDS - {"person_id"} - found):
        if kind == "street_address" and found & {"street", "postcode", "free_text", "place"}:
            continue
        col.add(kind, None, f"the header names {KINDS[kind][1]}")
    if not col.kinds:
        plural = "value" if distinct == 1 else "values"
        col.evidence.append(f"no personal data recognised ({distinct} distinct {plural})")

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
    return [_finding(name, data[name]) for name in data.columns]


# --- command line --------------------------------------------------------------------------


def _table(findings: Sequence[ColumnFinding]) -> str:
    header = ("column", "role", "kinds", "share", "evidence")
    rows = [
        (
            f.column,
            str(f.role),
            ", ".join(f.labels) or "-",
            _percent(f.share) if f.share else "-",
            "; ".join(f.evidence) + (f" (e.g. {', '.join(f.examples)})" if f.examples else ""),
        )
        for f in findings
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    from offenestadt.anonymize.io import (
        TableError,
        error_text,
        read_table,
        scan_table,
        table_format,
    )

    parser = argparse.ArgumentParser(
        prog="offenestadt scan",
        description="Find personal data in a table (CSV, Parquet, Excel) and suggest a role "
        "for each column: direct identifier, quasi-identifier, sensitive or other.",
    )
    parser.add_argument("file", type=Path, help="the table to scan")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--sample",
        type=int,
        default=SAMPLE_ROWS,
        metavar="N",
        help=f"records looked at, spread over the table (default {SAMPLE_ROWS})",
    )
    parser.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    args = parser.parse_args(argv)
    if args.sample < 1:
        parser.error("--sample must be at least 1")
    try:
        if table_format(args.file) == "excel":
            frame: pl.DataFrame | pl.LazyFrame = read_table(args.file, sheet=args.sheet)
        else:
            frame = scan_table(args.file)
        data, rows = sample(frame, args.sample)
    except TableError as error:
        print(f"offenestadt scan: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except pl.exceptions.PolarsError as error:
        print(
            f"offenestadt scan: error: {args.file}: cannot read the file ({error_text(error)})",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    findings = [_finding(name, data[name]) for name in data.columns]
    if args.format == "json":
        report = {
            "file": str(args.file),
            "rows": rows,
            "sampled": data.height,
            "columns": [f.as_dict() for f in findings],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{args.file}: {rows:,} records, {data.height:,} looked at")
    print(_table(findings))
    counts = {role: sum(f.role is role for f in findings) for role in ROLE_ORDER}
    print("\n" + ", ".join(f"{count} {role}" for role, count in counts.items() if count))
