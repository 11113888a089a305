"""What personal data looks like: the regular expressions, word lists and header hints.

The scanner's knowledge of German data in one place: formats of phone numbers, addresses and
dates, vocabularies of sex, marital status and countries, the lists of first names and surnames,
and the header words that name a kind of personal datum.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from importlib import resources
from typing import Final

from offenestadt.anonymize.validators import (
    iban_is_valid,
    ip_address_is_valid,
    social_insurance_number_is_valid,
    tax_id_is_valid,
)

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
AMBIGUOUS_NAMES: Final = _vocabulary(
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


# --- value formats -----------------------------------------------------------------------------

EMAIL = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
PHONE_INTL = r"^(\+|00)49[\s/-]?(\(0\)\s?)?[1-9][\d\s/()-]{4,16}\d$"
PHONE_FORMATTED = r"^(\(0[1-9]\d{1,4}\)|0[1-9]\d{1,4})\s?[\s/-]\s?\d[\d\s-]{2,10}\d$"
PHONE_MOBILE = r"^01[5-7]\d{8,9}$"
PHONE_DIGITS = r"^0[1-9]\d{5,11}$"
TAX_NUMBER = r"^(\d{2,3}/\d{3,4}/\d{4,5}|\d{5}/\d{5})$"
PLATE = r"^[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}[- ]?[1-9]\d{0,3}[EH]?$"
MAC = r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$"
IPV4 = r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"
IPV6 = r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"
STREET_SUFFIX = (
    r"(stra(ss|ß)e|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|steig|pfad|promenade)"
)
STREET_SUFFIX_WEAK = r"(markt|berg|hof|graben|wall|garten|gärten|kamp|feld|winkel|stieg|bogen)"
HOUSE_NUMBER = r"\d{1,4}\s?[a-zA-Z]?(\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?"
# "Hauptstraße 5", "Hans-Böckler-Str. 12a", "van der Dussenstraße 9/4", "Am Ölbach 7"
STREET_NUMBER = (
    rf"(([\p{{L}}.'-]+\s){{0,3}}\p{{Lu}}[\p{{L}}.-]*(?i:{STREET_SUFFIX}|{STREET_SUFFIX_WEAK})"
    rf"\s+{HOUSE_NUMBER}"
    r"|(Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Hinter der|Unter den|Vor dem)"
    r"\s+\p{Lu}[\p{L}.-]+\s+\d{1,3}\s?[a-zA-Z]?\b)"
)
ADDRESS = rf"^{STREET_NUMBER}([\s,]+(D-?\s?)?\d{{5}}\s+\p{{L}}[\p{{L}} ./()-]*)?$"
STREET_ONLY = rf"^([\p{{L}}.'-]+\s){{0,3}}\p{{Lu}}[\p{{L}}.-]*(?i:{STREET_SUFFIX})$"
POSTCODE = r"^(D-?\s?)?\d{5}$"
POSTCODE_CITY = r"^(D-?\s?)?\d{5}\s+\p{Lu}[\p{L} ./()-]+$"
DECIMAL = r"^-?\d{1,3}[.,]\d+$"
COORD_PAIR = r"^\(?\s*-?\d{1,2}\.\d{4,}\s*[,;/ ]\s*-?\d{1,3}\.\d{4,}\s*\)?$"
WKT_POINT = r"(?i)^(SRID=\d+;\s*)?POINT\s*Z?\s*\(\s*-?\d+(\.\d+)?\s+-?\d+(\.\d+)?"
DATE_FORMATS: Final = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"),
)
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
AGE = r"^\d{1,3}$"
AGE_BAND = (
    r"^(\d{1,3}\s?[-–]\s?\d{1,3}|[<>≤≥]=?\s?\d{1,3}|\d{1,3}\s?\+|(unter|über|ueber|ab) \d{1,3})"
)
NAME_PARTICLES: Final = _vocabulary(
    "von van de der den zu vom zum da di la le del herr frau hr fr dr prof mba bsc msc"
)

# --- personal data inside free text ----------------------------------------------------------

TEXT_SEARCHES: Final[tuple[tuple[str, str], ...]] = (
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    (
        "phone",
        r"(\+|00)49[\s/-]?(\(0\)\s?)?[1-9][\d\s/-]{5,14}\d|\(0[1-9]\d{1,4}\)\s?\d{3,9}"
        r"|\b0[1-9]\d{1,4}\s?/\s?\d{3,9}\b|\b01[5-7]\d[\s/-]?\d{6,8}\b",
    ),
    ("street_address", STREET_NUMBER),
    ("person_name", r"\b(Herr|Frau|Hr\.|Fr\.|Dr\.)\s+\p{Lu}\p{Ll}+"),
)
TEXT_TOKENS: Final[tuple[tuple[str, str, Callable[[str], bool]], ...]] = (
    ("iban", r"\b[A-Z]{2}\d{2}(\s?[A-Z0-9]{4}){2,7}(\s?[A-Z0-9]{1,4})?\b", iban_is_valid),
    ("tax_id", r"\b[1-9]\d{10}\b|\b[1-9]\d \d{3} \d{3} \d{3}\b", tax_id_is_valid),
    (
        "social_insurance_number",
        r"\b\d{2}\s?\d{6}\s?[A-Z]\s?\d{3}\b",
        social_insurance_number_is_valid,
    ),
    ("ip_address", r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", ip_address_is_valid),
)
