"""P3: a redaction names what it protects, the provision of the law the charter names,
and a specific justification; "vertraulich" alone justifies nothing."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.tests.versions import with_values
from offenestadt.contracts import services
from offenestadt.contracts.models import Contract, Redaction, RedactionReason
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]

SPECIFIC = (
    "Die Stückpreise zeigen die Kalkulation des Anbieters; der Gesamtwert des Vertrags "
    "ist öffentlich."
)
TRADE_SECRET_BASIS = "§ 8 Informationsfreiheitsgesetz Nordrhein-Westfalen (IFG NRW)"


@pytest.fixture
def contract(charter: CharterVersion, editor: User, office: Office) -> Contract:
    contract = Contract(title="Plattformvertrag")
    linked_record_save(
        actor=editor, record=contract, projects=[ProjectFactory.create(office=office)]
    )
    return contract


def _status(contract: Contract, charter: CharterVersion) -> Status:
    (finding,) = [f for f in evaluate(contract, charter) if f.rule == "redactions-justified"]
    return finding.status


@pytest.mark.parametrize(
    ("category", "reason"),
    [
        ("", SPECIFIC),
        (RedactionReason.TRADE_SECRET, "vertraulich"),
        (
            RedactionReason.TRADE_SECRET,
            "Vertraulich. Geheim. Intern. Nicht öffentlich, vertraulich!",
        ),
        (RedactionReason.SECURITY, "Aus Gründen der Sicherheit nicht öffentlich, geheim."),
        (RedactionReason.PERSONAL_DATA, "Datenschutz"),
    ],
)
def test_a_redaction_without_category_or_specific_justification_is_refused(
    contract: Contract, editor: User, category: str, reason: str
) -> None:
    redaction = Redaction(contract=contract, passage="§ 7", category=category, reason=reason)
    with pytest.raises(ValidationError):
        services.contract_clause_save(actor=editor, clause=redaction)
    assert not Redaction.objects.exists()


def test_vertraulich_alone_is_not_justified(contract: Contract, charter: CharterVersion) -> None:
    # However it got there (a row from before this rule, say), the charter finds it.
    Redaction.objects.create(
        contract=contract,
        passage="§ 7 Preise",
        category=RedactionReason.TRADE_SECRET,
        legal_basis=TRADE_SECRET_BASIS,
        reason="vertraulich",
    )
    assert _status(contract, charter) == Status.VIOLATED


def test_category_basis_and_specific_justification_are_justified(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    redaction = services.contract_clause_save(
        actor=editor,
        clause=Redaction(
            contract=contract,
            passage="§ 7 Preise",
            category=RedactionReason.TRADE_SECRET,
            reason=SPECIFIC,
        ),
    )
    # The legal basis comes from the charter's parameters, not from the editor.
    assert redaction.legal_basis == TRADE_SECRET_BASIS  # type: ignore[union-attr]
    assert _status(contract, charter) == Status.MET


def test_a_row_from_before_without_legal_basis_is_not_justified(
    contract: Contract, charter: CharterVersion
) -> None:
    # What the migration leaves: category and reason as they were, no legal basis.
    Redaction.objects.create(
        contract=contract, passage="§ 7", category=RedactionReason.TRADE_SECRET, reason=SPECIFIC
    )
    assert _status(contract, charter) == Status.VIOLATED


def test_the_law_and_its_provisions_come_from_the_charter(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    # Another city's charter: its own law and provision (stored as a loaded version).
    content = with_values(
        charter,
        information_freedom_law="Hamburgisches Transparenzgesetz (HmbTG)",
        redaction_basis_trade_secret="§ 7",
    ).content
    hamburg = CharterVersion.objects.create(
        number=charter.number + 1,
        title="Charta (Test)",
        city="Hamburg",
        adopted_on=timezone.localdate(),
        council_decision="Test",
        content=content,
    )
    assert CharterVersion.objects.in_force() == hamburg
    redaction = services.contract_clause_save(
        actor=editor,
        clause=Redaction(
            contract=contract,
            passage="§ 7 Preise",
            category=RedactionReason.TRADE_SECRET,
            reason=SPECIFIC,
        ),
    )
    assert redaction.legal_basis == "§ 7 Hamburgisches Transparenzgesetz (HmbTG)"  # type: ignore[union-attr]


def test_the_form_offers_categories_with_their_basis_and_says_what_to_fix(
    contract: Contract, editor: User, client_for: ClientFor
) -> None:
    client = client_for(editor)
    url = f"/vertraege/{contract.pk}/schwaerzung/neu/"
    form = client.get(url).content.decode()
    assert f"Geschäftsgeheimnis im Rechtssinn ({TRADE_SECRET_BASIS})" in form
    refused = client.post(
        url, {"passage": "§ 7", "category": RedactionReason.TRADE_SECRET, "reason": "vertraulich"}
    )
    assert refused.status_code == 400
    assert "in mindestens 40 Zeichen" in refused.content.decode()
    refused = client.post(
        url,
        {
            "passage": "§ 7",
            "category": RedactionReason.TRADE_SECRET,
            "reason": "Vertraulich, geheim und intern: aus Gründen der Vertraulichkeit.",
        },
    )
    assert "sind keine Begründung" in refused.content.decode()
    assert not Redaction.objects.exists()
    saved = client.post(
        url, {"passage": "§ 7", "category": RedactionReason.TRADE_SECRET, "reason": SPECIFIC}
    )
    assert saved.status_code == 302
    assert Redaction.objects.get().legal_basis == TRADE_SECRET_BASIS
