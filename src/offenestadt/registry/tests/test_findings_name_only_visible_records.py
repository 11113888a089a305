"""Findings shown to someone never name a record that person may not see, and the stored
evaluation history keeps only the kind and id of records that were not public."""

import importlib
import json
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services as contract_services
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractStatus,
    DataAccess,
    DataLocation,
    DataOwner,
    Location,
    SubProcessor,
)
from offenestadt.processing.models import ProcessingActivity
from offenestadt.registry.models import Project, ProjectEvaluation, ProjectStatus
from offenestadt.registry.services import (
    CouncilDecision,
    linked_record_save,
    project_evaluate,
    project_transition,
)
from offenestadt.registry.tests.factories import ProjectFactory

DRAFT_TITLE = "Geheimer Rahmenvertrag Kamerasysteme"
VENDOR = "Überwachungs-Cloud Inc."


@pytest.fixture
def project(office: Office, charter: CharterVersion) -> Project:
    return ProjectFactory.create(office=office, slug="sensoren", title="Sensoren")


@pytest.fixture
def draft_contract(editor: User, project: Project) -> Contract:
    """A draft whose own findings name a vendor outside the EU without a safeguard."""
    contract = Contract(title=DRAFT_TITLE, data_owner=DataOwner.CITY)
    linked_record_save(actor=editor, record=contract, projects=[project])
    for clause in (
        DataLocation(contract=contract, kind=Location.PROCESSING, country="DE", city="Bochum"),
        DataAccess(
            contract=contract,
            organisation="Stadtwerke",
            role="Betrieb",
            purpose="Wartung",
            mode=AccessMode.REMOTE,
        ),
        SubProcessor(contract=contract, name=VENDOR, country="US"),
    ):
        contract_services.contract_clause_save(actor=editor, clause=clause)
    project_evaluate(project=project)
    return contract


def _leaks(text: str) -> bool:
    return DRAFT_TITLE in text or VENDOR in text


@pytest.mark.parametrize(
    "path",
    [
        "/projekte/sensoren/",
        "/en/projekte/sensoren/",
        "/projekte/sensoren/pruefungen/",
        "/api/v1/projects/sensoren/findings",
        "/api/v1/projects/sensoren/evaluations",
    ],
)
def test_the_public_never_sees_a_draft_named_in_findings(
    client: Client, draft_contract: Contract, path: str
) -> None:
    response = client.get(path)
    body = (
        json.dumps(response.json(), ensure_ascii=False)
        if path.startswith("/api/")
        else response.content.decode()
    )
    assert not _leaks(body)
    # The finding itself stays: the project's scorecard does not pretend all is well.
    assert "nicht öffentlich" in body or "not public" in body
    assert "⟦" not in body


def test_staff_see_the_draft_they_may_read(
    client_for, editor: User, draft_contract: Contract
) -> None:
    body = client_for(editor).get("/projekte/sensoren/").content.decode()
    assert f"{DRAFT_TITLE} (nicht öffentlich)" in body
    assert "⟦" not in body


def test_stored_evaluations_keep_ids_not_titles(project: Project, draft_contract: Contract) -> None:
    stored = json.dumps([e.findings for e in ProjectEvaluation.objects.filter(project=project)])
    assert not _leaks(stored)
    assert f"contracts.contract#{draft_contract.pk}" in stored


def test_once_published_the_contract_is_named(
    client: Client, editor: User, project: Project, draft_contract: Contract
) -> None:
    contract_services.contract_transition(
        actor=editor,
        contract=draft_contract,
        to=ContractStatus.PUBLISHED,
        today=timezone.localdate(),
    )
    data = client.get("/api/v1/projects/sensoren/findings").json()
    messages = " ".join(f["message"]["de"] for f in data["findings"])
    assert DRAFT_TITLE in messages and VENDOR in messages


def test_a_processing_not_yet_approved_is_not_named(
    client_for, editor: User, project: Project
) -> None:
    project.processes_personal_data = True
    project.save()
    activity = ProcessingActivity(title="Kennzeichenerfassung Innenstadt", slug="kennzeichen")
    linked_record_save(actor=editor, record=activity, projects=[project])
    assert (
        "Kennzeichenerfassung" not in client_for(None).get("/projekte/sensoren/").content.decode()
    )
    staff_page = client_for(editor).get("/projekte/sensoren/").content.decode()
    assert "Kennzeichenerfassung Innenstadt (nicht öffentlich)" in staff_page


def test_a_council_decision_keeps_no_title_of_a_draft(
    client: Client, editor: User, project: Project, draft_contract: Contract
) -> None:
    project.status = ProjectStatus.CONSULTATION
    project.save()
    project_transition(
        actor=editor,
        project=project,
        to=ProjectStatus.DECISION,
        council_decision=CouncilDecision("Vorlage 2026/0815", date(2026, 5, 1), "Dringend."),
    )
    (override,) = project.overrides.all()
    assert not _leaks(json.dumps(override.overridden_findings))
    body = client.get("/projekte/sensoren/").content.decode()
    assert "Vorlage 2026/0815" in body and not _leaks(body)
    api = json.dumps(client.get("/api/v1/projects/sensoren").json(), ensure_ascii=False)
    assert "Vorlage 2026/0815" in api and not _leaks(api) and "⟦" not in api


def test_history_stored_before_the_rule_loses_draft_titles(
    project: Project, draft_contract: Contract, charter: CharterVersion
) -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "offenestadt.registry.migrations.0004_findings_keep_no_draft_titles"
    )
    leaked = {
        "principle": "P2",
        "rule": "contracts-keep-data-with-city",
        "status": "violated",
        "message": {"de": f"Vertrag „{DRAFT_TITLE}“: {VENDOR}", "en": f"{DRAFT_TITLE}: {VENDOR}"},
        "fix_url": "/projekte/sensoren/#verknuepft",
    }
    old = ProjectEvaluation.objects.create(
        project=project, charter_version=charter, findings=[leaked], is_current=False
    )
    migration.forwards(apps, None)
    old.refresh_from_db()
    assert not _leaks(json.dumps(old.findings))
    assert (
        old.findings[0]["message"]["de"] == f"⟦contracts.contract#{draft_contract.pk}⟧: verletzt."
    )
