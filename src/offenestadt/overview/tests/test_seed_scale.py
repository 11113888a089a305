"""The scale data set the benchmarks run on: the sizes asked for, a valid audit chain,
stored findings, facets spread over many values, and public pages that serve it."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, AuditEvent
from offenestadt.audit.verification import verify_chain
from offenestadt.contracts.models import Contract
from offenestadt.opendata.models import Dataset
from offenestadt.participation.models import Comment, Proposal
from offenestadt.registry.models import EvaluatedPrinciple, Project, ProjectEvaluation
from offenestadt.registry.services import project_create

pytestmark = pytest.mark.django_db

SIZES = ["--projects", "20", "--contracts", "10", "--datasets", "20", "--contributions", "60"]
ENTRIES = 1500


def _seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_scale", *SIZES, "--audit-entries", str(ENTRIES), *extra, stdout=out)
    return out.getvalue()


def _not_charter(entries: int) -> int:
    """Entries but those of the charter, which the seed loads when there is none."""
    return entries - AuditEntry.objects.filter(object_type="charter.charterversion").count()


def test_it_writes_the_sizes_asked_for_in_a_chain_that_verifies() -> None:
    before = AuditEntry.objects.count()
    output = _seed("--evaluate", "5")

    assert Project.objects.count() == 20
    assert Contract.objects.count() == 10
    assert Dataset.objects.count() == 20
    assert Comment.objects.count() + Proposal.objects.count() == 60
    assert _not_charter(AuditEntry.objects.count()) == before + ENTRIES
    assert f"audit_entries: {ENTRIES}" in output
    report = verify_chain()
    assert report.ok, report.problems
    call_command("audit", "verify", stdout=StringIO())
    # Every project has its stored findings, with the principles' states beside them.
    assert ProjectEvaluation.objects.filter(is_current=True).count() == 20
    assert EvaluatedPrinciple.objects.exists()
    # The main records have histories: publication, status changes, revised texts.
    events = set(AuditEntry.objects.values_list("event", flat=True))
    assert {AuditEvent.PUBLISHED, AuditEvent.STATUS_CHANGED, AuditEvent.CHANGED} <= events
    statuses = set(Project.objects.values_list("status", flat=True))
    assert len(statuses) >= 4


def test_public_pages_and_the_api_serve_the_data_set() -> None:
    _seed()
    client = Client()
    project = Project.objects.filter(published_at__isnull=False).first()
    dataset = Dataset.objects.filter(published_at__isnull=False).first()
    contract = Contract.objects.filter(published_at__isnull=False).first()
    assert project and dataset and contract
    pages = [
        "/projekte/",
        project.get_absolute_url(),
        "/vertraege/",
        contract.get_absolute_url(),
        "/daten/",
        dataset.get_absolute_url(),
        "/beteiligung/",
        "/verarbeitungen/",
        "/software/",
        "/audit/",
        "/api/v1/projects",
        "/api/v1/contracts",
        f"/api/v1/projects/{project.slug}/findings",
        "/catalog.ttl",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_package_search_facets_spread_over_many_values() -> None:
    _seed()
    fields = ["organization", "groups", "tags", "license_id", "res_format"]
    response = Client().get(
        "/api/3/action/package_search", {"facet.field": json.dumps(fields), "rows": "5"}
    )
    assert response.status_code == 200
    facets = response.json()["result"]["facets"]
    for field in fields:
        assert len(facets[field]) >= 3, field


def test_it_refuses_a_database_with_records_unless_forced(editor: User, office: Office) -> None:
    project_create(actor=editor, office=office, title="Ein Projekt", summary="Kurz.")
    with pytest.raises(CommandError, match="leere Datenbank"):
        _seed()
    assert Project.objects.count() == 1
    # Forced, it appends to the existing chain, which still verifies.
    _seed("--force")
    assert Project.objects.count() == 21
    report = verify_chain()
    assert report.ok, report.problems
