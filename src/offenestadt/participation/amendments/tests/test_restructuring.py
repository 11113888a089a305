"""A procedure about the charter can propose restructuring it: a check bound to a principle,
released from one or moved, or a new principle; adopted like every amendment, and refused
with what to fix, without writing anything, when the charter can no longer take it."""

from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.models import CharterVersion, Principle
from offenestadt.participation.amendments import services
from offenestadt.participation.amendments.tests.amendment_setup import conclude, propose
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.models import Proposal, ProposalStatus
from offenestadt.registry.channels import Channel

ClientFor = Callable[[User | None], Client]
MOVE = {"check": "free-training", "bind": "P3", "release": "P4"}
FREE_TRAINING = (
    "„Zum Projekt gibt es eine kostenlose Schulung mit freien Plätzen; ändert es "
    "Dienstleistungen, mit einem Termin vor dem Tag jeder Umstellung.“ (free-training)"
)
NEW_PRINCIPLE = {
    "new_principle": "P8",
    "title_de": "Klima",
    "description_de": "Jedes Vorhaben sagt, was es für das Klima bedeutet.",
}
ENGLISH_AND_PLAIN = {
    "title_en": "Climate",
    "description_en": "Every project says what it means for the climate.",
    "plain_de": "Wir sagen, was ein Vorhaben für das Klima bedeutet.",
    "plain_en": "We say what a project means for the climate.",
}


def _page(client: Client, url: str) -> str:
    return " ".join(client.get(url).content.decode().split())


def _principles(version: CharterVersion) -> dict[str, Principle]:
    return {principle.id: principle for principle in version.principles()}


def _adopt_url(proposal: Proposal) -> str:
    return f"/beteiligung/{proposal.procedure.slug}/vorschlaege/{proposal.pk}/beschliessen/"


def test_a_resident_proposes_moving_a_check_and_it_is_adopted(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    client_for: ClientFor,
) -> None:
    form = client_for(None).get(f"/beteiligung/{charter_procedure.slug}/vorschlaege/neu/")
    assert '<option value="free-training">free-training: Zum Projekt' in form.content.decode()
    proposal = propose(client_for(None), charter_procedure, MOVE)
    assert proposal.charter_change == MOVE
    page = _page(
        client_for(None), f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/"
    )
    assert (
        f"<p>Die Prüfung {FREE_TRAINING} wird vom Prinzip P4 „Digitale Teilhabe für alle“ "
        "gelöst und an das Prinzip P3 „Beteiligung und Transparenz vor jeder Entscheidung“ "
        "gebunden.</p>"
    ) in page
    conclude(charter_procedure, administrator, proposal)
    admin = client_for(administrator)
    adoption = _page(admin, _adopt_url(proposal))
    assert "wird vom Prinzip P4" in adoption and "auf Englisch" not in adoption
    response = admin.post(_adopt_url(proposal), {"council_decision": "Ratsbeschluss 2026/0900"})
    assert response.status_code == 302
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None and in_force.number == charter.number + 1
    principles = _principles(in_force)
    assert "free-training" in principles["P3"].checks
    assert "free-training" not in principles["P4"].checks
    assert principles["P3"].parameters == {
        **_principles(charter)["P3"].parameters,
        "free_training_required": True,
    }
    proposal.refresh_from_db()
    assert proposal.proposal_status == ProposalStatus.ACCEPTED
    comparison = _page(
        client_for(None), f"/charta/vergleich/?von={charter.number}&zu={in_force.number}"
    )
    assert "<code>free-training</code>: jetzt unter P3" in comparison


def test_releasing_a_check_says_it_will_no_longer_be_evaluated(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    editor: User,
    client_for: ClientFor,
) -> None:
    proposal = proposals_services.proposal_create(
        actor=editor,
        procedure=charter_procedure,
        title="Keine Zusammenfassung mehr",
        text="x",
        channel=Channel.POST,
        charter_change={"check": " plain-language-summary ", "release": "P4"},
    )
    assert proposal.charter_change == {"check": "plain-language-summary", "release": "P4"}
    page = _page(
        client_for(None), f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/"
    )
    assert (
        "wird vom Prinzip P4 „Digitale Teilhabe für alle“ gelöst. Dann bindet sie kein Prinzip "
        "mehr und wird nicht mehr geprüft."
    ) in page
    conclude(charter_procedure, administrator, proposal)
    version = services.proposal_charter_adopt(
        actor=administrator, proposal=proposal, council_decision="Ratsbeschluss"
    )
    assert not any("plain-language-summary" in p.checks for p in version.principles())


