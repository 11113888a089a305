"""What the scan saw in a column, as data: a code naming the observation and its figures.

An application words the evidence in its own language from the code and the parameters (shares
are fractions from 0 to 1, kinds are keys of ``scan.KINDS``); ``str()`` gives the English
sentence that ``offenestadt scan`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

# The values a formatted or listed kind is recognised by, in the English sentence.
SHOWN: Final[dict[str, str]] = {
    "email": "e-mail addresses",
    "iban": "IBANs with a valid check digit",
    "tax_id": "tax IDs with a valid check digit",
    "social_insurance_number": "pension insurance numbers with a valid check digit",
    "ip_address": "IP addresses",
    "mac_address": "MAC addresses",
    "vehicle_plate": "vehicle registration plates",
    "tax_number": "tax numbers in a Finanzamt format",
    "phone": "German phone numbers",
    "street_address": "street names with house numbers",
    "marital_status": "marital-status words",
    "nationality": "countries or nationalities",
    "postcode": "German postcodes",
    "street": "street names",
}

# Code -> the English sentence; {share}-like parameters are written as percentages.
SENTENCES: Final[dict[str, str]] = {
    "no-values": "no values in the sample",
    "nothing-found": "no personal data recognised (distinct values: {distinct})",
    "free-text-clean": "free text ({values} values); no personal data found in it",
    "free-text-personal": "{matched} of {values} text values contain personal data: {found}",
    "header-person-id": "the header names a person, customer or case number",
    "header-names": "the header names {label}",
    "unique-id": (
        "all {values} values differ, under an ID header: such an ID links released records "
        "back to the source"
    ),
    "values-show-kind": "{share} of {values} values are {shown}{agrees}",
    "names": (
        "{listed_share} of {values} values contain a common first name or surname, "
        "{shaped_share} are shaped like names{agrees}"
    ),
    "coordinate-pairs": "{share} of {values} values are coordinate pairs or WKT points "
    "(exact position)",
    "decimal-degrees-precise": "{share} of {values} values are decimal degrees with 4 or more "
    "decimals (about 10 m: exact position)",
    "decimal-degrees-coarse": "{share} of {values} values are decimal degrees with fewer than 4 "
    "decimals (already coarse)",
    "birth-timestamps": "timestamps under a birth-date header",
    "birth-dates-header": "{share} of {values} values are dates in the range of birth dates "
    "(header names birth)",
    "birth-dates-spread": "{share} of {values} values are dates spread over {years} years, most "
    "of them 18 or more years ago: likely birth dates",
    "life-event-dates": "{share} of {values} values are dates; the header names an event in a "
    "person's life",
    "dates-only": "{share} of {values} values are dates; a quasi-identifier only if they date "
    "events in a person's life",
    "birth-years": "{share} of {values} values are years of birth (header names birth)",
    "sex-codes": "{distinct} distinct values, all sex/gender codes",
    "sex-codes-share": "{share} are sex/gender codes",
    "ages": "{share} of {values} values are ages or age bands (header names age)",
}


def percent(share: float) -> str:
    if 0 < share < 0.01:
        return "<1 %"
    return f"{share:.0%}".replace("%", " %")


@dataclass(frozen=True)
class Evidence:
    """One observation: ``code`` (a key of ``SENTENCES``) and the figures it states."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in SENTENCES:
            raise ValueError(f"Unknown evidence code {self.code!r}.")

    def __str__(self) -> str:
        from offenestadt.anonymize.scan import KINDS

        words: dict[str, Any] = {
            name: percent(value) if name.endswith("share") else value
            for name, value in self.params.items()
        }
        words["agrees"] = " (header agrees)" if self.params.get("header_agrees") else ""
        if "kind" in self.params:
            words["label"] = KINDS[self.params["kind"]][1]
            words["shown"] = SHOWN.get(self.params["kind"], "")
        if "found" in self.params:
            words["found"] = ", ".join(
                f"{KINDS[kind][1]} ({count})" for kind, count in self.params["found"].items()
            )
        return SENTENCES[self.code].format(**words)

    def as_dict(self) -> dict[str, Any]:
        """The code, its parameters and the English sentence (for JSON and storage)."""
        return {"code": self.code, "params": dict(self.params), "text": str(self)}
