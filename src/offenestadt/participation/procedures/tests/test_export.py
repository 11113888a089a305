"""All contributions as open data: CSV and JSON without names or addresses, the channel of
each, hidden ones with their reason and without their text, and no formula a spreadsheet runs."""

import csv
import io
import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from offenestadt.accounts.models import User
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.moderation import services as moderation_services
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.export import COLUMNS
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.procedures.tests.procedure_setup import consultation, paragraph
from offenestadt.participation.proposals.models import Proposal, ProposalStatus, Support
from offenestadt.registry.channels import Channel

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


@pytest.fixture
def procedure(editor: User) -> Procedure:
    procedure = consultation(editor)
    online = comments_services.comment_post(
        actor=None,
        procedure=procedure,
        paragraph=paragraph(procedure, 2),
        pseudonym="Anna Beispiel",
        text='=HYPERLINK("http://evil")',
    )
    comments_services.comment_post(
        actor=editor,
        procedure=procedure,
        parent=online,
        pseudonym="Herr Kaiser",
        text="Am Telefon gesagt.",
        channel=Channel.PHONE,
    )
    hidden = comments_services.comment_post(
        actor=None, procedure=procedure, pseudonym="Troll", text="Max Muster wohnt in …"
    )
    moderation_services.contribution_hide(
        actor=editor, contribution=hidden, reason="Enthält Daten Dritter."
    )
    proposal = Proposal.objects.create(
        procedure=procedure,
        pseudonym="Berta",
        title="Mehr Bänke",
        text="Im Park.",
        proposal_status=ProposalStatus.ACCEPTED,
        answer="Kommen 2027.",
        answered_at=timezone.now(),
    )
    Support.objects.create(proposal=proposal)
    Support.objects.create(proposal=proposal, channel=Channel.POST, entered_by_role="editor")
    Support.objects.create(proposal=proposal, channel=Channel.POST, entered_by_role="editor")
    Subscription.objects.create(procedure=procedure, email="anna@example.org", token_hash="x" * 64)
    return procedure


def _csv_rows(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_every_contribution_without_personal_data(
    procedure: Procedure, client_for: ClientFor
) -> None:
    response = client_for(None).get(f"/beteiligung/{procedure.slug}/beitraege.csv")
    text = response.content.decode("utf-8-sig")
    for personal in ("Anna", "Kaiser", "Troll", "Berta", "example.org", "@"):
        assert personal not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    assert sorted(row["kind"] for row in rows) == ["Antwort", "Kommentar", "Kommentar", "Vorschlag"]
    visible = {row["kind"]: row for row in rows if row["status"] == "sichtbar"}
    comment, reply, proposal = visible["Kommentar"], visible["Antwort"], visible["Vorschlag"]
    # The formula is defused; the paragraph and the document are named.
    assert comment["text"] == '\'=HYPERLINK("http://evil")'
    assert (comment["document"], comment["paragraph"], comment["channel"]) == (
        "Entwurf",
        "2",
        "online",
    )
    # The call counts like a click: a row like any other, with its channel.
    assert (reply["channel"], reply["reply_to"], reply["text"]) == (
        "Telefon",
        comment["id"],
        "Am Telefon gesagt.",
    )
    # The day only, no time of day.
    with translation.override("de"):
        assert comment["date"] == date_format(timezone.localdate(), "DATE_FORMAT")
    assert (proposal["proposal_status"], proposal["answer"]) == ("aufgenommen", "Kommen 2027.")
    assert (proposal["supports_online"], proposal["supports_post"]) == ("1", "2")
    assert (proposal["supports_phone"], proposal["supports_in_person"]) == ("0", "0")


def test_the_csv_reads_in_the_language_of_its_address(
    procedure: Procedure, client_for: ClientFor
) -> None:
    rows = _csv_rows(client_for(None), f"/en/beteiligung/{procedure.slug}/beitraege.csv")
    assert tuple(rows[0]) == COLUMNS
    assert sorted(row["kind"] for row in rows) == ["Comment", "Comment", "Proposal", "Reply"]
    assert {row["channel"] for row in rows} == {"online", "Phone"}
    assert {row["status"] for row in rows} == {"visible", "hidden"}
    (proposal,) = [row for row in rows if row["kind"] == "Proposal"]
    with translation.override("en"):
        assert proposal["answered_on"] == date_format(timezone.localdate(), "DATE_FORMAT")
    assert proposal["answered_on"] != timezone.localdate().isoformat()


def test_a_hidden_contribution_keeps_its_reason_not_its_text(
    procedure: Procedure, client_for: ClientFor
) -> None:
    rows = _csv_rows(client_for(None), f"/beteiligung/{procedure.slug}/beitraege.csv")
    (hidden,) = [row for row in rows if row["status"] == "ausgeblendet"]
    assert hidden["hidden_reason"] == "Enthält Daten Dritter."
    assert hidden["text"] == ""
    assert "Max Muster" not in json.dumps(rows, ensure_ascii=False)


def test_the_json_says_the_same(procedure: Procedure, client_for: ClientFor) -> None:
    response = client_for(None).get(f"/beteiligung/{procedure.slug}/beitraege.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = response.json()
    assert document["columns"] == list(COLUMNS)
    assert [p["slug"] for p in document["procedures"]] == [procedure.slug]
    contributions = document["contributions"]
    assert len(contributions) == 4
    assert {c["channel"] for c in contributions} == {"online", "phone"}
    hidden = next(c for c in contributions if c["status"] == "hidden")
    assert (hidden["text"], hidden["hidden_reason"]) == (None, "Enthält Daten Dritter.")
    proposal = next(c for c in contributions if c["kind"] == "proposal")
    assert (proposal["supports_post"], proposal["paragraph"]) == (2, None)
    text = response.content.decode()
    for personal in ("Anna", "Kaiser", "Troll", "Berta", "example.org", "pseudonym", "email"):
        assert personal not in text


def test_the_export_of_all_procedures_leaves_drafts_out(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    draft = consultation(editor, slug="entwurf", publish=False)
    comments_services.comment_post(actor=editor, procedure=procedure, text="Zweiter.")
    Proposal.objects.create(procedure=draft, title="Geheim", text="Noch nicht.")
    rows = _csv_rows(client_for(None), "/beteiligung/beitraege.csv")
    assert {row["procedure"] for row in rows} == {procedure.slug}
    assert len(rows) == 5
    document = client_for(None).get("/beteiligung/beitraege.json").json()
    assert len(document["contributions"]) == 5
    assert client_for(None).get("/beteiligung/entwurf/beitraege.csv").status_code == 404
    assert client_for(editor).get("/beteiligung/entwurf/beitraege.json").status_code == 404
