"""The register of processing activities as JSON, CSV and PDF: every Art. 30(1) field."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from offenestadt.accounts.models import Office
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    DataAccess,
    DataLocation,
    Location,
    SubProcessor,
    Vendor,
)
from offenestadt.core.tests.pdfs import assert_accessible_pdf, structure_tags
from offenestadt.processing.export import (
    ART30_LETTERS,
    CATEGORY_LISTS,
    FIELDS,
    export_csv,
    export_json,
    register_rows,
)
from offenestadt.processing.export_pdf import export_pdf
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    RetentionUnit,
    ReviewStatus,
    SourceProtection,
    SpecialCategory,
    Transfer,
)
from offenestadt.registry.tests.factories import ProjectFactory

PURPOSES = "Vergabe von Terminen für „Pass & Ausweis“ – Gebühr 37 €"


def make_activity(office: Office | None, slug: str, **fields: Any) -> ProcessingActivity:
    values: dict[str, Any] = {
        "title": f"Tätigkeit {slug}",
        "controller": "Stadt Musterstadt, Bürgeramt",
        "controller_contact": "Rathausplatz 1, buergeramt@example.org",
        "dpo_contact": "datenschutz@example.org",
        **fields,
    }
    return ProcessingActivity.objects.create(slug=slug, office=office, **values)


def make_contract(title: str, **fields: Any) -> Contract:
    """A contract whose vendor is in Germany, with one place and one sub-processor in the
    United States and one of each in Germany."""
    vendor = Vendor.objects.create(
        legal_name=f"Bürgerdienste GmbH ({title})",
        country="DE",
        address="Hauptstraße 5, 10115 Berlin",
    )
    contract = Contract.objects.create(
        title=title, vendor=vendor, purpose="Betrieb und Wartung", **fields
    )
    DataLocation.objects.create(
        contract=contract,
        kind=Location.STORAGE,
        country="DE",
        city="Frankfurt am Main",
        operator="Rechenzentrum Süd",
    )
    DataLocation.objects.create(
        contract=contract,
        kind=Location.PROCESSING,
        country="US",
        city="Ashburn",
        operator="Wolkenrechner Inc.",
        data_centre="us-east-1",
        safeguard="Standardvertragsklauseln (Art. 46 Abs. 2 lit. c)",
    )
    SubProcessor.objects.create(
        contract=contract,
        name="Mailversand Corp.",
        country="US",
        purpose="E-Mail-Versand",
        safeguard="EU-US Data Privacy Framework",
    )
    SubProcessor.objects.create(
        contract=contract, name="Druckerei Köln", country="DE", purpose="Briefversand"
    )
    DataAccess.objects.create(
        contract=contract,
        organisation="Bürgerdienste Support",
        role="Fehlerbehebung",
        purpose="Störungen beheben",
        mode=AccessMode.REMOTE,
        country="DE",
    )
    return contract


@pytest.fixture
def activity(office: Office) -> ProcessingActivity:
    """An activity with every Art. 30(1) field filled, two categories, a transfer, a project
    and a contract whose processors and third-country places are not entered on it."""
    now = timezone.now()
    activity = make_activity(
        office,
        "terminvergabe",
        title="Online-Terminvergabe im Bürgerbüro",
        joint_controllers="Landkreis Beispiel (Zulassungsstelle)",
        purposes=PURPOSES,
        data_subjects="Bürgerinnen und Bürger, die einen Termin buchen",
        recipients="Sachbearbeitung im Bürgeramt",
        security_measures="Verschlüsselung (TLS), Zugriffsrechte nach Rollen, Protokollierung",
        plain_language="Wir speichern Ihren Namen, bis der Termin vorbei ist.",
        dpia_reference="DSFA-2025-07",
        review_status=ReviewStatus.APPROVED,
        published_at=now,
    )
    DataCategory.objects.create(
        activity=activity,
        name="Name und Vorname",
        purpose="Zuordnung des Termins",
        legal_basis=LegalBasis.ART6_E,
        retention_amount=14,
        retention_unit=RetentionUnit.DAYS,
        retention_start="dem Termin",
        necessity="Ohne Namen lässt sich der Termin nicht zuordnen.",
    )
    DataCategory.objects.create(
        activity=activity,
        name="Angaben zur Barrierefreiheit",
        special_category=SpecialCategory.ART9,
        purpose="Barrierefreier Zugang zum Bürgerbüro",
        legal_basis=LegalBasis.ART9_G,
        retention_amount=3,
        retention_unit=RetentionUnit.MONTHS,
        retention_justification="Rückfragen nach dem Termin",
        mandatory=False,
        necessity="Nur wenn Unterstützung gewünscht ist.",
        source_protection=SourceProtection.PSEUDONYMISED,
    )
    Transfer.objects.create(
        activity=activity,
        recipient="Terminstatistik AG",
        country="CH",
        safeguard="Angemessenheitsbeschluss (Schweiz)",
    )
    activity.projects.add(ProjectFactory.create(title="Digitales Bürgerbüro", office=office))
    activity.contracts.add(make_contract("Betrieb der Terminvergabe", published_at=now))
    return activity


def leaf_paths(value: Any, path: str = "") -> Iterator[str]:
    """Where each value of a JSON entry sits, written as in ``Field.path``."""
    if isinstance(value, dict) and set(value) != {"code", "label"}:
        for key, inner in value.items():
            yield from leaf_paths(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and path in CATEGORY_LISTS:
        for item in value:
            yield from leaf_paths(item, f"{path}[]")
    else:
        yield path


def squashed(text: str) -> str:
    """Text without whitespace: the PDF wraps lines wherever a table cell ends."""
    return "".join(text.split())


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def activities() -> Any:
    """The activities the test made: every database also holds the platform's own."""
    return ProcessingActivity.objects.filter(is_platform_own=False)


