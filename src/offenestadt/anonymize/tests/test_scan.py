"""The scanner finds each kind of personal datum in German data, and not in ordinary columns."""

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from offenestadt.anonymize.scan import Role, scan
from offenestadt.anonymize.validators import (
    iban_is_valid,
    social_insurance_number_is_valid,
    tax_id_is_valid,
)

ROWS = 200


@pytest.fixture(scope="module")
def fake() -> Faker:
    faker = Faker("de_DE")
    faker.seed_instance(2026)
    return faker


def column(fake: Faker, make, rows: int = ROWS) -> list[str]:
    return [str(make(fake)) for _ in range(rows)]


def finding_of(header: str, values: list[str]):
    (finding,) = scan(pl.DataFrame({header: values}))
    return finding


def spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


PERSONAL = [
    # header, value generator, kind, role
    ("Name", lambda f: f.name(), "person_name", Role.DIRECT),
    ("Teilnehmer", lambda f: f"{f.first_name()} {f.last_name()}", "person_name", Role.DIRECT),
    ("Vorname", lambda f: f.first_name(), "person_name", Role.DIRECT),
    ("Nachname", lambda f: f.last_name(), "person_name", Role.DIRECT),
    ("Kontakt", lambda f: f.email(), "email", Role.DIRECT),
    ("Telefon", lambda f: f.phone_number(), "phone", Role.DIRECT),
    (
        "Rückruf",
        lambda f: (
            f.random_element(["+49 234 ", "0049 30 ", "(0234) ", "0171 "])
            + str(f.random_number(digits=7, fix_len=True))
        ),
        "phone",
        Role.DIRECT,
    ),
    ("Bankverbindung", lambda f: f.iban(), "iban", Role.DIRECT),
    ("Konto", lambda f: spaced(f.iban()), "iban", Role.DIRECT),
    ("Anschrift", lambda f: f.street_address(), "street_address", Role.DIRECT),
    ("Adresse", lambda f: f.address().replace("\n", ", "), "street_address", Role.DIRECT),
    ("Kennzeichen", lambda f: f.license_plate(), "vehicle_plate", Role.DIRECT),
    (
        "Fahrzeug",
        lambda f: f.random_element(["BO-AB 123", "B-X 1E", "HH-Q 42", "M-ZZ 9999H"]),
        "vehicle_plate",
        Role.DIRECT,
    ),
    ("Client", lambda f: f.ipv4(), "ip_address", Role.DIRECT),
    ("Quelle", lambda f: f.ipv6(), "ip_address", Role.DIRECT),
    ("Gerät", lambda f: f.mac_address(), "mac_address", Role.DIRECT),
    ("Geburtsdatum", lambda f: f.date_of_birth().isoformat(), "birth_date", Role.QUASI),
    ("geb.", lambda f: f.date_of_birth().strftime("%d.%m.%Y"), "birth_date", Role.QUASI),
    (
        "Datum",
        lambda f: f.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
        "birth_date",
        Role.QUASI,
    ),  # no header hint: dates spread over decades, long ago
    ("latitude", lambda f: f.latitude(), "coordinates", Role.QUASI),
    ("longitude", lambda f: f.longitude(), "coordinates", Role.QUASI),
    ("Standort", lambda f: f"{f.latitude():.6f}, {f.longitude():.6f}", "coordinates", Role.QUASI),
    (
        "geom",
        lambda f: f"POINT ({f.longitude():.5f} {f.latitude():.5f})",
        "coordinates",
        Role.QUASI,
    ),
    ("PLZ", lambda f: f.postcode(), "postcode", Role.QUASI),
    ("Wohnort", lambda f: f"{f.postcode()} {f.city()}", "postcode", Role.QUASI),
    (
        "Stadtteil",
        lambda f: f.random_element(["Wattenscheid", "Langendreer", "Weitmar"]),
        "place",
        Role.QUASI,
    ),
    ("Beruf", lambda f: f.job(), "occupation", Role.QUASI),
    ("Geschlecht", lambda f: f.random_element(["m", "w", "d"]), "sex", Role.QUASI),
    ("x1", lambda f: f.random_element(["männlich", "weiblich"]), "sex", Role.QUASI),
    ("Alter", lambda f: f.random_int(0, 99), "age", Role.QUASI),
    (
        "Staatsangehörigkeit",
        lambda f: f.random_element(["deutsch", "türkisch", "polnisch"]),
        "nationality",
        Role.QUASI,
    ),
    (
        "Familienstand",
        lambda f: f.random_element(["ledig", "verheiratet", "geschieden"]),
        "marital_status",
        Role.QUASI,
    ),
    (
        "Diagnose",
        lambda f: f.random_element(["J45", "E11", "I10", "F32"]),
        "special_category",
        Role.SENSITIVE,
    ),
    (
        "Religion",
        lambda f: f.random_element(["ev.", "rk.", "ohne", "islamisch"]),
        "special_category",
        Role.SENSITIVE,
    ),
]


