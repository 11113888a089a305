"""Check digits and formats that tell a real identifier from a number that only looks like one.

Each validator takes one value as written in a cell and says whether it is a valid IBAN, German
tax ID, pension insurance number or IP address; the scanner uses them so that a column of random
numbers is not mistaken for identifiers.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final

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