# --- JSON -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_json_answers_every_letter_of_art30(activity: ProcessingActivity) -> None:
    document = json.loads(export_json(activities()))
    [entry] = document["activities"]
    for key in ART30_LETTERS:
        assert entry[key], key
    assert all(entry["art30_1_a_controller"].values())
    assert entry["art30_1_b_purposes"] == PURPOSES
    [_name, health] = entry["art30_1_c_data_categories"]
    assert health["special_category"]["code"] == "art9"
    assert health["legal_basis"] == {"code": "9-2-g", "label": str(LegalBasis.ART9_G.label)}
    assert health["retention"] == {
        "amount": 3,
        "unit": {"code": "months", "label": "Monate"},
        "unlimited": False,
        "starts_with": "",
        "justification": "Rückfragen nach dem Termin",
    }
    assert [limit["time_limit"] for limit in entry["art30_1_f_erasure_time_limits"]] == [
        "14 Tage ab dem Termin",
        "3 Monate",
    ]
    assert entry["art30_1_d_recipients"]["categories"] == "Sachbearbeitung im Bürgeramt"
    assert entry["art30_1_g_security_measures"].startswith("Verschlüsselung")
    assert entry["projects"][0]["title"] == "Digitales Bürgerbüro"
    assert entry["dpia_reference"] == "DSFA-2025-07"
    assert entry["url"] == "/verarbeitungen/terminvergabe/"


@pytest.mark.django_db
def test_the_processors_come_from_the_linked_contracts(activity: ProcessingActivity) -> None:
    [entry] = register_rows(activities())
    processors = {
        (p["name"], p["role"]["code"]) for p in entry["art30_1_d_recipients"]["processors"]
    }
    assert processors == {
        ("Bürgerdienste GmbH (Betrieb der Terminvergabe)", "processor"),
        ("Mailversand Corp.", "subprocessor"),
        ("Druckerei Köln", "subprocessor"),
    }
    [access] = entry["art30_1_d_recipients"]["accesses"]
    assert access["organisation"] == "Bürgerdienste Support"
    transfers = {
        (t["recipient"], t["country"], t["safeguard"], t["source"]["code"])
        for t in entry["art30_1_e_third_country_transfers"]
    }
    # Places in the EU/EEA are no transfer; those in the United States are, with their source.
    assert transfers == {
        ("Terminstatistik AG", "CH", "Angemessenheitsbeschluss (Schweiz)", "activity"),
        (
            "Wolkenrechner Inc.",
            "US",
            "Standardvertragsklauseln (Art. 46 Abs. 2 lit. c)",
            "contract_location",
        ),
        ("Mailversand Corp.", "US", "EU-US Data Privacy Framework", "contract_subprocessor"),
    }