@pytest.mark.parametrize(
    ("header", "make", "kind", "role"), PERSONAL, ids=[p[0] + "-" + p[2] for p in PERSONAL]
)
def test_finds_each_kind_of_personal_datum(fake, header, make, kind, role):
    finding = finding_of(header, column(fake, make))
    assert kind in finding.kinds, finding.evidence
    assert finding.role is role
    assert finding.evidence
    # Each observation is data an application can word, and an English sentence.
    for evidence in finding.evidence:
        assert evidence.as_dict() == {
            "code": evidence.code,
            "params": evidence.params,
            "text": str(evidence),
        }
        assert str(evidence) and "{" not in str(evidence)


def test_check_digit_numbers_are_found():
    # Published example numbers and numbers built with their check digits.
    tax_ids = ["86095742719", "65929970489", "57549285017", "25768131411"] * 10
    assert finding_of("Merkmal", tax_ids).kinds[0] == "tax_id"
    pension_numbers = ["65 170839 J 003", "65170839J003"] * 10
    assert finding_of("Merkmal", pension_numbers).kinds[0] == "social_insurance_number"
    tax_numbers = ["133/8150/8159", "21/815/08150", "93815/08152"] * 10
    assert finding_of("Merkmal", tax_numbers).kinds[0] == "tax_number"


def test_free_text_with_personal_data_is_a_direct_identifier(fake):
    notes = [
        f"Bitte Rückruf an {fake.email()} wegen Termin.",
        "Frau Schulze hat sich über den Lärm beschwert.",
        f"Überweisung auf {fake.iban()} erfolgt am Montag.",
        "Die Lieferung kam pünktlich und vollständig an.",
        "Anna Schmidt wohnt jetzt in der Hauptstraße 12.",
    ] * 20
    finding = finding_of("Bemerkung", notes)
    assert finding.role is Role.DIRECT
    assert finding.kinds == ("free_text",)
    assert finding.share == pytest.approx(0.8)
    # The evidence as data (for an application to word), and as an English sentence.
    evidence = finding.evidence[0]
    assert evidence.code == "free-text-personal"
    assert evidence.params["values"] == 100
    assert evidence.params["matched"] == 80
    assert {"email", "iban", "person_name", "street_address"} <= set(evidence.params["found"])
    for kind in ("e-mail address", "IBAN", "person name", "street address"):
        assert kind in str(evidence)


def test_personal_data_in_some_notes_among_short_ones_is_found(fake):
    notes = ["ok", "erledigt", "ok", f"Rückruf an {fake.email()} erbeten"] * 10
    finding = finding_of("Bemerkung", notes)
    assert finding.kinds == ("free_text",)
    assert finding.share == pytest.approx(0.25)


def test_free_text_without_personal_data_is_not_flagged():
    notes = [
        "Die Lieferung kam pünktlich und vollständig an.",
        "Bitte im nächsten Quartal erneut prüfen.",
        "Im Jahr 2024 wurden 17 Anträge bearbeitet.",
        "Er belegte Platz 3 im Wettbewerb der Schulen.",
    ] * 25
    finding = finding_of("Bemerkung", notes)
    assert finding.role is Role.OTHER
    assert finding.kinds == ()


