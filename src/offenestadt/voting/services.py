"""Every write to votes: preparing them, issuing codes, casting ballots, and counting.

A ballot is cast by :func:`ballot_cast`, whatever the channel: online, through the API, or
entered by staff from a letter or at the counter. With a code, casting is one transaction
that first claims the code with ``UPDATE … SET used = true WHERE code_hash = … AND used =
false`` and only then stores the ballot: of two requests with one code, the database lets
exactly one update the row, the other finds it used (on PostgreSQL claim and ballot are one
statement, voting.box). Ballots and codes are not part of the audit trail on purpose: an
entry per ballot would give each a time and a place in a sequence.
"""

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import created_or_changed, delete_record, save_record
from offenestadt.charter.gates import GateRefusedError, Problem
from offenestadt.core.throttle import throttle_take
from offenestadt.registry.channels import Channel
from offenestadt.voting import box, rules
from offenestadt.voting.models import (
    Ballot,
    BallotChoice,
    CodeBatch,
    Option,
    Vote,
    VoteKind,
    VotingCode,
    euro,
)

# Codes and receipts use 32 characters that cannot be mistaken for one another (no 0/O, 1/I):
# five bits each. A code is 4 groups of 4 (80 bits), a receipt 5 groups of 5 (125 bits).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4
RECEIPT_GROUPS, RECEIPT_GROUP_LENGTH = 5, 5
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH
RECEIPT_LENGTH = RECEIPT_GROUPS * RECEIPT_GROUP_LENGTH
MAX_CODES_PER_BATCH = 1_000_000

# Against flooding, without tracking anyone: the platform throttle (core.throttle) counts per
# source, a keyed hash of the address whose key changes every day. Scopes start with "voting:".
THROTTLE_SCOPE_PREFIX = "voting:"
# Unknown codes per source; a code that exists is never counted and never refused for it.
CODE_ATTEMPT_SCOPE = "voting:unknown-code"
# Unknown codes per vote from all sources together: a signal of guessing from many addresses.
CODE_GUESSING_SCOPE = "voting:unknown-code-all"
POLL_SCOPE_PREFIX = "voting:poll-"

logger = logging.getLogger(__name__)


class BallotRefusedError(Exception):
    """A ballot the box does not take. ``status`` is the HTTP status the API answers with;
    ``field`` the form field the message belongs to (None: the ballot as a whole)."""

    status = 400
    field: str | None = None

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class VoteNotOpenError(BallotRefusedError):
    status = 403


class UnknownCodeError(BallotRefusedError):
    status = 403
    field = "code"


class CodeUsedError(BallotRefusedError):
    status = 409
    field = "code"


class InvalidChoicesError(BallotRefusedError):
    status = 422
    field = "choices"


class TooManyAttemptsError(BallotRefusedError):
    status = 429


class TooManyUnknownCodesError(TooManyAttemptsError):
    field = "code"


class CountingNotAllowedError(Exception):
    """Results asked for before the vote may be counted."""

    def __init__(self, starts_at: datetime) -> None:
        self.starts_at = starts_at
        super().__init__(f"counting starts at {starts_at.isoformat()}")


# --- codes and receipts ----------------------------------------------------------------


def _random_text(length: int) -> str:
    # 256 is a multiple of 32, so the low five bits of a random byte pick a character evenly.
    return "".join(ALPHABET[byte & 31] for byte in secrets.token_bytes(length))


def _grouped(text: str, size: int) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def normalise_token(text: str) -> str:
    """A code or receipt as typed (any case, spaces, dashes) in its stored form."""
    return "".join(character for character in text.upper() if character.isalnum())


def code_hash(*, vote: Vote, code: str) -> str:
    """The keyed hash under which a code is stored: HMAC-SHA256 with the vote's salt."""
    return hmac.new(
        bytes.fromhex(vote.code_salt), normalise_token(code).encode(), hashlib.sha256
    ).hexdigest()


def receipt_hash(receipt: str) -> str:
    # 125 random bits need no salt: nobody can try them all.
    return hashlib.sha256(normalise_token(receipt).encode()).hexdigest()