@pytest.mark.django_db
def test_the_fields_cover_every_value_of_the_json(activity: ProcessingActivity) -> None:
    """The CSV and the PDF read FIELDS: a value missing there would be missing in both."""
    [entry] = register_rows(activities())
    assert set(leaf_paths(entry)) == {field.path for field in FIELDS}
    assert {field.section for field in FIELDS} == {"", *ART30_LETTERS}


@pytest.mark.django_db
def test_the_json_header_names_the_controller_and_explains_the_keys(
    activity: ProcessingActivity,
) -> None:
    document = json.loads(export_json(activities(), generated_at=timezone.now()))
    header = document["document"]
    assert header["controller"]["name"] == settings.OPERATOR_NAME
    assert header["controller"]["address"] == settings.OPERATOR_ADDRESS
    assert header["dpo_contact"] == settings.DPO_CONTACT
    assert set(header["legend"]) == set(ART30_LETTERS)
    assert header["legend"]["art30_1_f_erasure_time_limits"].startswith(
        "Art. 30 Abs. 1 lit. f DSGVO: wenn möglich, die vorgesehenen Fristen"
    )


@pytest.mark.django_db
def test_the_json_is_sorted_and_keeps_umlauts(office: Office) -> None:
    make_activity(office, "zweite", title="Zählung")
    make_activity(None, "erste", title="Anmeldung")
    moment = timezone.now()
    content = export_json(activities(), generated_at=moment)
    assert "Zählung".encode() in content
    assert [a["slug"] for a in json.loads(content)["activities"]] == ["erste", "zweite"]
    assert content == export_json(activities(), generated_at=moment)


@pytest.mark.django_db
def test_the_json_takes_a_bounded_number_of_queries(
    activity: ProcessingActivity, office: Office, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        other = make_activity(office, f"weitere-{number}")
        for name in ("E-Mail", "Telefon", "Anschrift"):
            DataCategory.objects.create(activity=other, name=name)
        Transfer.objects.create(activity=other, recipient="Statistik AG", country="CH")
        other.contracts.add(make_contract(f"Vertrag {number}"))
        other.projects.add(ProjectFactory.create(office=office))
    # Activities, categories, transfers, projects, contracts with their vendor, places,
    # sub-processors and accesses: one query each.
    with django_assert_max_num_queries(8):
        export_json(activities())


# --- CSV --------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_csv_has_a_row_per_category_and_a_column_per_letter(
    activity: ProcessingActivity,
) -> None:
    rows = read_csv(export_csv(activities()))
    header = list(rows[0])
    assert header == [field.column for field in FIELDS]
    for letter in "abcdefg":
        assert any(column.startswith(f"{letter}_") for column in header), letter
    first, second = rows
    # The activity's columns repeat on each category's row.
    for row in rows:
        assert row["a_controller_name"] == "Stadt Musterstadt, Bürgeramt"
        assert row["a_controller_joint_controllers"] == "Landkreis Beispiel (Zulassungsstelle)"
        assert row["a_controller_dpo_contact"] == "datenschutz@example.org"
        assert row["b_purposes"] == PURPOSES
        assert row["c_data_subjects"].startswith("Bürgerinnen")
        assert row["d_recipients_categories"] == "Sachbearbeitung im Bürgeramt"
        assert "Mailversand Corp." in row["d_recipients_processors"]
        assert "Bürgerdienste GmbH" in row["d_recipients_processors"]
        assert "Bürgerdienste Support" in row["d_recipients_accesses"]
        assert "Wolkenrechner Inc. – US" in row["e_third_country_transfers"]
        assert "Terminstatistik AG – CH" in row["e_third_country_transfers"]
        assert "Druckerei Köln" not in row["e_third_country_transfers"]
        assert row["g_security_measures"].startswith("Verschlüsselung")
        assert row["title"] == "Online-Terminvergabe im Bürgerbüro"
    assert first["c_data_categories_name"] == "Name und Vorname"
    assert first["c_data_categories_legal_basis"] == str(LegalBasis.ART6_E.label)
    assert first["c_data_categories_mandatory"] == "Ja"
    assert first["f_erasure_time_limits_time_limit"] == "14 Tage ab dem Termin"
    assert second["c_data_categories_special_category"] == str(SpecialCategory.ART9.label)
    assert second["c_data_categories_retention_amount"] == "3"
    assert second["f_erasure_time_limits_justification"] == "Rückfragen nach dem Termin"