TEXTS = {"title_de": "T", "description_de": "D"}


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"check": "free-training", "bind": "P4"}, "P4 bindet die Prüfung free-training schon"),
        ({"check": "free-training", "release": "P3"}, "P3 bindet die Prüfung free-training nicht"),
        ({"check": "free-training", "bind": "P4", "release": "P4"}, "zwei verschiedene"),
        ({"check": "free-training"}, "Wählen Sie das Prinzip, an das die Prüfung gebunden"),
        ({"bind": "P3"}, "Wählen Sie die Prüfung, die anders gebunden werden soll."),
        (MOVE | {"parameter": "contract_min_public_days", "value": "3"}, "entweder"),
        ({"new_principle": "8P"} | TEXTS, "beginnt mit einem Buchstaben"),
        ({"new_principle": "P3"} | TEXTS, "Die Charta hat schon ein Prinzip P3"),
        ({"new_principle": "P8", "description_de": "D"}, "dem neuen Prinzip einen Titel."),
        ({"title_de": "Klima"}, "Geben Sie dem neuen Prinzip eine Kennung."),
    ],
)  # fmt: skip
def test_a_restructuring_that_does_not_fit_is_refused_with_what_to_fix(
    charter_procedure: Procedure, client_for: ClientFor, data: dict[str, str], field_error: str
) -> None:
    response = client_for(None).post(
        f"/beteiligung/{charter_procedure.slug}/vorschlaege/neu/",
        {"title": "T", "text": "x"} | data,
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 400
    assert field_error in " ".join(response.content.decode().split())
    assert not Proposal.objects.exists()


def test_an_unknown_check_is_refused_by_the_service(
    charter_procedure: Procedure, editor: User
) -> None:
    with pytest.raises(ValidationError) as error:
        proposals_services.proposal_create(
            actor=editor,
            procedure=charter_procedure,
            title="T",
            text="x",
            channel=Channel.POST,
            charter_change={"check": "free-trainig", "bind": "P3"},
        )
    assert "keine Prüfung „free-trainig“" in error.value.message_dict["check"][0]


def test_a_new_principle_is_adopted_with_its_english_and_plain_language_texts(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    client_for: ClientFor,
) -> None:
    proposal = propose(client_for(None), charter_procedure, NEW_PRINCIPLE)
    assert proposal.charter_change == NEW_PRINCIPLE
    page = _page(
        client_for(None), f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/"
    )
    assert "<p>Neues Prinzip P8 „Klima“.</p>" in page
    assert (
        "<blockquote><p>Jedes Vorhaben sagt, was es für das Klima bedeutet.</p></blockquote>"
        in page
    )
    conclude(charter_procedure, administrator, proposal)
    admin = client_for(administrator)
    form = _page(admin, _adopt_url(proposal))
    for field in ENGLISH_AND_PLAIN:
        assert f'name="{field}"' in form
    decision = {"council_decision": "Ratsbeschluss 2026/0901"}
    response = admin.post(_adopt_url(proposal), decision | {"title_en": "Climate"})
    assert response.status_code == 400
    assert "Das neue Prinzip in Leichter Sprache" in response.content.decode()
    assert CharterVersion.objects.count() == charter.number
    response = admin.post(_adopt_url(proposal), decision | ENGLISH_AND_PLAIN)
    assert response.status_code == 302
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None
    p8 = _principles(in_force)["P8"]
    assert (p8.title.de, p8.title.en, p8.plain.de, p8.gate, p8.checks) == (
        "Klima", "Climate", ENGLISH_AND_PLAIN["plain_de"], True, ()
    )  # fmt: skip
    comparison = _page(
        client_for(None), f"/charta/vergleich/?von={charter.number}&zu={in_force.number}"
    )
    assert "<li>Neues Prinzip P8 „Klima“.</li>" in comparison
    english = _page(
        client_for(None), f"/en/charta/vergleich/?von={charter.number}&zu={in_force.number}"
    )
    assert "<li>New principle P8 “Climate”.</li>" in english


def test_nothing_is_written_when_the_charter_can_no_longer_take_the_change(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    client_for: ClientFor,
) -> None:
    # Two proposals that each fit the charter when made, but not one after the other.
    bind = {"check": "non-digital-channels-kept", "bind": "P4"}
    first, second = (propose(client_for(None), charter_procedure, bind) for _ in range(2))
    again, taken = (propose(client_for(None), charter_procedure, NEW_PRINCIPLE) for _ in range(2))
    conclude(charter_procedure, administrator, first, second, again, taken)
    admin = client_for(administrator)
    decision = {"council_decision": "Ratsbeschluss 2026/0902"}
    assert admin.post(_adopt_url(first), decision).status_code == 302
    assert admin.post(_adopt_url(again), decision | ENGLISH_AND_PLAIN).status_code == 302
    versions, entries = CharterVersion.objects.count(), AuditEntry.objects.count()
    for proposal, problem in [
        (second, "Das Prinzip P4 bindet die Prüfung non-digital-channels-kept schon"),
        (taken, "Die Charta hat schon ein Prinzip P8"),
    ]:
        response = admin.post(_adopt_url(proposal), decision | ENGLISH_AND_PLAIN)
        assert response.status_code == 400
        assert problem in response.content.decode()
        proposal.refresh_from_db()
        assert (proposal.proposal_status, proposal.answer) == (
            ProposalStatus.IN_REVIEW,
            "Der Rat entscheidet über die Änderung.",
        )
    assert (CharterVersion.objects.count(), AuditEntry.objects.count()) == (versions, entries)


def test_subscribers_hear_which_change_was_adopted(
    charter_procedure: Procedure,
    administrator: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    Subscription.objects.create(
        procedure=charter_procedure,
        email="erika@example.org",
        token_hash="0" * 64,
        confirmed_at=timezone.now(),
    )
    proposal = propose(client_for(None), charter_procedure, MOVE)
    conclude(charter_procedure, administrator, proposal)
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        services.proposal_charter_adopt(
            actor=administrator,
            proposal=Proposal.objects.get(pk=proposal.pk),
            council_decision="Ratsbeschluss",
        )
    run_worker()
    (message,) = mail.outbox
    body = " ".join(str(message.body).split())
    assert (
        "Die Stadt hat auf „Länger öffentlich“ geantwortet: aufgenommen. Beschlossene Änderung "
        f"der Charta: Die Prüfung {FREE_TRAINING} wird vom Prinzip P4"
    ) in body


def test_proposals_stored_before_restructuring_read_and_adopt_as_before(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    client_for: ClientFor,
) -> None:
    # Rows as proposals of a new principle text and of a parameter value were stored.
    text = Proposal.objects.create(
        procedure=charter_procedure,
        title="Vier Wochen",
        text="x",
        charter_change={"principle": "P3", "text_de": "Vier Wochen.", "text_en": "Four weeks."},
    )
    value = Proposal.objects.create(
        procedure=charter_procedure,
        title="42 Tage",
        text="x",
        charter_change={"parameter": "contract_min_public_days", "value": 42},
    )
    pages = [
        _page(client_for(None), f"/beteiligung/{charter_procedure.slug}/vorschlaege/{p.pk}/")
        for p in (text, value)
    ]
    assert "Neuer Text für das Prinzip P3 „Beteiligung und Transparenz" in pages[0]
    assert "<blockquote><p>Vier Wochen.</p></blockquote>" in pages[0]
    assert (
        "Der Parameter „Mindestdauer der Veröffentlichung eines Vertrags vor der Beratung“ "
        "bekommt den Wert 42."
    ) in pages[1]
    conclude(charter_procedure, administrator, text, value)
    admin = client_for(administrator)
    decision = {"council_decision": "Ratsbeschluss 2026/0903"}
    for proposal in (text, value):
        # The English text came with the proposal: nothing more to give.
        assert 'name="text_en"' not in _page(admin, _adopt_url(proposal))
        assert admin.post(_adopt_url(proposal), decision).status_code == 302
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None and in_force.number == charter.number + 2
    p3 = _principles(in_force)["P3"]
    assert (p3.description.de, p3.description.en) == ("Vier Wochen.", "Four weeks.")
    assert in_force.document["procedures"]["contract_min_public_days"] == 42