@transaction.atomic
def codes_issue(
    *, vote: Vote, count: int, note: str = "", actor: Actor | None = None
) -> tuple[CodeBatch, list[str]]:
    """Make ``count`` new one-time codes for ``vote`` and return them in plain text.

    Only their keyed hashes are stored: the returned list is the one time the codes exist
    as text, so the caller writes them out (letters, a list for the citizen office) at once.
    The batch (how many, what for) is a public record; the codes are not.
    """
    if actor is not None and not rules.can_manage_votes(actor, vote.procedure):
        raise PermissionDenied(_("Sie dürfen für diese Abstimmung keine Codes ausgeben."))
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ValidationError(
            {
                "count": _("Geben Sie zwischen 1 und %(max)s Codes an.")
                % {"max": MAX_CODES_PER_BATCH}
            }
        )
    if not vote.requires_code:
        raise ValidationError(_("Diese Umfrage braucht keine Codes."))
    if vote.closes_at <= timezone.now():
        raise ValidationError(_("Die Abstimmung ist beendet; neue Codes nützen nichts mehr."))
    batch = CodeBatch(vote=vote, count=count, note=note.strip())
    batch.full_clean()
    save_record(record=batch, actor=actor, event=AuditEvent.CODES_ISSUED)
    codes: dict[str, None] = {}
    while len(codes) < count:
        codes[_random_text(CODE_LENGTH)] = None
    # unaudited: secret codes (keyed hashes); their batch is audited as codes_issued
    VotingCode.objects.bulk_create(
        (
            VotingCode(vote=vote, batch=batch, code_hash=code_hash(vote=vote, code=code))
            for code in codes
        ),
        batch_size=5000,
    )
    return batch, [_grouped(code, CODE_GROUP_LENGTH) for code in codes]


# --- casting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CastBallot:
    """A ballot just cast, and the receipt for its voter (shown once, stored only hashed)."""

    ballot: Ballot
    receipt: str
    options: list[Option]


def choices_check(*, vote: Vote, choices: Sequence[int]) -> list[Option]:
    """The options a ballot names, or InvalidChoicesError saying which rule it breaks."""
    if not choices:
        raise InvalidChoicesError(_("Wählen Sie mindestens eine Antwort."))
    if len(set(choices)) != len(choices):
        raise InvalidChoicesError(_("Jede Antwort zählt nur einmal; eine ist doppelt gewählt."))
    options = {option.pk: option for option in vote.options.all()}
    unknown = [str(choice) for choice in choices if choice not in options]
    if unknown:
        raise InvalidChoicesError(
            _("Diese Antworten gehören nicht zu der Abstimmung: %(ids)s.")
            % {"ids": ", ".join(unknown)}
        )
    limit = vote.choice_limit
    if vote.kind == VoteKind.SINGLE and len(choices) > 1:
        raise InvalidChoicesError(_("Bei dieser Abstimmung gilt genau eine Antwort."))
    if limit is not None and len(choices) > limit:
        raise InvalidChoicesError(
            _("Sie dürfen höchstens %(limit)s Antworten wählen, gewählt sind %(count)s.")
            % {"limit": limit, "count": len(choices)}
        )
    chosen = [options[choice] for choice in choices]
    if vote.kind == VoteKind.BUDGET and vote.budget is not None:
        total = sum((option.cost or Decimal(0) for option in chosen), Decimal(0))
        if total > vote.budget:
            raise InvalidChoicesError(
                _(
                    "Die gewählten Vorschläge kosten zusammen %(total)s Euro; verteilt werden "
                    "%(budget)s Euro. Wählen Sie weniger oder günstigere Vorschläge."
                )
                % {"total": euro(total), "budget": euro(vote.budget)}
            )
    return sorted(chosen, key=lambda option: (option.position, option.pk))


def _store(
    *, vote: Vote, options: list[Option], channel: Channel, code_digest: str = ""
) -> CastBallot:
    """Store the ballot; with ``code_digest``, only once that code is claimed (else refused)."""
    receipt = _random_text(RECEIPT_LENGTH)
    if code_digest and box.in_one_statement():
        ballot = box.claim_and_store(
            vote=vote,
            code_hash=code_digest,
            receipt_hash=receipt_hash(receipt),
            options=[option.pk for option in options],
            channel=channel,
        )
        if ballot is None:
            _code_refuse(vote=vote, digest=code_digest)
    else:
        if code_digest:
            _claim_code(vote=vote, digest=code_digest)
        # unaudited: the ballot is secret: an entry would tie its time to a vote
        ballot = Ballot.objects.create(
            vote=vote, receipt_hash=receipt_hash(receipt), channel=channel
        )
        # unaudited: the ballot is secret: an entry would tie its time to a vote
        BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, option=o) for o in options])
    return CastBallot(
        ballot=ballot, receipt=_grouped(receipt, RECEIPT_GROUP_LENGTH), options=options
    )


