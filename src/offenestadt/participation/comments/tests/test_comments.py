"""Comments without an account, only during the consultation; replies; comments that came
by phone, letter or in person. Hiding them is moderation's (moderation/tests)."""

import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry
from offenestadt.participation import throttle
from offenestadt.participation.comments import services
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import services as moderation_services
from offenestadt.participation.procedures.figures import channel_mix
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.procedures.tests.procedure_setup import (
    consultation,
    end_consultation,
    paragraph,
)
from offenestadt.registry.channels import Channel

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


@pytest.fixture
def procedure(editor: User) -> Procedure:
    return consultation(editor)


def _url(procedure: Procedure, rest: str) -> str:
    return f"/beteiligung/{procedure.slug}/{rest}"


# --- online, without an account ---------------------------------------------------------


def test_a_resident_comments_on_a_paragraph_without_an_account(
    procedure: Procedure, client_for: ClientFor
) -> None:
    second = paragraph(procedure, 2)
    response = client_for(None).post(
        _url(procedure, f"absaetze/{second.pk}/kommentieren/"),
        {"pseudonym": "Anna B.", "text": "Bitte auch die Temperatur."},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/texte/{second.document_id}/#kommentar-{comment.pk}")
    assert (comment.paragraph, comment.channel, comment.entered_by_role) == (second, "online", "")
    page = client_for(None).get(response["Location"]).content.decode()
    assert "Bitte auch die Temperatur." in page and "Anna B." in page
    # The history says that a comment came, not who wrote what.
    (entry,) = AuditEntry.objects.for_record(comment)
    payload = json.dumps(entry.payload(), ensure_ascii=False)
    assert entry.actor_role == "public"
    assert "Anna" not in payload and "Temperatur" not in payload


def test_without_a_name_a_comment_is_anonymous(procedure: Procedure, client_for: ClientFor) -> None:
    client_for(None).post(_url(procedure, "kommentieren/"), {"text": "Gute Sache."})
    comment = Comment.objects.get()
    assert (comment.pseudonym, comment.paragraph) == ("", None)
    page = client_for(None).get(procedure.get_absolute_url()).content.decode()
    assert "<strong>anonym</strong>" in page and "Gute Sache." in page


def test_an_overlong_comment_is_refused_with_a_message(
    procedure: Procedure, client_for: ClientFor
) -> None:
    response = client_for(None).post(_url(procedure, "kommentieren/"), {"text": "x" * 4001})
    assert response.status_code == 200
    assert "höchstens 4000 Zeichen" in response.content.decode()
    assert not Comment.objects.exists()
    with pytest.raises(ValidationError):
        services.comment_post(actor=None, procedure=procedure, text="x" * 4001)


@pytest.mark.parametrize(
    ("days", "information_days", "message"),
    [
        ((3, 10), (-5, 2), "Beteiligungsphase ab dem"),
        ((-10, -1), (-20, -11), "Die Beteiligungsphase ist beendet"),
    ],
)
def test_outside_the_consultation_the_form_is_not_shown(
    editor: User,
    client_for: ClientFor,
    days: tuple[int, int],
    information_days: tuple[int, int],
    message: str,
) -> None:
    procedure = consultation(editor, days=days, information_days=information_days)
    response = client_for(None).get(_url(procedure, "kommentieren/"))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "<textarea" not in page
    response = client_for(None).post(_url(procedure, "kommentieren/"), {"text": "Zu spät."})
    assert response.status_code == 403
    assert message in response.content.decode()
    assert not Comment.objects.exists()
    # Nor does the procedure page offer it.
    page = client_for(None).get(procedure.get_absolute_url()).content.decode()
    assert message in page
    assert _url(procedure, "kommentieren/") not in page


def test_the_service_refuses_outside_the_consultation(procedure: Procedure) -> None:
    end_consultation(procedure)
    with pytest.raises(PermissionDenied, match="beendet"):
        services.comment_post(actor=None, procedure=procedure, text="Zu spät.")


def test_drafts_cannot_be_commented(editor: User, client_for: ClientFor) -> None:
    draft = consultation(editor, publish=False)
    response = client_for(None).post(_url(draft, "kommentieren/"), {"text": "Hallo"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied, match="nicht veröffentlicht"):
        services.comment_post(actor=None, procedure=draft, text="Hallo")
    assert not Comment.objects.exists()


def test_a_paragraph_of_another_procedure_is_not_found(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    other = consultation(editor, slug="andere")
    response = client_for(None).post(
        _url(procedure, f"absaetze/{paragraph(other, 1).pk}/kommentieren/"), {"text": "Hallo"}
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.comment_post(
            actor=None, procedure=procedure, paragraph=paragraph(other, 1), text="Hallo"
        )


def test_anonymous_comments_are_rate_limited(
    procedure: Procedure, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(throttle.DEFAULT_LIMITS, "comment", (2, 3600))
    client = client_for(None)
    for number in range(2):
        assert (
            client.post(_url(procedure, "kommentieren/"), {"text": f"{number}"}).status_code == 302
        )
    response = client.post(_url(procedure, "kommentieren/"), {"text": "noch einer"})
    assert response.status_code == 429
    assert "später noch einmal" in response.content.decode()
    assert Comment.objects.count() == 2


# --- replies -------------------------------------------------------------------------


def test_replies_gather_under_the_comment(procedure: Procedure, client_for: ClientFor) -> None:
    first = services.comment_post(
        actor=None, procedure=procedure, paragraph=paragraph(procedure, 1), text="Erster."
    )
    client = client_for(None)
    response = client.post(_url(procedure, f"kommentare/{first.pk}/antworten/"), {"text": "Ja."})
    reply = Comment.objects.get(text="Ja.")
    assert response.status_code == 302
    assert (reply.parent, reply.paragraph) == (first, first.paragraph)
    # A reply to a reply joins the thread of the comment.
    client.post(_url(procedure, f"kommentare/{reply.pk}/antworten/"), {"text": "Nein."})
    assert Comment.objects.get(text="Nein.").parent == first
    page = client.get(response["Location"]).content.decode()
    assert page.index("Erster.") < page.index("Ja.") < page.index("Nein.")


def test_a_hidden_comment_takes_no_reply(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    first = services.comment_post(actor=None, procedure=procedure, text="Unsinn.")
    moderation_services.contribution_hide(actor=editor, contribution=first, reason="beleidigend")
    response = client_for(None).post(
        _url(procedure, f"kommentare/{first.pk}/antworten/"), {"text": "Ja."}
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.comment_post(actor=None, procedure=procedure, parent=first, text="Ja.")


# --- by phone, letter or in person ---------------------------------------------------


def test_staff_enter_a_call_and_it_counts_like_a_click(
    procedure: Procedure, other_editor: User, client_for: ClientFor
) -> None:
    services.comment_post(actor=None, procedure=procedure, text="Online.")
    # A call can reach any office; its editor writes it down.
    response = client_for(other_editor).post(
        _url(procedure, "kommentare/eintragen/"),
        {
            "channel": "phone",
            "paragraph": paragraph(procedure, 3).pk,
            "pseudonym": "Herr K.",
            "text": "Am Telefon gesagt.",
        },
    )
    assert response.status_code == 302
    call = Comment.objects.get(text="Am Telefon gesagt.")
    assert (call.channel, call.entered_by_role) == (Channel.PHONE, "editor")
    mix = channel_mix(procedure)
    assert (mix.comments, mix.offline) == (2, 1)
    assert (mix.by_channel["online"].comments, mix.by_channel["phone"].comments) == (1, 1)
    page = client_for(None).get(response["Location"]).content.decode()
    assert "Am Telefon gesagt." in page and "eingegangen per Telefon" in page
    results = client_for(None).get(_url(procedure, "ergebnis/")).content.decode()
    assert '<th scope="row">Telefon</th><td>1</td>' in results
    assert '<th scope="row">online</th><td>1</td>' in results
    (entry,) = AuditEntry.objects.for_record(call)
    assert entry.actor_role == "editor"
    assert entry.changes["channel"] == [None, "phone"]


def test_a_letter_replying_to_a_comment(procedure: Procedure, editor: User) -> None:
    first = services.comment_post(actor=None, procedure=procedure, text="Online.")
    letter = services.comment_post(
        actor=editor, procedure=procedure, parent=first, text="Per Brief.", channel=Channel.POST
    )
    assert (letter.parent, letter.channel) == (first, "post")


@pytest.mark.parametrize("role", ["anonymous", "resident", "council"])
def test_only_staff_enter_offline_comments(
    procedure: Procedure, people: dict[str, User | None], client_for: ClientFor, role: str
) -> None:
    response = client_for(people[role]).post(
        _url(procedure, "kommentare/eintragen/"), {"channel": "phone", "text": "Hallo"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.comment_post(
            actor=people[role], procedure=procedure, text="Hallo", channel=Channel.PHONE
        )


def test_an_offline_comment_follows_the_same_phases(procedure: Procedure, editor: User) -> None:
    end_consultation(procedure)
    with pytest.raises(PermissionDenied, match="beendet"):
        services.comment_post(
            actor=editor, procedure=procedure, text="Brief.", channel=Channel.POST
        )


def test_the_entry_form_names_an_unknown_comment(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    response = client_for(editor).post(
        _url(procedure, "kommentare/eintragen/"),
        {"channel": "in_person", "parent": 999, "text": "Vor Ort."},
    )
    assert response.status_code == 200
    assert "keinen Kommentar Nr. 999" in response.content.decode()