def ordinary_table(rows: int = 500) -> pl.DataFrame:
    rnd = random.Random(5)  # noqa: S311 - test data, not secrets
    start = dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.UTC)
    return pl.DataFrame(
        {
            "Betrag": [f"{rnd.uniform(1, 9000):.2f}".replace(".", ",") for _ in range(rows)],
            "amount": [f"{rnd.uniform(0, 100):.2f}" for _ in range(rows)],
            "Anzahl": [str(rnd.randint(0, 120)) for _ in range(rows)],
            "Messzeit": [(start + dt.timedelta(minutes=15 * i)).isoformat() for i in range(rows)],
            "Zeitstempel": [
                (start + dt.timedelta(seconds=37 * i)).strftime("%Y-%m-%d %H:%M:%S")
                for i in range(rows)
            ],
            "Messwert": [f"{rnd.uniform(0, 80):.5f}" for _ in range(rows)],
            "Status": [rnd.choice(["offen", "erledigt", "in Bearbeitung"]) for _ in range(rows)],
            "Artikel": [f"ART-{rnd.randint(10000, 99999)}" for _ in range(rows)],
            "Produktcode": [rnd.choice(["X1-200", "K-7", "ZX81", "4711-B"]) for _ in range(rows)],
            "EAN": [str(rnd.randint(4_000_000_000_000, 4_999_999_999_999)) for _ in range(rows)],
            "Bestellnummer": [
                str(rnd.randint(10_000_000_000, 99_999_999_999)) for _ in range(rows)
            ],
            "bezahlt": [rnd.choice(["ja", "nein"]) for _ in range(rows)],
            "Lieferdatum": [
                (dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randint(0, 700))).isoformat()
                for _ in range(rows)
            ],
            "Kategorie": [rnd.choice(["Straßenbau", "Grünflächen", "Schule"]) for _ in range(rows)],
            "Version": [
                f"{rnd.randint(1, 3)}.{rnd.randint(0, 9)}.{rnd.randint(0, 20)}" for _ in range(rows)
            ],
        }
    )


def test_ordinary_columns_are_not_flagged():
    findings = scan(ordinary_table())
    flagged = {
        f.column: (f.role, f.kinds, f.evidence) for f in findings if f.role is not Role.OTHER
    }
    assert flagged == {}


def test_random_numbers_rarely_pass_a_check_digit():
    # About 1 in 100 random IBAN-shaped strings passes mod 97: far below any threshold.
    rnd = random.Random(1)  # noqa: S311 - test data, not secrets
    shaped = [f"DE{rnd.randint(10, 99)}{rnd.randint(10**17, 10**18 - 1)}" for _ in range(500)]
    assert sum(map(iban_is_valid, shaped)) < 20
    assert finding_of("Merkmal", shaped).role is Role.OTHER


def test_examples_are_masked(fake):
    emails = column(fake, lambda f: f.email())
    finding = finding_of("E-Mail", emails)
    assert finding.examples
    for example in finding.examples:
        assert "*" in example
        assert example not in emails


def test_scans_a_lazy_frame_and_samples(fake):
    frame = pl.DataFrame({"E-Mail": column(fake, lambda f: f.email(), rows=1000)})
    (finding,) = scan(frame.lazy(), sample_rows=100)
    assert finding.kinds == ("email",)
    assert finding.values == 100


def test_empty_column_is_other():
    (finding,) = scan(pl.DataFrame({"leer": [None, "", "  "]}, schema={"leer": pl.String}))
    assert finding.role is Role.OTHER


def test_adult_suggests_the_usual_configuration(adult_csv):
    from offenestadt.anonymize.io import read_table

    roles = {f.column: f.role for f in scan(read_table(adult_csv))}
    quasi = ["sex", "age", "race", "marital-status", "education", "native-country", "workclass",
             "occupation"]  # fmt: skip
    assert roles == {**dict.fromkeys(quasi, Role.QUASI), "salary-class": Role.SENSITIVE}


# --- check digits -----------------------------------------------------------------------------


def iban_with_check(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country) + "00"
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def test_published_examples():
    assert iban_is_valid("DE89 3704 0044 0532 0130 00")
    assert iban_is_valid("GB82WEST12345698765432")
    assert not iban_is_valid("DE89 3704 0044 0532 0130 01")
    assert not iban_is_valid("DE89 3704 0044 0532 0130")  # too short for Germany
    assert tax_id_is_valid("86095742719")
    assert not tax_id_is_valid("86095742710")
    assert not tax_id_is_valid("11111111111")  # digit pattern impossible
    assert social_insurance_number_is_valid("65 170839 J 003")
    assert not social_insurance_number_is_valid("65 170839 J 004")
    assert not social_insurance_number_is_valid("65 170899 J 003")  # no 89th of August