def _code_format_check(code: str) -> None:
    """Refuse what cannot be a code at all; a typing slip, not a guess, so it is not counted."""
    if len(normalise_token(code)) != CODE_LENGTH:
        raise UnknownCodeError(
            _("Ein Abstimmungscode hat 16 Zeichen, zum Beispiel ABCD-EFGH-JKLM-NPQR.")
            if code.strip()
            else _("Geben Sie Ihren Abstimmungscode ein.")
        )


def _claim_code(*, vote: Vote, digest: str) -> None:
    """Mark the code used, or refuse. Runs inside the casting transaction."""
    # The row lock makes this the one place where two requests with one code meet: the
    # second waits for the first to commit, then finds used = true and updates nothing.
    # unaudited: a one-time code is used up with its secret ballot
    claimed = VotingCode.objects.filter(vote=vote, code_hash=digest, used=False).update(used=True)
    if claimed != 1:
        _code_refuse(vote=vote, digest=digest)


def _code_refuse(*, vote: Vote, digest: str) -> NoReturn:
    """Say why a code could not be claimed: used already, or unknown."""
    if VotingCode.objects.filter(vote=vote, code_hash=digest).exists():
        raise CodeUsedError(_("Mit diesem Code wurde schon abgestimmt."))
    raise UnknownCodeError(
        _("Diesen Code gibt es für diese Abstimmung nicht. Bitte prüfen Sie ihn.")
    )


def ballot_cast(
    *,
    vote: Vote,
    choices: Sequence[int],
    code: str = "",
    channel: Channel = Channel.ONLINE,
    actor: Actor | None = None,
    source: str = "",
    now: datetime | None = None,
) -> CastBallot:
    """Cast a ballot and return it with the voter's receipt.

    ``channel`` other than online means staff enter a ballot received by post, by phone or
    at the counter: ``actor`` must be allowed to, and no rate limit applies. ``source`` is
    the client's source as the platform throttle keys it (a keyed hash of the address that
    changes daily, core.throttle.address_key); it only feeds the rate limits.
    Refusals are BallotRefusedError subclasses: VoteNotOpenError, InvalidChoicesError,
    UnknownCodeError, CodeUsedError, TooManyAttemptsError. Nothing is stored on a refusal,
    except that an unknown code counts against its source.

    A code that exists is looked up first and never refused for the count of its source:
    behind one address (a library, a polling station) many people vote, and some mistype.
    Only unknown codes are counted; from a source over VOTING_CODE_ATTEMPT_LIMIT they are
    answered with TooManyUnknownCodesError (429), so scripts and proxies back off. Guessing
    a code is bounded by the code space (80 bits), not by this count.
    """
    now = now or timezone.now()
    online = channel == Channel.ONLINE
    if not online and (actor is None or not rules.can_enter_paper_ballots(actor, vote)):
        raise PermissionDenied(_("Sie dürfen für diese Abstimmung keine Stimmzettel eingeben."))
    if not vote.is_public_record():
        raise VoteNotOpenError(_("Diese Abstimmung ist nicht veröffentlicht."))
    if not vote.has_opened(now):
        raise VoteNotOpenError(
            _("Die Abstimmung beginnt am %(date)s.")
            % {"date": timezone.localtime(vote.opens_at).strftime("%d.%m.%Y %H:%M")}
        )
    if not vote.is_open(now):
        raise VoteNotOpenError(_("Die Abstimmung ist beendet."))
    options = choices_check(vote=vote, choices=choices)

    if not vote.requires_code:
        with transaction.atomic():
            if (
                online
                and not throttle_take(
                    scope=f"{POLL_SCOPE_PREFIX}{vote.pk}",
                    key=source,
                    limit=settings.VOTING_POLL_LIMIT,
                    window_seconds=settings.VOTING_POLL_WINDOW_SECONDS,
                ).allowed
            ):
                raise TooManyAttemptsError(
                    _("Von diesem Anschluss kamen gerade sehr viele Stimmen. Bitte später.")
                )
            return _store(vote=vote, options=options, channel=channel)

    _code_format_check(code)
    try:
        # On PostgreSQL one statement claims and stores, a transaction of its own.
        with nullcontext() if box.in_one_statement() else transaction.atomic():
            digest = code_hash(vote=vote, code=code)
            return _store(vote=vote, options=options, channel=channel, code_digest=digest)
    except UnknownCodeError as unknown:
        # Counted outside the casting transaction, which rolled back. A code that exists
        # never comes here, so no count of others' mistakes stands in its way.
        if online:
            _unknown_code_count(vote=vote, source=source)
        raise unknown from None


