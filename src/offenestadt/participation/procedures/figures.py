"""The figures of procedures: contributions by the channel they came through, for the
results page, the API and the export. Three grouped queries for any number of procedures."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Value

from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures.models import ContributionStatus, PhaseKind, Procedure
from offenestadt.participation.proposals.models import Proposal, Support
from offenestadt.registry.channels import Channel


@dataclass(frozen=True)
class ChannelCount:
    """What came in through one channel. A call or a letter counts like a click."""

    channel: Channel
    comments: int = 0
    proposals: int = 0
    supports: int = 0

    @property
    def contributions(self) -> int:
        return self.comments + self.proposals

    @property
    def label(self) -> str:
        return str(self.channel.label)


@dataclass(frozen=True)
class ChannelMix:
    """Comments, proposals and supports of a procedure by channel; hidden ones included,
    since they were received, and counted apart as well."""

    rows: list[ChannelCount]
    hidden: int = 0
    comments_visible: int = 0
    by_channel: dict[str, ChannelCount] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_channel", {row.channel.value: row for row in self.rows})

    @property
    def comments(self) -> int:
        return sum(row.comments for row in self.rows)

    @property
    def proposals(self) -> int:
        return sum(row.proposals for row in self.rows)

    @property
    def supports(self) -> int:
        return sum(row.supports for row in self.rows)

    @property
    def contributions(self) -> int:
        return self.comments + self.proposals

    @property
    def offline(self) -> int:
        """Comments and proposals that did not come online."""
        return sum(row.contributions for row in self.rows if row.channel != Channel.ONLINE)


def channel_mixes(procedure_ids: Iterable[int]) -> dict[int, ChannelMix]:
    """The channel mix of each procedure, keyed by its id (every id gets one)."""
    ids = list(procedure_ids)
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    hidden: dict[int, int] = defaultdict(int)
    visible_comments: dict[int, int] = defaultdict(int)
    for kind, model in (("comments", Comment), ("proposals", Proposal)):
        rows = (
            model.objects.filter(procedure_id__in=ids)
            .values("procedure_id", "channel")
            .annotate(
                received=Count("pk"),
                hidden=Count("pk", filter=Q(status=ContributionStatus.HIDDEN)),
            )
            .order_by()
        )
        for row in rows:
            counts[row["procedure_id"]][row["channel"]][kind] += row["received"]
            hidden[row["procedure_id"]] += row["hidden"]
            if kind == "comments":
                visible_comments[row["procedure_id"]] += row["received"] - row["hidden"]
    supports = (
        Support.objects.filter(proposal__procedure_id__in=ids)
        .values("proposal__procedure_id", "channel")
        .annotate(received=Count("pk"))
        .order_by()
    )
    for support in supports:
        procedure_id = support["proposal__procedure_id"]
        counts[procedure_id][support["channel"]]["supports"] += support["received"]
    return {
        pk: ChannelMix(
            rows=[
                ChannelCount(
                    channel=channel,
                    comments=counts[pk][channel.value]["comments"],
                    proposals=counts[pk][channel.value]["proposals"],
                    supports=counts[pk][channel.value]["supports"],
                )
                for channel in Channel
            ],
            hidden=hidden[pk],
            comments_visible=visible_comments[pk],
        )
        for pk in ids
    }


def channel_mix(procedure: Procedure) -> ChannelMix:
    return channel_mixes([procedure.pk])[procedure.pk]


def is_consultation_open(procedure: Procedure, today: date) -> bool:
    """Whether comments are taken today: published, and in a consultation phase."""
    phase = procedure.phase_on(today)
    return (
        procedure.published_at is not None
        and phase is not None
        and phase.kind == PhaseKind.CONSULTATION
    )


def is_finished(procedure: Procedure, today: date) -> bool:
    """Whether the procedure's last phase has ended."""
    ends_on = procedure.ends_on
    return ends_on is not None and ends_on < today


def contributions_by_channel() -> dict[Channel, ChannelCount]:
    """Comments and proposals to published procedures by the channel they came through,
    hidden ones included (they were received); in one query."""
    grouped = [
        model.objects.filter(procedure__published_at__isnull=False)
        .values("channel")
        .annotate(kind=Value(kind), received=Count("pk"))
        .values_list("kind", "channel", "received")
        .order_by()
        for kind, model in (("comments", Comment), ("proposals", Proposal))
    ]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, channel, received in grouped[0].union(grouped[1], all=True).order_by():
        counts[channel][kind] += received
    return {
        channel: ChannelCount(
            channel=channel,
            comments=counts[channel.value]["comments"],
            proposals=counts[channel.value]["proposals"],
        )
        for channel in Channel
    }