@pytest.mark.django_db
def test_an_activity_without_categories_still_gets_a_row(office: Office) -> None:
    make_activity(office, "leer", purposes="Noch offen")
    [row] = read_csv(export_csv(activities()))
    assert row["b_purposes"] == "Noch offen"
    assert row["c_data_categories_name"] == ""
    assert row["f_erasure_time_limits_time_limit"] == ""


@pytest.mark.django_db
def test_csv_cells_a_spreadsheet_would_run_are_defused(office: Office) -> None:
    entry = make_activity(office, "formel", title='=HYPERLINK("http://evil")', purposes="@SUM(A1)")
    DataCategory.objects.create(activity=entry, name="+1+1")
    [row] = read_csv(export_csv(activities()))
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["b_purposes"] == "'@SUM(A1)"
    assert row["c_data_categories_name"] == "'+1+1"


# --- PDF --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "published", "created"),
    [
        ("de", "20. Juni 2024 14:00", "1. Juli 2024 09:30"),
        ("en", "June 20, 2024, 2 p.m.", "July 1, 2024, 9:30 a.m."),
    ],
)
def test_the_register_reads_in_its_language_not_as_keys_and_iso_times(
    activity: ProcessingActivity, language: str, published: str, created: str
) -> None:
    activities().update(published_at=datetime(2024, 6, 20, 12, tzinfo=UTC))
    with translation.override(language):
        text = squashed(pdf_text(export_pdf(activities(), generated_at=JULY_FIRST)))
        [row, _second] = read_csv(export_csv(activities()))

    assert squashed(published) in text
    assert squashed(created) in text
    assert row["published_at"] == published
    for raw in ("2024-06-20", "2024-07-01", "art30_1_", "True", "False"):
        assert raw not in text
        assert not any(raw in cell for cell in row.values())


