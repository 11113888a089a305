"""What the detector found, as staff pages word it: kinds, roles and the evidence.

The anonymization library names kinds and roles by keys and gives each observation as data (a
code and its figures, see ``anonymize.evidence``); here they become sentences in the page's
language, with gettext.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.anonymize.evidence import percent

# What the detector found, in the page's language (the library names kinds in English).
KIND_LABELS: dict[str, Promise] = {
    "person_name": _("Personenname"),
    "email": _("E-Mail-Adresse"),
    "phone": _("Telefonnummer"),
    "iban": _("IBAN"),
    "tax_id": _("Steuer-ID"),
    "tax_number": _("Steuernummer"),
    "social_insurance_number": _("Rentenversicherungsnummer"),
    "ip_address": _("IP-Adresse"),
    "mac_address": _("MAC-Adresse"),
    "vehicle_plate": _("Kfz-Kennzeichen"),
    "street_address": _("Anschrift"),
    "person_id": _("Personen- oder Aktenzeichen"),
    "record_id": _("eindeutige Datensatznummer"),
    "free_text": _("Freitext mit personenbezogenen Daten"),
    "birth_date": _("Geburtsdatum"),
    "coordinates": _("Koordinaten"),
    "age": _("Alter"),
    "sex": _("Geschlecht"),
    "postcode": _("Postleitzahl"),
    "place": _("Ort oder Stadtteil"),
    "street": _("Straße (ohne Hausnummer)"),
    "nationality": _("Staatsangehörigkeit oder Herkunft"),
    "occupation": _("Beruf oder Beschäftigung"),
    "marital_status": _("Familienstand"),
    "education": _("Bildung"),
    "ethnicity": _("ethnische Herkunft (besondere Kategorie)"),
    "life_event_date": _("Datum eines Lebensereignisses"),
    "special_category": _("besondere Kategorie (Gesundheit, Religion …)"),
    "income": _("Einkommen oder finanzielle Lage"),
}
SCAN_ROLE_LABELS: dict[str, Promise] = {
    "direct identifier": _("direktes Merkmal"),
    "quasi-identifier": _("Quasi-Identifikator"),
    "sensitive": _("sensibel"),
    "other": _("unauffällig"),
}

# The values a kind is recognised by, as the sentence "… von … Werten sind …" names them.
SHOWN: dict[str, Promise] = {
    "email": _("E-Mail-Adressen"),
    "iban": _("IBANs mit gültiger Prüfziffer"),
    "tax_id": _("Steuer-IDs mit gültiger Prüfziffer"),
    "social_insurance_number": _("Rentenversicherungsnummern mit gültiger Prüfziffer"),
    "ip_address": _("IP-Adressen"),
    "mac_address": _("MAC-Adressen"),
    "vehicle_plate": _("Kfz-Kennzeichen"),
    "tax_number": _("Steuernummern im Format eines Finanzamts"),
    "phone": _("deutsche Telefonnummern"),
    "street_address": _("Straßennamen mit Hausnummer"),
    "marital_status": _("Angaben zum Familienstand"),
    "nationality": _("Länder oder Staatsangehörigkeiten"),
    "postcode": _("deutsche Postleitzahlen"),
    "street": _("Straßennamen"),
}
HEADER_AGREES = _(" (die Spaltenüberschrift passt dazu)")
SENTENCES: dict[str, Promise] = {
    "no-values": _("keine Werte in der Stichprobe"),
    "nothing-found": _("keine personenbezogenen Daten erkannt (verschiedene Werte: %(distinct)s)"),
    "free-text-clean": _("Freitext (%(values)s Werte), keine personenbezogenen Daten darin"),
    "free-text-personal": _(
        "%(matched)s von %(values)s Texten enthalten personenbezogene Daten: %(found)s"
    ),
    "header-person-id": _("die Spaltenüberschrift nennt eine Personen-, Kunden- oder Aktennummer"),
    "header-names": _("die Spaltenüberschrift nennt: %(label)s"),
    "unique-id": _(
        "alle %(values)s Werte sind verschieden, unter einer ID-Überschrift: eine solche "
        "Nummer führt veröffentlichte Datensätze auf ihre Quelle zurück"
    ),
    "values-show-kind": _("%(share)s von %(values)s Werten sind %(shown)s%(agrees)s"),
    "names": _(
        "%(listed_share)s von %(values)s Werten enthalten einen häufigen Vor- oder Nachnamen, "
        "%(shaped_share)s sehen wie Namen aus%(agrees)s"
    ),
    "coordinate-pairs": _(
        "%(share)s von %(values)s Werten sind Koordinatenpaare oder WKT-Punkte (genaue Lage)"
    ),
    "decimal-degrees-precise": _(
        "%(share)s von %(values)s Werten sind Dezimalgrad mit 4 oder mehr Nachkommastellen "
        "(etwa 10 m: genaue Lage)"
    ),
    "decimal-degrees-coarse": _(
        "%(share)s von %(values)s Werten sind Dezimalgrad mit weniger als 4 Nachkommastellen "
        "(schon grob)"
    ),
    "birth-timestamps": _("Zeitstempel unter einer Überschrift, die die Geburt nennt"),
    "birth-dates-header": _(
        "%(share)s von %(values)s Werten sind Daten im Bereich von Geburtsdaten "
        "(die Überschrift nennt die Geburt)"
    ),
    "birth-dates-spread": _(
        "%(share)s von %(values)s Werten sind Daten über %(years)s Jahre verteilt, die meisten "
        "18 oder mehr Jahre zurück: wahrscheinlich Geburtsdaten"
    ),
    "life-event-dates": _(
        "%(share)s von %(values)s Werten sind Daten; die Überschrift nennt ein Ereignis im "
        "Leben einer Person"
    ),
    "dates-only": _(
        "%(share)s von %(values)s Werten sind Daten; ein Quasi-Identifikator nur, wenn sie "
        "Ereignisse im Leben einer Person datieren"
    ),
    "birth-years": _(
        "%(share)s von %(values)s Werten sind Geburtsjahre (die Überschrift nennt die Geburt)"
    ),
    "sex-codes": _("%(distinct)s verschiedene Werte, alle Angaben zum Geschlecht"),
    "sex-codes-share": _("%(share)s sind Angaben zum Geschlecht"),
    "ages": _(
        "%(share)s von %(values)s Werten sind Alter oder Altersgruppen "
        "(die Überschrift nennt das Alter)"
    ),
}


def _label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def evidence_text(evidence: dict[str, Any] | str) -> str:
    """One observation of the scan as a sentence in the page's language."""
    if isinstance(evidence, str):
        return evidence  # kept from before the library gave its evidence as data
    sentence = SENTENCES.get(evidence.get("code", ""))
    if sentence is None:
        return str(evidence.get("text", ""))
    params = evidence.get("params", {})
    words = {
        name: percent(value) if name.endswith("share") else value for name, value in params.items()
    }
    words["agrees"] = str(HEADER_AGREES) if params.get("header_agrees") else ""
    if "kind" in params:
        words["label"] = _label(params["kind"])
        words["shown"] = str(SHOWN.get(params["kind"], words["label"]))
    if "found" in params:
        words["found"] = ", ".join(
            f"{_label(kind)} ({count})" for kind, count in params["found"].items()
        )
    return str(sentence) % words


@dataclass(frozen=True)
class ScanRow:
    """One column of a file as the detector saw it (never its values), for staff pages."""

    column: str
    role: str
    kinds: list[str]
    evidence: list[str]
    personal: bool


def scan_rows(findings: list[dict[str, Any]]) -> list[ScanRow]:
    return [
        ScanRow(
            column=finding["column"],
            role=str(SCAN_ROLE_LABELS.get(finding["role"], finding["role"])),
            kinds=[str(KIND_LABELS.get(kind, kind)) for kind in finding.get("kinds", [])],
            evidence=[evidence_text(item) for item in finding.get("evidence", [])],
            personal=finding["role"] != "other",
        )
        for finding in findings
    ]
