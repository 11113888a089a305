"""All contributions of procedures as open data (CSV and JSON), without personal data.

No pseudonym, no e-mail address, no time of day: a row says through which channel a
contribution came, on which day, on which paragraph, what it says and what became of it.
A hidden contribution keeps its public reason; its text stays out, as on the page.
The CSV shows kinds, channels and states by their names and days in the reader's language,
as the pages do; the JSON keeps the codes and ISO days for programs. Both keep the columns.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from offenestadt.core.display import display_value
from offenestadt.core.spreadsheets import csv_table
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures.models import ContributionStatus, Procedure
from offenestadt.participation.proposals.models import Proposal, ProposalStatus
from offenestadt.registry.channels import Channel

SUPPORT_COLUMNS = tuple(f"supports_{channel.value}" for channel in Channel)
COLUMNS = (
    "procedure",
    "kind",
    "id",
    "reply_to",
    "channel",
    "date",
    "document",
    "paragraph",
    "title",
    "text",
    "status",
    "hidden_reason",
    "proposal_status",
    "answer",
    "answered_on",
    *SUPPORT_COLUMNS,
)

# The CSV's coded columns by their names; its days (ISO in the JSON) in the reader's language.
NAMED: dict[str, Mapping[str, str | Promise]] = {
    "kind": {
        "comment": _("Kommentar"),
        "reply": pgettext_lazy("Art eines Beitrags", "Antwort"),
        "proposal": _("Vorschlag"),
    },
    "channel": dict(Channel.choices),
    "status": dict(ContributionStatus.choices),
    "proposal_status": dict(ProposalStatus.choices),
}
DAYS = frozenset({"date", "answered_on"})


def _day(moment: Any) -> str | None:
    return timezone.localdate(moment).isoformat() if moment else None


def _comment_rows(procedures: QuerySet[Procedure]) -> list[dict[str, Any]]:
    comments = Comment.objects.filter(procedure__in=procedures).values(
        "pk",
        "procedure__slug",
        "parent_id",
        "channel",
        "created_at",
        "paragraph__document__title",
        "paragraph__position",
        "text",
        "status",
        "hidden_reason",
    )
    rows = []
    for comment in comments.iterator(chunk_size=2000):
        hidden = comment["status"] == ContributionStatus.HIDDEN
        rows.append(
            {
                "procedure": comment["procedure__slug"],
                "kind": "reply" if comment["parent_id"] else "comment",
                "id": comment["pk"],
                "reply_to": comment["parent_id"],
                "channel": comment["channel"],
                "date": _day(comment["created_at"]),
                "document": comment["paragraph__document__title"],
                "paragraph": comment["paragraph__position"],
                "title": None,
                "text": None if hidden else comment["text"],
                "status": comment["status"],
                "hidden_reason": comment["hidden_reason"] or None,
                "proposal_status": None,
                "answer": None,
                "answered_on": None,
                **dict.fromkeys(SUPPORT_COLUMNS),
                "_created_at": comment["created_at"],
            }
        )
    return rows


def _proposal_rows(procedures: QuerySet[Procedure]) -> list[dict[str, Any]]:
    proposals = (
        Proposal.objects.filter(procedure__in=procedures)
        .annotate(
            **{
                column: Count("supports", filter=Q(supports__channel=channel))
                for column, channel in zip(SUPPORT_COLUMNS, Channel, strict=True)
            }
        )
        .values(
            "pk",
            "procedure__slug",
            "channel",
            "created_at",
            "title",
            "text",
            "status",
            "hidden_reason",
            "proposal_status",
            "answer",
            "answered_at",
            *SUPPORT_COLUMNS,
        )
    )
    rows = []
    for proposal in proposals.iterator(chunk_size=2000):
        hidden = proposal["status"] == ContributionStatus.HIDDEN
        rows.append(
            {
                "procedure": proposal["procedure__slug"],
                "kind": "proposal",
                "id": proposal["pk"],
                "reply_to": None,
                "channel": proposal["channel"],
                "date": _day(proposal["created_at"]),
                "document": None,
                "paragraph": None,
                "title": None if hidden else proposal["title"],
                "text": None if hidden else proposal["text"],
                "status": proposal["status"],
                "hidden_reason": proposal["hidden_reason"] or None,
                "proposal_status": proposal["proposal_status"],
                "answer": proposal["answer"] or None,
                "answered_on": _day(proposal["answered_at"]),
                **{column: proposal[column] for column in SUPPORT_COLUMNS},
                "_created_at": proposal["created_at"],
            }
        )
    return rows


def contribution_rows(procedures: QuerySet[Procedure]) -> list[dict[str, Any]]:
    """One row per comment, reply and proposal, by procedure and in the order they came."""
    rows = _comment_rows(procedures) + _proposal_rows(procedures)
    rows.sort(key=lambda row: (row["procedure"], row["_created_at"], row["kind"], row["id"]))
    for row in rows:
        del row["_created_at"]
    return rows


def _shown(column: str, value: Any) -> Any:
    """A CSV cell as the pages show it."""
    if value is not None and column in NAMED:
        return str(NAMED[column][value])
    if column in DAYS:
        return display_value(value)
    return value


def contributions_csv(rows: Iterable[dict[str, Any]]) -> str:
    return csv_table(COLUMNS, ([_shown(name, row[name]) for name in COLUMNS] for row in rows))


def contributions_json(procedures: QuerySet[Procedure], rows: list[dict[str, Any]]) -> str:
    document = {
        "procedures": [
            {"slug": procedure.slug, "title": procedure.title, "url": procedure.get_absolute_url()}
            for procedure in procedures.order_by("slug")
        ],
        "columns": list(COLUMNS),
        "contributions": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def contributions_csv_response(procedures: QuerySet[Procedure], name: str) -> HttpResponse:
    """As CSV (UTF-8 with BOM, so spreadsheets read the umlauts), safe to open in one."""
    response = HttpResponse(
        "\ufeff" + contributions_csv(contribution_rows(procedures)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="beitraege-{name}.csv"'
    return response


def contributions_json_response(procedures: QuerySet[Procedure], name: str) -> HttpResponse:
    response = HttpResponse(
        contributions_json(procedures, contribution_rows(procedures)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="beitraege-{name}.json"'
    return response
