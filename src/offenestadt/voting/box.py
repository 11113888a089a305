"""The ballot box on PostgreSQL: a code claimed and its ballot stored in one statement.

One round trip instead of five (BEGIN, claim the code, the ballot, its choices, COMMIT):
the statement updates the code row ``WHERE … AND NOT used``, inserts the ballot only from
the row it claimed, and the choices only from that ballot. A single statement is atomic on
its own, and under READ COMMITTED a second statement with the same code waits for the
first one's row lock, then sees ``used`` true and claims, and therefore stores, nothing.
SQLite (one writer at a time) takes the same steps one by one in services.ballot_cast.
"""

import uuid

from django.db import connection

from offenestadt.registry.channels import Channel
from offenestadt.voting.models import Ballot, BallotChoice, Vote, VotingCode

CLAIM_AND_STORE = f"""
WITH claimed AS (
    UPDATE {VotingCode._meta.db_table} SET used = true
    WHERE vote_id = %(vote)s AND code_hash = %(code_hash)s AND NOT used
    RETURNING vote_id
), ballot AS (
    INSERT INTO {Ballot._meta.db_table} (id, vote_id, receipt_hash, channel)
    SELECT %(ballot)s, vote_id, %(receipt_hash)s, %(channel)s FROM claimed
    RETURNING id
)
INSERT INTO {BallotChoice._meta.db_table} (ballot_id, option_id)
SELECT ballot.id, option_id FROM ballot, unnest(%(options)s::bigint[]) AS option_id
"""  # noqa: S608 - table names from the models; every value is a parameter


def in_one_statement() -> bool:
    """Whether this database claims and stores in one statement (PostgreSQL)."""
    return connection.vendor == "postgresql"


def claim_and_store(
    *, vote: Vote, code_hash: str, receipt_hash: str, options: list[int], channel: Channel
) -> Ballot | None:
    """The stored ballot, or None when no unused code of ``vote`` has ``code_hash``.

    ``options`` must not be empty: a claimed code shows in the choices stored.
    """
    ballot = Ballot(id=uuid.uuid4(), vote=vote, receipt_hash=receipt_hash, channel=channel)
    with connection.cursor() as cursor:
        # unaudited: the ballot is secret and its code used up with it (see services)
        cursor.execute(
            CLAIM_AND_STORE,
            {
                "vote": vote.pk,
                "code_hash": code_hash,
                "ballot": ballot.pk,
                "receipt_hash": receipt_hash,
                "channel": channel,
                "options": options,
            },
        )
        stored = cursor.rowcount
    if stored == 0:
        return None
    ballot._state.adding = False
    ballot._state.db = connection.alias
    return ballot
