"""Demo votes: a running budget vote with codes (a few printed for trying it out), and an
open poll of the finished workshop, counted, with ballots from letters and the counter."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from offenestadt.accounts.models import Role, User
from offenestadt.participation.models import Procedure
from offenestadt.registry.channels import Channel
from offenestadt.voting import services
from offenestadt.voting.models import Option, Vote, VoteKind

DEMO_CODES = 3

BUDGET_VOTE: dict[str, Any] = {
    "procedure": "bodenfeuchte-online",
    "title": "Welche Parks bekommen die nächsten Sensoren? (Demo)",
    "description": "Für neue Sensoren stehen 12.000 Euro bereit. Wählen Sie die Parks, die "
    "zuerst an der Reihe sein sollen; umgesetzt wird nach Stimmen, solange das Geld reicht.",
    "kind": VoteKind.BUDGET,
    "budget": Decimal("12000"),
    "requires_code": True,
    "days": (-1, 27),
    "options": [
        ("Stadtpark", "Viele alte Bäume, wenig Schatten.", Decimal("5000")),
        ("Westpark", "Der neue Spielplatz braucht gesunde Bäume.", Decimal("4000")),
        ("Südpark", "Trockener, sandiger Boden.", Decimal("3500")),
        ("Kurpark", "Bisher ohne Bewässerung.", Decimal("2500")),
    ],
}

POLL: dict[str, Any] = {
    "procedure": "wlan-buergerwerkstatt",
    "title": "Wo soll das offene WLAN zuerst kommen? (Demo)",
    "description": "Eine offene Umfrage zur Bürgerwerkstatt: ohne Code, für alle.",
    "kind": VoteKind.SINGLE,
    "budget": None,
    "requires_code": False,
    "days": (-74, -46),
    "options": [
        ("Im Foyer", "", None),
        ("Im Saal", "", None),
        ("Im Außenbereich", "", None),
    ],
    # Ballots per option: online, by post, in person.
    "ballots": {
        "Im Foyer": (14, 3, 2),
        "Im Saal": (6, 2, 1),
        "Im Außenbereich": (3, 1, 1),
    },
}


def _prepare(spec: dict[str, Any], procedure: Procedure, editor: User) -> Vote:
    """A vote as staff would make it: drafted before it opens, answers added, published,
    and then given its (in the demo: past) period."""
    now = timezone.now()
    vote = services.vote_save(
        actor=editor,
        vote=Vote(
            procedure=procedure,
            title=spec["title"],
            description=spec["description"],
            kind=spec["kind"],
            budget=spec["budget"],
            requires_code=spec["requires_code"],
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=2),
        ),
    )
    for position, (label, description, cost) in enumerate(spec["options"], start=1):
        services.option_save(
            actor=editor,
            option=Option(
                vote=vote, position=position, label=label, description=description, cost=cost
            ),
        )
    # The demo's period, set while the vote is a draft: once published it only moves later.
    start, end = spec["days"]
    vote.opens_at, vote.closes_at = now + timedelta(days=start), now + timedelta(days=end)
    services.vote_save(actor=editor, vote=vote)
    return services.vote_publish(actor=editor, vote=vote)


def _cast_poll_ballots(vote: Vote, editor: User) -> None:
    options = {option.label: option.pk for option in vote.options.all()}
    during: datetime = vote.opens_at + timedelta(days=3)
    number = 0
    for label, (online, post, in_person) in POLL["ballots"].items():
        for channel, count in (
            (Channel.ONLINE, online),
            (Channel.POST, post),
            (Channel.IN_PERSON, in_person),
        ):
            for _ in range(count):
                number += 1
                services.ballot_cast(
                    vote=vote,
                    choices=[options[label]],
                    channel=channel,
                    actor=None if channel == Channel.ONLINE else editor,
                    source=f"demo-{number}",
                    now=during,
                )


def load_demo() -> list[str]:
    notes: list[str] = []
    for spec in (BUDGET_VOTE, POLL):
        procedure = Procedure.objects.filter(slug=spec["procedure"]).first()
        if procedure is None or Vote.objects.filter(title=spec["title"]).exists():
            continue
        editor = User.objects.filter(office=procedure.office, role=Role.EDITOR).earliest("pk")
        vote = _prepare(spec, procedure, editor)
        if spec is POLL:
            _cast_poll_ballots(vote, editor)
        else:
            _, codes = services.codes_issue(
                vote=vote, count=DEMO_CODES, note="Zum Ausprobieren der Demo", actor=editor
            )
            notes.append(
                f"Abstimmungscodes zum Ausprobieren ({vote.get_absolute_url()}): "
                + ", ".join(codes)
            )
    return notes