def _unknown_code_count(*, vote: Vote, source: str) -> None:
    """Count an unknown code against its source (TooManyUnknownCodesError once over the
    limit) and against the vote, warning the operators when many sources guess at once."""
    window = settings.VOTING_CODE_ATTEMPT_WINDOW_SECONDS
    alert = settings.VOTING_CODE_GUESSING_ALERT
    everyone = throttle_take(
        scope=CODE_GUESSING_SCOPE, key=str(vote.pk), limit=alert, window_seconds=window
    )
    if everyone.allowed and everyone.count == alert:
        logger.warning(
            "many unknown voting codes",
            extra={"vote": vote.pk, "unknown_codes": alert, "window_seconds": window},
        )
    if not throttle_take(
        scope=CODE_ATTEMPT_SCOPE,
        key=source,
        limit=settings.VOTING_CODE_ATTEMPT_LIMIT,
        window_seconds=window,
    ).allowed:
        raise TooManyUnknownCodesError(
            _(
                "Zu viele unbekannte Codes von diesem Anschluss. Ein gültiger Code wird "
                "trotzdem angenommen: Bitte prüfen Sie Ihren Code Zeichen für Zeichen."
            )
        )


def ballot_for_receipt(*, vote: Vote, receipt: str) -> Ballot | None:
    """The ballot a receipt was given for, with its choices; found by the receipt only."""
    if len(normalise_token(receipt)) != RECEIPT_LENGTH:
        return None
    return (
        Ballot.objects.filter(vote=vote, receipt_hash=receipt_hash(receipt))
        .prefetch_related("choices__option")
        .first()
    )


# --- counting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionResult:
    option: Option
    count: int
    # Of all ballots (in approval and budget votes the shares add up to more than one).
    share: float
    # Budget votes: whether the option is funded, by votes, as long as the budget lasts.
    funded: bool | None

    @property
    def percent(self) -> float:
        return self.share * 100


@dataclass(frozen=True)
class Tally:
    vote: Vote
    ballots: int
    options: list[OptionResult]
    # Ballots per channel (online, post, in person, phone), for the channel mix.
    channels: dict[str, int]

    @property
    def channel_rows(self) -> list[tuple[str, int]]:
        """The channel mix with each channel's name, for people."""
        return [(str(Channel(channel).label), count) for channel, count in self.channels.items()]

    @property
    def funded_total(self) -> Decimal:
        return sum((r.option.cost or Decimal(0) for r in self.options if r.funded), Decimal(0))


