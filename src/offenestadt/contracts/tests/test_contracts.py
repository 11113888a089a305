"""Contracts: the gates of their lifecycle and the charter's rules over their data clauses."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractStatus,
    DataAccess,
    DataLocation,
    DataOwner,
    Location,
    Redaction,
    RedactionReason,
    SubProcessor,
)
from offenestadt.council.tests import factories as council
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save, project_findings
from offenestadt.registry.tests.factories import ProjectFactory


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office)


@pytest.fixture
def contract(charter: CharterVersion, editor: User, project: Project) -> Contract:
    """A contract that keeps its data with the city, in the EU, with access listed."""
    contract = Contract(title="Wartungsvertrag", data_owner=DataOwner.CITY)
    linked_record_save(actor=editor, record=contract, projects=[project])
    for clause in (
        DataLocation(contract=contract, kind=Location.PROCESSING, country="DE", city="Bochum"),
        DataAccess(
            contract=contract,
            organisation="Stadtwerke",
            role="Betrieb",
            purpose="Wartung",
            mode=AccessMode.REMOTE,
            country="DE",
        ),
    ):
        services.contract_clause_save(actor=editor, clause=clause)
    return contract


def _move(contract: Contract, editor: User, to: ContractStatus, today: date) -> None:
    services.contract_transition(actor=editor, contract=contract, to=to, today=today)


def _status(contract: Contract, charter: CharterVersion, rule: str) -> Status:
    (finding,) = [f for f in evaluate(contract, charter) if f.rule == rule]
    return finding.status


def test_publication_starts_the_clocks(contract: Contract, editor: User) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    assert contract.published_at is not None
    # Demo charter: 30 days until the contract may take effect; the city may withdraw.
    assert contract.withdrawal_until == today + timedelta(days=30)
    actions = [e.action for e in AuditEntry.objects.for_record(contract)]
    assert actions[-1] == "transition"


def test_too_early_for_the_council(contract: Contract, editor: User) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    contract.council_body = "Ausschuss für Digitales"
    contract.meeting_date = today + timedelta(days=28)
    with pytest.raises(GateRefusedError) as refusal:
        _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=10))
    # A waiting period: told as the days it runs.
    assert contract.published_at is not None
    since = timezone.localdate(contract.published_at)
    assert refusal.value.problems == [
        f"Der Vertrag ist seit dem {date_format(since)} öffentlich; vor der Beratung müssen es "
        f"mindestens 28 Tage sein, beraten werden kann er also frühestens am "
        f"{date_format(since + timedelta(days=28))}."
    ]
    _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=28))
    assert contract.status == ContractStatus.DELIBERATION


def test_no_signature_without_a_decision(contract: Contract, editor: User) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    contract.council_body, contract.meeting_date = "Rat", today + timedelta(days=30)
    later = today + timedelta(days=30)
    _move(contract, editor, ContractStatus.DELIBERATION, later)
    with pytest.raises(GateRefusedError, match="Ohne Beschluss"):
        _move(contract, editor, ContractStatus.DECIDED, later)
    with pytest.raises(GateRefusedError, match="nicht nach „unterzeichnet“"):
        _move(contract, editor, ContractStatus.SIGNED, later)
    contract.decision_reference = "Ratsbeschluss 2026/99"
    _move(contract, editor, ContractStatus.DECIDED, later)
    _move(contract, editor, ContractStatus.SIGNED, later)
    assert contract.signed_on == later


def test_it_takes_effect_only_after_the_withdrawal_period(contract: Contract, editor: User) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    contract.council_body, contract.meeting_date = "Rat", today + timedelta(days=28)
    contract.decision_reference = "RB 1"
    for status in (ContractStatus.DELIBERATION, ContractStatus.DECIDED, ContractStatus.SIGNED):
        _move(contract, editor, status, today + timedelta(days=28))
    with pytest.raises(GateRefusedError, match="frühestens am"):
        _move(contract, editor, ContractStatus.ACTIVE, today + timedelta(days=29))
    _move(contract, editor, ContractStatus.ACTIVE, today + timedelta(days=30))
    assert contract.status == ContractStatus.ACTIVE


def test_an_unjustified_redaction_keeps_it_from_the_council(
    contract: Contract, editor: User
) -> None:
    today = timezone.localdate()
    # As a row stored before redactions needed a legal basis (the migration keeps them so).
    redaction = Redaction.objects.create(
        contract=contract, passage="§ 7 Preise", category=RedactionReason.TRADE_SECRET
    )
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    contract.council_body, contract.meeting_date = "Rat", today + timedelta(days=28)
    with pytest.raises(GateRefusedError) as refusal:
        _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=28))
    assert [f.rule for f in refusal.value.findings] == ["redactions-justified"]
    redaction.category = RedactionReason.TRADE_SECRET
    redaction.reason = (
        "Die Stückpreise zeigen die Kalkulation des Anbieters; der Gesamtpreis ist öffentlich."
    )
    services.contract_clause_save(actor=editor, clause=redaction)
    _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=28))


@pytest.mark.parametrize(
    ("owner", "status"),
    [(DataOwner.CITY, Status.MET), (DataOwner.VENDOR, Status.VIOLATED), ("", Status.MISSING)],
)
def test_data_owned_by_the_city(
    contract: Contract, charter: CharterVersion, owner: str, status: Status
) -> None:
    contract.data_owner = owner
    assert _status(contract, charter, "data-owned-by-city") == status


@pytest.mark.parametrize(
    ("country", "safeguard", "status"),
    [
        ("FR", "", Status.MET),
        ("NO", "", Status.MET),
        ("US", "", Status.VIOLATED),
        ("US", "EU-US Data Privacy Framework", Status.MET),
    ],
)
def test_sub_processors_outside_the_eu_need_a_safeguard(
    contract: Contract, charter: CharterVersion, country: str, safeguard: str, status: Status
) -> None:
    SubProcessor.objects.create(
        contract=contract, name="Hoster", country=country, safeguard=safeguard
    )
    assert _status(contract, charter, "data-stays-in-eu") == status


def test_missing_locations_and_access_are_missing_evidence(
    charter: CharterVersion, editor: User, project: Project
) -> None:
    bare = Contract(title="Rahmenvertrag")
    linked_record_save(actor=editor, record=bare, projects=[project])
    assert _status(bare, charter, "data-stays-in-eu") == Status.MISSING
    assert _status(bare, charter, "access-listed") == Status.MISSING


def test_contract_findings_count_toward_the_project(
    contract: Contract, editor: User, project: Project
) -> None:
    services.contract_clause_save(
        actor=editor, clause=SubProcessor(contract=contract, name="Cloud", country="US")
    )
    _move(contract, editor, ContractStatus.PUBLISHED, timezone.localdate())
    _, findings = project_findings(project)
    (p2,) = [f for f in findings if f.rule == "contracts-keep-data-with-city"]
    assert p2.status == Status.VIOLATED
    assert "Wartungsvertrag" in p2.message.de
    assert "Cloud" in p2.message.en


def test_only_editors_of_a_linked_project_change_a_contract(
    contract: Contract, other_editor: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.contract_clause_save(
            actor=other_editor,
            clause=Redaction(
                contract=contract, passage="Anlage 1", category=RedactionReason.SECURITY
            ),
        )
    assert not Redaction.objects.exists()


def test_a_linked_council_paper_sets_the_meeting_the_gate_counts_to(
    contract: Contract, editor: User
) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    city = council.body()
    paper = council.paper(city)
    consultation = council.consult(paper, council.meeting(city, today + timedelta(days=10)))
    contract.council_papers.set([paper])
    # No hand-entered council fields: the paper's meeting, 10 days after publication, counts.
    with pytest.raises(GateRefusedError) as refusal:
        _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=28))
    meeting = date_format(today + timedelta(days=10), "DATE_FORMAT")
    assert refusal.value.problems == [
        f"Bis zur Sitzung am {meeting} ist der Vertrag nur "
        "10 Tage öffentlich; vor der Beratung müssen es mindestens 28 Tage sein."
    ]
    assert getattr(refusal.value.problems[0], "fix_url", "").endswith("#id_council_papers")
    # The paper moved to a later meeting: the date moves with it.
    consultation.meeting = council.meeting(city, today + timedelta(days=35))
    consultation.save()
    _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=28))
    assert contract.status == ContractStatus.DELIBERATION


def test_a_paper_overrides_the_hand_entered_meeting_and_records_the_decision(
    contract: Contract, editor: User
) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    contract.council_body, contract.meeting_date = "Rat", today + timedelta(days=40)
    city = council.body()
    paper = council.paper(city)
    meeting = council.meeting(city, today + timedelta(days=12))
    council.consult(paper, meeting, agenda_item=council.item(meeting))
    contract.council_papers.set([paper])
    with pytest.raises(GateRefusedError, match="nur 12 Tage"):
        _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=40))
    contract.council_papers.set([])
    _move(contract, editor, ContractStatus.DELIBERATION, today + timedelta(days=40))
    # A decision the council information system records stands for the reference.
    contract.council_papers.set([paper])
    with pytest.raises(GateRefusedError, match="Ohne Beschluss"):
        _move(contract, editor, ContractStatus.DECIDED, today + timedelta(days=40))
    meeting.agenda_items.update(result="beschlossen")
    _move(contract, editor, ContractStatus.DECIDED, today + timedelta(days=40))
    assert contract.status == ContractStatus.DECIDED