@given(st.text("0123456789", min_size=18, max_size=18))
def test_valid_german_ibans_are_detected(bban):
    iban = iban_with_check("DE", bban)
    assert iban_is_valid(iban)
    assert finding_of("Merkmal", [iban] * 5).kinds == ("iban",)


@given(
    st.text("0123456789", min_size=18, max_size=18),
    st.integers(2, 21),
    st.integers(1, 9),
)
def test_an_iban_with_one_digit_changed_is_not_an_iban(bban, position, delta):
    iban = iban_with_check("DE", bban)
    changed = iban[:position] + str((int(iban[position]) + delta) % 10) + iban[position + 1 :]
    assert not iban_is_valid(changed)
    assert finding_of("Merkmal", [changed] * 5).role is Role.OTHER


@st.composite
def tax_id_prefixes(draw) -> str:
    """The first ten digits of a Steuer-ID: one digit twice, eight others once, no leading 0."""
    digits = draw(st.permutations("0123456789"))
    twice = draw(st.sampled_from(digits[:9]))
    body = [*digits[:9], twice]
    body = draw(st.permutations(body))
    if body[0] == "0":
        body = [body[1], body[0], *body[2:]] if body[1] != "0" else body
    return "".join(body)


@given(tax_id_prefixes())
def test_exactly_one_check_digit_completes_a_tax_id(prefix):
    if prefix[0] == "0":
        return
    valid = [d for d in "0123456789" if tax_id_is_valid(prefix + d)]
    assert len(valid) == 1


@given(tax_id_prefixes(), st.integers(0, 10), st.integers(1, 9))
def test_a_tax_id_with_one_digit_changed_is_invalid(prefix, position, delta):
    if prefix[0] == "0":
        return
    (check,) = [d for d in "0123456789" if tax_id_is_valid(prefix + d)]
    number = prefix + check
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not tax_id_is_valid(changed)


@given(st.integers(0, 9))
def test_a_pension_number_with_another_check_digit_is_invalid(check):
    assert social_insurance_number_is_valid(f"65170839J00{check}") == (check == 3)


# --- the command ------------------------------------------------------------------------------

COMMAND = Path(sys.executable).parent / "offenestadt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, check=False)


def test_scan_command_on_an_excel_style_csv(tmp_path, fake):
    header = "Name;E-Mail;Geburtsdatum;Stadtteil;Betrag;Status"
    rows = [
        ";".join(
            [
                fake.name().replace("ş", "s"),
                fake.email(),
                fake.date_of_birth().strftime("%d.%m.%Y"),
                fake.random_element(["Wattenscheid", "Weitmar", "Höntrop"]),
                f"{fake.random_int(1, 999)},{fake.random_int(0, 99):02d} €",
                fake.random_element(["offen", "erledigt"]),
            ]
        )
        for _ in range(60)
    ]
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join([header, *rows]).encode("cp1252", errors="replace"))

    result = run("scan", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == 60
    roles = {c["column"]: c["role"] for c in report["columns"]}
    assert roles == {
        "Name": "direct identifier",
        "E-Mail": "direct identifier",
        "Geburtsdatum": "quasi-identifier",
        "Stadtteil": "quasi-identifier",
        "Betrag": "other",
        "Status": "other",
    }

    text = run("scan", str(path), "--sample", "20")
    assert text.returncode == 0, text.stderr
    assert "60 records, 20 looked at" in text.stdout
    assert "E-Mail" in text.stdout and "e-mail address" in text.stdout


def test_scan_command_reports_bad_input_without_traceback(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a;b\n1;2\n3;4;5\n")
    result = run("scan", str(path))
    assert result.returncode == 2
    assert "line 3: 3 fields, but the header has 2" in result.stderr
    assert "Traceback" not in result.stderr

    missing = run("scan", str(tmp_path / "nope.parquet"))
    assert missing.returncode == 2
    assert "file not found" in missing.stderr