JULY_FIRST = datetime(2024, 7, 1, 7, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_pdf_holds_every_value_with_umlauts(activity: ProcessingActivity) -> None:
    content = export_pdf(activities())
    text = squashed(pdf_text(content))
    expected = [
        settings.OPERATOR_NAME,
        settings.DPO_CONTACT,
        "Online-Terminvergabe im Bürgerbüro",
        "Stadt Musterstadt, Bürgeramt",
        "Rathausplatz 1, buergeramt@example.org",
        "Landkreis Beispiel (Zulassungsstelle)",
        PURPOSES,
        "Bürgerinnen und Bürger, die einen Termin buchen",
        "Name und Vorname",
        "Angaben zur Barrierefreiheit",
        str(LegalBasis.ART9_G.label),
        str(SpecialCategory.ART9.label),
        "Ohne Namen lässt sich der Termin nicht zuordnen.",
        str(SourceProtection.PSEUDONYMISED.label),
        "Sachbearbeitung im Bürgeramt",
        "Bürgerdienste GmbH (Betrieb der Terminvergabe)",
        "Mailversand Corp.",
        "Bürgerdienste Support",
        "Wolkenrechner Inc.",
        "Standardvertragsklauseln (Art. 46 Abs. 2 lit. c)",
        "EU-US Data Privacy Framework",
        "Terminstatistik AG",
        "Angemessenheitsbeschluss (Schweiz)",
        "14 Tage ab dem Termin",
        "Rückfragen nach dem Termin",
        "Verschlüsselung (TLS), Zugriffsrechte nach Rollen, Protokollierung",
        "Digitales Bürgerbüro",
        "DSFA-2025-07",
        "Wir speichern Ihren Namen, bis der Termin vorbei ist.",
        *(str(letter.heading) for letter in ART30_LETTERS.values()),
    ]
    missing = [value for value in expected if squashed(value) not in text]
    assert not missing


@pytest.mark.django_db
def test_the_pdf_says_what_it_is(activity: ProcessingActivity) -> None:
    reader = assert_accessible_pdf(
        export_pdf(activities()), title="Verzeichnis von Verarbeitungstätigkeiten", language="de"
    )
    assert reader.metadata is not None
    assert reader.metadata.author == settings.OPERATOR_NAME
    assert "Art. 30" in (reader.metadata.subject or "")
    tags = structure_tags(reader.root_object["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/Table", "/TH"} <= tags, tags


@pytest.mark.django_db
def test_markup_and_long_text_do_not_break_the_pdf(office: Office) -> None:
    entry = make_activity(
        office,
        "markup",
        title="Prüfung <b>fett</b> & Co",
        purposes="A & B < C > D <para>",
        security_measures="Sehr lange Beschreibung der Maßnahmen. " * 800,
    )
    DataCategory.objects.create(
        activity=entry, name="<i>Name</i> & Anschrift", necessity="Begründung, " * 1500
    )
    text = squashed(pdf_text(export_pdf(activities())))
    for value in ("Prüfung <b>fett</b> & Co", "A & B < C > D <para>", "<i>Name</i> & Anschrift"):
        assert squashed(value) in text


@pytest.mark.django_db
def test_an_empty_register_still_exports(db: None) -> None:
    nothing = ProcessingActivity.objects.none()
    assert json.loads(export_json(nothing))["activities"] == []
    assert read_csv(export_csv(nothing)) == []
    assert export_pdf(nothing).startswith(b"%PDF")


# --- The command ------------------------------------------------------------------------


@pytest.fixture
def draft(office: Office, activity: ProcessingActivity) -> ProcessingActivity:
    """A draft next to the published activity, and a draft contract linked to the latter."""
    activity.contracts.add(make_contract("Vertragsentwurf Chatbot"))
    return make_activity(office, "entwurf", title="Entwurf Bürgerumfrage")


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["json", "csv", "pdf"])
def test_the_command_writes_each_format(
    draft: ProcessingActivity, tmp_path: Path, export_format: str
) -> None:
    out = tmp_path / f"verzeichnis.{export_format}"
    call_command("processing", "export", "--format", export_format, "--out", str(out))
    content = out.read_bytes()
    text = {
        "json": lambda: content.decode(),
        "csv": lambda: content.decode("utf-8-sig"),
        "pdf": lambda: pdf_text(content),
    }[export_format]()
    assert "Online-Terminvergabe im Bürgerbüro" in text
    assert "Entwurf Bürgerumfrage" in text
    assert "Vertragsentwurf Chatbot" in text


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["json", "csv", "pdf"])
def test_published_only_leaves_out_drafts(
    draft: ProcessingActivity, tmp_path: Path, export_format: str
) -> None:
    out = tmp_path / f"verzeichnis.{export_format}"
    call_command(
        "processing", "export", "--format", export_format, "--out", str(out), "--published-only"
    )
    content = out.read_bytes()
    text = pdf_text(content) if export_format == "pdf" else content.decode("utf-8-sig")
    assert "Online-Terminvergabe im Bürgerbüro" in text
    assert "Entwurf Bürgerumfrage" not in text
    # Nor does a draft contract linked to a published activity show, as on the public page.
    assert "Vertragsentwurf Chatbot" not in text


@pytest.mark.django_db
def test_the_command_writes_to_stdout(
    activity: ProcessingActivity, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    call_command("processing", "export", "--format", "pdf")
    assert capsysbinary.readouterr().out.startswith(b"%PDF")
    call_command("processing", "export")
    document = json.loads(capsysbinary.readouterr().out)
    assert "terminvergabe" in {entry["slug"] for entry in document["activities"]}


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_format(db: None) -> None:
    with pytest.raises(CommandError, match="xlsx"):
        call_command("processing", "export", "--format", "xlsx")
