"""The council's annual report: each principle's state at the year's end, the gates passed by
council decision with their reasons, the contracts signed and where their data goes, the
deletions run and the results of participation; as a public page and from the command line."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from offenestadt.accounts.models import User
from offenestadt.charter.engine import Status
from offenestadt.charter.models import CharterVersion
from offenestadt.core.tests.pdfs import assert_accessible_pdf, structure_tags
from offenestadt.overview.report import annual_report
from offenestadt.overview.tests.fixtures import Programme, programme
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures.models import Procedure
from offenestadt.processing.models import RetentionRun
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import CouncilOverride, ProjectStatus
from offenestadt.registry.services import CouncilDecision, project_transition
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def year_of_work(charter: CharterVersion, editor: User) -> Programme:
    city = programme(editor)
    held = ProjectFactory.create(
        office=editor.office, title="Sensoren am Ring", status=ProjectStatus.CONSULTATION
    )
    project_transition(
        actor=editor,
        project=held,
        to=ProjectStatus.DECISION,
        council_decision=CouncilDecision(
            reference="Drucksache 20261234",
            decided_on=timezone.localdate(),
            justification="Die Förderfrist endet; die Beteiligung wird nachgeholt.",
        ),
    )
    assert CouncilOverride.objects.filter(project=held).exists()
    RetentionRun.objects.create(ran_at=timezone.now(), counts={"plattform-konten/unbekannt": 3})
    RetentionRun.objects.create(ran_at=timezone.now(), counts={"plattform-konten/unbekannt": 2})
    procedure = Procedure.objects.create(
        slug="ringpark",
        title="Beteiligung Ringpark",
        summary="Was wird aus dem Park?",
        published_at=timezone.now(),
        result_report="Die Bänke kommen, die Kameras nicht.",
        result_report_published_at=timezone.now(),
    )
    Comment.objects.create(procedure=procedure, text="Mehr Bänke.", channel=Channel.POST)
    return city


def test_the_report_holds_principles_overrides_contracts_deletions_and_results(
    year_of_work: Programme,
) -> None:
    report = annual_report(timezone.localdate().year)
    p2 = next(row for row in report.principles if row.principle.id == "P2")
    assert dict(p2.counts)[Status.VIOLATED] == 1
    (override,) = report.overrides
    assert override.override.decision_reference == "Drucksache 20261234"
    assert override.findings
    assert [entry.contract.title for entry in report.contracts] == ["Cloud-Sensorik"]
    assert report.contracts[0].region == "third_country"
    assert report.deletions.runs == 2
    assert report.deletions.total == 5
    (procedure,) = report.procedures
    assert procedure.mix.offline == 1


def test_a_year_before_is_empty(year_of_work: Programme) -> None:
    report = annual_report(timezone.localdate().year - 1)
    assert report.overrides == []
    assert report.contracts == []
    assert report.deletions.runs == 0
    assert report.procedures == []
    assert report.is_complete


def test_the_report_page_is_public(year_of_work: Programme, client_for: ClientFor) -> None:
    year = timezone.localdate().year
    response = client_for(None).get(f"/charta/bericht/{year}/")
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "Ratsbeschluss Drucksache 20261234 vom",
        "Die Förderfrist endet",
        "Cloud-Sensorik",
        "auch in Drittländern",
        "Die Bänke kommen",
        "2 Löschläufe",
    ):
        assert expected in text
    assert client_for(None).get("/charta/bericht/")["Location"] == f"/charta/bericht/{year}/"
    assert client_for(None).get(f"/charta/bericht/{year + 1}/").status_code == 404
    assert client_for(None).get("/charta/bericht/1999/").status_code == 404
    # The request switches the language; the block switches it back for the tests after.
    with translation.override("de"):
        english = client_for(None).get(f"/en/charta/bericht/{year}/").content.decode()
    assert "Annual report" in english


def test_the_command_writes_the_report_as_html(year_of_work: Programme, tmp_path: Path) -> None:
    out = tmp_path / "bericht.html"
    year = timezone.localdate().year
    call_command("report", "--year", str(year), "--format", "html", "--output", str(out))
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in html
    assert "Drucksache 20261234" in html
    # Links in a file lead to the site.
    assert 'href="http://' in html


def test_the_command_writes_the_report_as_a_tagged_pdf(
    year_of_work: Programme, tmp_path: Path
) -> None:
    out = tmp_path / "bericht.pdf"
    year = timezone.localdate().year
    call_command("report", "--year", str(year), "--format", "pdf", "--output", str(out))
    title = f"Jahresbericht {year} – {settings.OPERATOR_NAME}"
    reader = assert_accessible_pdf(out.read_bytes(), title=title, language="de")
    assert {"/H1", "/H2", "/H3", "/Table", "/TH"} <= structure_tags(
        reader.root_object["/StructTreeRoot"]
    )
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Drucksache 20261234" in text
    assert "Cloud-Sensorik" in text


def test_the_report_page_links_its_pdf(year_of_work: Programme, client_for: ClientFor) -> None:
    year = timezone.localdate().year
    page = client_for(None).get(f"/charta/bericht/{year}/").content.decode()
    assert f'href="/charta/bericht/{year}/bericht.pdf"' in page
    with translation.override("de"):
        response = client_for(None).get(f"/en/charta/bericht/{year}/bericht.pdf")
    assert response["Content-Type"] == "application/pdf"
    title = f"Annual report {year} – {settings.OPERATOR_NAME}"
    assert_accessible_pdf(response.content, title=title, language="en")
    assert client_for(None).get("/charta/bericht/1999/bericht.pdf").status_code == 404


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("zwanzig", "„zwanzig“ ist keine Jahreszahl"),
        ("1999", "nicht für 1999"),
        (str(date.today().year + 1), f"nicht für {date.today().year + 1}"),  # noqa: DTZ011
    ],
)
def test_a_bad_year_is_refused_with_a_clear_message(db: None, year: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", "--year", year)


def test_an_unknown_format_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="Unbekanntes Format „docx“"):
        call_command("report", "--year", str(timezone.localdate().year), "--format", "docx")
