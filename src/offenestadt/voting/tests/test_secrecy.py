"""The ballot cannot be linked to its code: no column, key, sequence, order or time joins
them, nothing of casting enters the audit trail, and only hashes of codes are stored."""

import uuid

import pytest
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

from offenestadt.accounts.models import Office
from offenestadt.audit.models import AuditEntry
from offenestadt.voting import services
from offenestadt.voting.models import Ballot, BallotChoice, CodeBatch, VotingCode
from offenestadt.voting.tests.factories import issue_codes, make_vote, option_ids

pytestmark = pytest.mark.django_db

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def _fields(model: type[models.Model]) -> dict[str, models.Field]:  # type: ignore[type-arg]
    return {field.name: field for field in model._meta.get_fields()}  # type: ignore[misc]


def test_the_stored_code_knows_nothing_of_its_ballot() -> None:
    fields = _fields(VotingCode)
    assert set(fields) == {"id", "vote", "batch", "code_hash", "used"}
    assert not any(isinstance(field, TIME_FIELDS) for field in fields.values())
    # The batch has a day, but a batch holds many codes, issued before anyone voted.
    assert CodeBatch._meta.get_field("codes").related_model is VotingCode


def test_the_ballot_knows_nothing_of_its_code_or_its_time() -> None:
    fields = _fields(Ballot)
    assert set(fields) == {"id", "vote", "receipt_hash", "channel", "choices"}
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(isinstance(field, TIME_FIELDS) for field in fields.values())
    choice_fields = _fields(BallotChoice)
    assert set(choice_fields) == {"pk", "ballot", "option"}
    # No sequence numbers choices in the order they were cast.
    assert isinstance(BallotChoice._meta.pk, models.CompositePrimaryKey)
    assert not any(isinstance(field, AutoFieldMixin) for field in choice_fields.values())


def test_no_relation_joins_codes_and_ballots() -> None:
    ballot_side = {Ballot, BallotChoice}
    code_side = {VotingCode, CodeBatch}
    for model in ballot_side:
        related = {field.related_model for field in model._meta.get_fields() if field.is_relation}
        assert not related & code_side, model
    for model in code_side:
        related = {field.related_model for field in model._meta.get_fields() if field.is_relation}
        assert not related & ballot_side, model


def test_the_tables_have_no_hidden_link(office: Office) -> None:
    """The database as it stands, not only the models: the columns of both tables."""
    with connection.cursor() as cursor:
        columns = {
            table: {
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            }
            for table in ("voting_ballot", "voting_ballotchoice", "voting_votingcode")
        }
    assert columns == {
        "voting_ballot": {"id", "vote_id", "receipt_hash", "channel"},
        "voting_ballotchoice": {"ballot_id", "option_id"},
        "voting_votingcode": {"id", "vote_id", "batch_id", "code_hash", "used"},
    }


def test_only_salted_hashes_of_codes_are_stored(office: Office) -> None:
    vote = make_vote(office)
    other = make_vote(office, slug="andere")
    codes = issue_codes(vote, 20)

    stored = set(VotingCode.objects.values_list("code_hash", flat=True))
    normalised = {code.replace("-", "") for code in codes}
    assert len(stored) == 20
    assert not stored & (set(codes) | normalised)
    assert all(len(digest) == 64 for digest in stored)
    assert stored == {services.code_hash(vote=vote, code=code) for code in codes}
    # Keyed per vote: the same code would hash differently in another vote.
    assert services.code_hash(vote=other, code=codes[0]) not in stored
    # The format: 4 groups of 4 from 32 characters, so 80 bits.
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    assert set("".join(normalised)) <= set(services.ALPHABET)
    assert len(services.ALPHABET) == 32
    assert services.CODE_LENGTH * 5 >= 80


def test_ballots_are_in_no_order_and_casting_writes_no_audit_entry(office: Office) -> None:
    vote = make_vote(office)
    codes = issue_codes(vote, 30)
    ids = list(option_ids(vote).values())
    before = AuditEntry.objects.count()

    receipts = [
        services.ballot_cast(vote=vote, code=code, choices=[ids[n % 3]]).receipt
        for n, code in enumerate(codes)
    ]

    assert AuditEntry.objects.count() == before
    found = [services.ballot_for_receipt(vote=vote, receipt=r) for r in receipts]
    cast_order = [ballot.pk for ballot in found if ballot is not None]
    assert len(cast_order) == 30
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in cast_order)
    # The table's own order (by key) is not the order of casting (chance: 1 in 30!).
    assert list(Ballot.objects.order_by("pk").values_list("pk", flat=True)) != cast_order
    # A used code is just that: used.
    assert VotingCode.objects.filter(used=True).count() == 30
    assert set(VotingCode.objects.values_list("vote", "used").distinct()) == {(vote.pk, True)}


def test_the_receipt_is_stored_only_as_its_hash(office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]

    cast = services.ballot_cast(vote=vote, code=code, choices=[option_ids(vote)["Stadtpark"]])

    ballot = Ballot.objects.get()
    assert ballot.receipt_hash == services.receipt_hash(cast.receipt)
    assert cast.receipt.replace("-", "") not in ballot.receipt_hash
    # 5 groups of 5 from 32 characters: 125 bits, nothing to guess.
    assert len(cast.receipt) == 29
    # The receipt is not derived from the code: it does not find the code, nor the code it.
    assert services.receipt_hash(code) != ballot.receipt_hash
    assert not VotingCode.objects.filter(code_hash=ballot.receipt_hash).exists()