def vote_tally(*, vote: Vote) -> Tally:
    """Count the ballots of ``vote`` in the database: one GROUP BY per table.

    Whether the count may be shown yet is for :func:`vote_results` to say.
    """
    options = list(vote.options.all())
    counts = dict(
        BallotChoice.objects.filter(option_id__in=[option.pk for option in options])
        .values_list("option_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    channels = dict(
        Ballot.objects.filter(vote=vote)
        .values_list("channel")
        .annotate(count=Count("*"))
        .order_by()
    )
    ballots = sum(channels.values())
    ranked = sorted(options, key=lambda o: (-counts.get(o.pk, 0), o.position, o.pk))
    funded: set[int] = set()
    if vote.kind == VoteKind.BUDGET and vote.budget is not None:
        # Participatory budgeting's usual rule: most votes first, skipping what no longer fits.
        remaining = vote.budget
        for option in ranked:
            cost = option.cost or Decimal(0)
            if counts.get(option.pk, 0) > 0 and cost <= remaining:
                funded.add(option.pk)
                remaining -= cost
    results = [
        OptionResult(
            option=option,
            count=counts.get(option.pk, 0),
            share=counts.get(option.pk, 0) / ballots if ballots else 0.0,
            funded=(option.pk in funded) if vote.kind == VoteKind.BUDGET else None,
        )
        for option in ranked
    ]
    return Tally(
        vote=vote,
        ballots=ballots,
        options=results,
        channels={channel: channels.get(channel, 0) for channel in Channel.values},
    )


def vote_results(*, vote: Vote, now: datetime | None = None) -> Tally:
    """The tally, once counting is allowed (after the end); before, CountingNotAllowedError for
    everyone: a running count would sway the vote, so not even staff see one."""
    now = now or timezone.now()
    if not vote.counting_allowed(now):
        raise CountingNotAllowedError(vote.counting_starts_at)
    return vote_tally(vote=vote)


# --- preparing votes ---------------------------------------------------------------------

# What may still change once a vote has opened: the wording, and a later count.
CHANGEABLE_WHILE_OPEN = frozenset({"title", "description", "results_after", "published_at"})


def _require_manage(actor: Actor | None, vote: Vote) -> None:
    if actor is None or not rules.can_manage_votes(actor, vote.procedure):
        raise PermissionDenied(_("Sie dürfen diese Abstimmung nicht ändern."))


@transaction.atomic
def vote_save(*, actor: Actor, vote: Vote) -> Vote:
    """Create or change a vote. Once it has opened its rules are fixed."""
    _require_manage(actor, vote)
    if vote.pk is not None:
        stored = Vote.objects.select_for_update().get(pk=vote.pk)
        if stored.has_opened(timezone.now()):
            changed = [
                field.name
                for field in Vote._meta.concrete_fields
                if field.name not in CHANGEABLE_WHILE_OPEN
                and field.value_from_object(stored) != field.value_from_object(vote)
            ]
            if changed:
                raise ValidationError(
                    _(
                        "Die Abstimmung hat begonnen: ihre Regeln und ihr Zeitraum stehen fest. "
                        "Ändern lassen sich nur Frage, Erläuterung und der Beginn der Auszählung."
                    )
                )
    if vote.kind != VoteKind.BUDGET:
        vote.budget = None
    vote.full_clean()
    save_record(record=vote, actor=actor, event=created_or_changed(vote))
    return vote


@transaction.atomic
def vote_publish_refusal(vote: Vote) -> list[Problem]:
    """What a vote lacks before it may be published: two answers to choose from (one, in
    approval and budget), and in a budget each answer's cost. Empty when it may."""
    minimum = 1 if vote.kind in {VoteKind.APPROVAL, VoteKind.BUDGET} else 2
    if vote.options.count() < minimum:
        return [
            Problem(
                _("Legen Sie zuerst mindestens %(count)s Antworten an.") % {"count": minimum},
                reverse("voting:option_add", args=[vote.pk]),
            )
        ]
    if vote.kind == VoteKind.BUDGET:
        uncosted = vote.options.filter(cost__isnull=True).first()
        if uncosted is not None:
            return [
                Problem(
                    _("Bei „Budget verteilen“ braucht jede Antwort ihre Kosten."),
                    reverse("voting:option_edit", args=[vote.pk, uncosted.pk]),
                )
            ]
    return []


def vote_publish_gate(vote: Vote) -> None:
    """Let the vote be published, or raise GateRefusedError with vote_publish_refusal."""
    if refusal := vote_publish_refusal(vote):
        raise GateRefusedError(refusal)


def vote_publish(*, actor: Actor, vote: Vote) -> Vote:
    """Publish a vote, unless vote_publish_gate refuses (GateRefusedError)."""
    _require_manage(actor, vote)
    vote_publish_gate(vote)
    if vote.published_at is None:
        vote.published_at = timezone.now()
        save_record(record=vote, actor=actor, event=AuditEvent.PUBLISHED)
    return vote


def option_change_gate(option: Option) -> None:
    """Let an answer be changed or removed, or raise ValidationError: only before the vote opens."""
    if option.vote.has_opened(timezone.now()):
        raise ValidationError(
            _("Die Abstimmung hat begonnen: die Antworten lassen sich nicht mehr ändern.")
        )


@transaction.atomic
def option_save(*, actor: Actor, option: Option) -> Option:
    """Add or change an answer, before the vote opens."""
    _require_manage(actor, option.vote)
    option_change_gate(option)
    if option.vote.kind == VoteKind.BUDGET and option.cost is None:
        raise ValidationError(
            {"cost": _("Bei „Budget verteilen“ braucht jede Antwort ihre Kosten.")}
        )
    if option.proposal is not None and option.proposal.procedure_id != option.vote.procedure_id:
        raise ValidationError({"proposal": _("Der Vorschlag gehört zu einem anderen Verfahren.")})
    option.full_clean()
    save_record(record=option, actor=actor, event=created_or_changed(option))
    return option


@transaction.atomic
def option_delete(*, actor: Actor, option: Option) -> None:
    """Remove an answer, before the vote opens."""
    _require_manage(actor, option.vote)
    option_change_gate(option)
    delete_record(record=option, actor=actor, event=AuditEvent.DELETED)
