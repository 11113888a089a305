"""Staff prepare votes of their office's procedures, publish them, and enter ballots that
came by post or in person; once a vote opens, its rules and answers are fixed."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.registry.channels import Channel
from offenestadt.voting import rules, services
from offenestadt.voting.models import Ballot, Option, Vote, VoteKind
from offenestadt.voting.tests.factories import issue_codes, make_vote, option_ids, procedure_for

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User | None], Client]


# who -> may manage the votes of a procedure of the editor's office / without an office
MANAGE = {
    "anonymous": (False, False),
    "resident": (False, False),
    "editor": (True, False),
    "other_editor": (False, False),
    "dpo": (False, False),
    "council": (False, False),
    "admin": (True, True),
}


@pytest.mark.parametrize("who", MANAGE)
def test_who_manages_votes(office: Office, people: dict[str, User | None], who: str) -> None:
    user = people[who] or AnonymousUser()
    own, without_office = MANAGE[who]
    assert rules.can_manage_votes(user, procedure_for(office)) is own
    assert rules.can_manage_votes(user, procedure_for(None, slug="stadtweit")) is without_office
    vote = make_vote(office, requires_code=False)
    assert rules.can_enter_paper_ballots(user, vote) is own


def _future(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_an_editor_prepares_and_publishes_a_vote(
    client_for: ClientFor, office: Office, editor: User
) -> None:
    procedure = procedure_for(office)
    client = client_for(editor)

    form = client.get(f"/abstimmungen/neu/?verfahren={procedure.slug}")
    assert form.status_code == 200
    response = client.post(
        "/abstimmungen/neu/",
        {
            "procedure": procedure.pk,
            "title": "Welcher Park zuerst?",
            "kind": VoteKind.SINGLE,
            "opens_at": _future(2),
            "closes_at": _future(9),
            "requires_code": "on",
        },
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert response["Location"] == vote.get_absolute_url()
    assert vote.published_at is None
    for label in ("Stadtpark", "Westpark"):
        added = client.post(
            f"/abstimmungen/{vote.pk}/antworten/neu/", {"position": 1, "label": label}
        )
        assert added.status_code == 302
    # Publishing asks once more; only the confirmed request publishes, and says so.
    asked = client.post(f"/abstimmungen/{vote.pk}/veroeffentlichen/")
    assert asked.status_code == 200
    assert "„Welcher Park zuerst?“ veröffentlichen?" in asked.content.decode()
    vote.refresh_from_db()
    assert vote.published_at is None
    published = client.post(
        f"/abstimmungen/{vote.pk}/veroeffentlichen/", {"bestaetigt": "1"}, follow=True
    )
    assert "Die Abstimmung ist veröffentlicht." in published.content.decode()
    vote.refresh_from_db()
    assert vote.published_at is not None
    assert client_for(None).get(vote.get_absolute_url()).status_code == 200
    kinds = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"voting.vote", "voting.option"} <= kinds


def test_publishing_needs_answers(client_for: ClientFor, office: Office, editor: User) -> None:
    vote = make_vote(office, labels=("Nur eine",), published=False)
    client = client_for(editor)

    # The page says so in place of the button, with the form that fixes it.
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "Vor der Veröffentlichung ist noch offen:" in page
    assert f'action="/abstimmungen/{vote.pk}/veroeffentlichen/"' not in page
    add = f'href="/abstimmungen/{vote.pk}/antworten/neu/">beheben</a>'
    assert add in page
    # Asked for anyway, even as if confirmed: refused at once, at the top, without asking.
    for sent in ({}, {"bestaetigt": "1"}):
        response = client.post(f"/abstimmungen/{vote.pk}/veroeffentlichen/", sent)
        assert response.status_code == 409
        refused = response.content.decode()
        assert refused.index("<h1>") < refused.index('role="alert" tabindex="-1" autofocus')
        assert "mindestens 2 Antworten" in refused and add in refused
        assert 'name="bestaetigt"' not in refused
    vote.refresh_from_db()
    assert vote.published_at is None


def test_invalid_settings_are_explained(
    client_for: ClientFor, office: Office, editor: User
) -> None:
    procedure = procedure_for(office)
    response = client_for(editor).post(
        "/abstimmungen/neu/",
        {
            "procedure": procedure.pk,
            "title": "Budget ohne Budget",
            "kind": VoteKind.BUDGET,
            "opens_at": _future(9),
            "closes_at": _future(2),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geben Sie das Budget an" in html
    assert "Die Abstimmung endet vor ihrem Beginn." in html
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("resident", 404), ("dpo", 403), ("other_editor", 403)],
)
def test_others_cannot_prepare_votes_here(
    client_for: ClientFor, office: Office, people: dict[str, User | None], who: str, status: int
) -> None:
    vote = make_vote(office, published=False)
    make_vote(office, slug="veroeffentlicht")
    published = Vote.objects.get(procedure__slug="veroeffentlicht")
    client = client_for(people[who])
    if who == "other_editor":
        # Another office's editor has procedures of their own, just not this one.
        procedure_for(people[who].office, slug="anderes-amt")  # type: ignore[union-attr]
        assert client.get("/abstimmungen/neu/").status_code == 200
    else:
        assert client.get("/abstimmungen/neu/").status_code == status
    assert client.get(f"/abstimmungen/{published.pk}/bearbeiten/").status_code in {403, 404}
    assert client.post(
        f"/abstimmungen/{published.pk}/antworten/neu/", {"label": "X"}
    ).status_code in {403, 404}
    assert client.post(f"/abstimmungen/{vote.pk}/veroeffentlichen/").status_code in {403, 404}
    vote.refresh_from_db()
    assert vote.published_at is None
    assert not Option.objects.filter(label="X").exists()


def test_an_open_votes_answer_is_not_offered_for_removal(
    office: Office, editor: User, client_for: ClientFor
) -> None:
    vote = make_vote(office)
    option = vote.options.first()
    assert option is not None
    url = f"/abstimmungen/{vote.pk}/antworten/{option.pk}/entfernen/"
    client = client_for(editor)
    opened, sent = client.get(url), client.post(url)
    assert (opened.status_code, sent.status_code) == (200, 409)
    for response in (opened, sent):
        page = response.content.decode()
        assert "nicht mehr ändern" in page
        assert page.index("<h1>") < page.index('role="alert" tabindex="-1" autofocus')
        assert ">Entfernen</button>" not in page
    assert Option.objects.filter(pk=option.pk).exists()


def test_once_open_the_rules_and_answers_are_fixed(office: Office, editor: User) -> None:
    vote = make_vote(office)
    option = vote.options.first()
    assert option is not None

    vote.max_choices = 2
    vote.kind = VoteKind.MULTIPLE
    with pytest.raises(ValidationError, match="stehen fest"):
        services.vote_save(actor=editor, vote=vote)
    option.label = "Anders"
    with pytest.raises(ValidationError, match="nicht mehr ändern"):
        services.option_save(actor=editor, option=option)
    with pytest.raises(ValidationError):
        services.option_delete(actor=editor, option=option)
    with pytest.raises(ValidationError):
        services.option_save(actor=editor, option=Option(vote=vote, label="Neu"))

    # The wording may still be made clearer, and the count put later.
    vote.refresh_from_db()
    vote.title = "Wo sollen die neuen Bäume zuerst stehen?"
    vote.results_after = vote.closes_at + timedelta(days=1)
    services.vote_save(actor=editor, vote=vote)


def test_a_budget_answer_needs_its_cost(office: Office, editor: User) -> None:
    vote = make_vote(
        office,
        kind=VoteKind.BUDGET,
        costs=("1", "2", "3"),
        budget="5",
        opened_ago=timedelta(days=-1),
        published=False,
    )
    with pytest.raises(ValidationError, match="Kosten"):
        services.option_save(actor=editor, option=Option(vote=vote, label="Ohne Preis"))


def test_an_editor_of_another_office_changes_nothing(office: Office, other_editor: User) -> None:
    vote = make_vote(office, opened_ago=timedelta(days=-1), published=False)
    with pytest.raises(PermissionDenied):
        services.vote_publish(actor=other_editor, vote=vote)
    with pytest.raises(PermissionDenied):
        services.codes_issue(vote=vote, count=1, actor=other_editor)


def test_staff_enter_a_letter_on_the_page(
    client_for: ClientFor, office: Office, editor: User
) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    page = f"/abstimmungen/{vote.pk}/stimmzettel-eingeben/"
    client = client_for(editor)

    assert client.get(page).status_code == 200
    response = client.post(
        page, {"channel": Channel.POST, "code": code, "choices": option_ids(vote)["Westpark"]}
    )

    assert response.status_code == 200
    assert "Der Stimmzettel ist gezählt." in response.content.decode()
    assert Ballot.objects.get().channel == Channel.POST
    again = client.post(
        page, {"channel": Channel.POST, "code": code, "choices": option_ids(vote)["Westpark"]}
    )
    assert again.status_code == 409
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_editor", "dpo"])
def test_only_staff_of_the_office_enter_ballots(
    client_for: ClientFor, office: Office, people: dict[str, User | None], who: str
) -> None:
    vote = make_vote(office, requires_code=False)
    page = f"/abstimmungen/{vote.pk}/stimmzettel-eingeben/"
    response = client_for(people[who]).post(
        page, {"channel": Channel.POST, "choices": option_ids(vote)["Westpark"]}
    )
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_a_code_batch_is_on_record_without_its_codes(office: Office, editor: User) -> None:
    vote = make_vote(office, published=False, opened_ago=timedelta(days=-1))
    services.codes_issue(vote=vote, count=3, note="Bürgerbüro Mitte", actor=editor)
    entry = AuditEntry.objects.get(object_type="voting.codebatch")
    assert entry.is_public is False
    assert entry.actor_role == "editor"
    assert entry.changes["count"] == [None, 3]


@pytest.mark.parametrize("who", MANAGE)
def test_procedures_for_votes_are_those_whose_votes_one_manages(
    office: Office, people: dict[str, User | None], who: str
) -> None:
    user = people[who] or AnonymousUser()
    own, without_office = MANAGE[who]
    ours = procedure_for(office)
    citywide = procedure_for(None, slug="stadtweit")
    allowed = {ours: own, citywide: without_office}
    assert set(rules.procedures_for_votes(user)) == {p for p, may in allowed.items() if may}
