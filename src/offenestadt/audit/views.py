from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from offenestadt.audit.models import AuditEntry, ChainHead, ChainSeal, Checkpoint
from offenestadt.audit.selectors import public_changes, public_changes_page
from offenestadt.core.errors import problem_response

PAGE_SIZE = 1000
# Entries on one page of the public changes.
PER_PAGE = 50
# Old numbered pages (?seite=N) still found: up to this page, by one short index walk.
OLD_PAGES = 100


def changes(request: HttpRequest) -> HttpResponse:
    """The public change history of all records, newest first, page by page from an entry
    number (?vor=N: older than entry N; ?nach=N: newer than entry N)."""
    if "seite" in request.GET:
        return _numbered_page(request)
    try:
        before, after = (_entry_number(request.GET.get(name)) for name in ("vor", "nach"))
    except ValueError:
        message = _("„vor“ und „nach“ nehmen die Nummer eines Eintrags (eine ganze Zahl ab 0).")
        return problem_response(request, 400, message)
    page = public_changes_page(before=before, after=after, size=PER_PAGE)
    return render(request, "audit/changes.html", {"page": page})


def _entry_number(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _numbered_page(request: HttpRequest) -> HttpResponse:
    """A link from when the list had page numbers: sent on to the same entries by number.

    Page N held the entries below the (N-1)·50-th newest public one; pages past
    ``OLD_PAGES`` are refused rather than found by walking a million entries.
    """
    query = request.GET.copy()
    number = query.pop("seite")[-1]
    target = request.path
    if not (number.isascii() and number.isdigit()) or int(number) > OLD_PAGES:
        return problem_response(
            request,
            400,
            _(
                "Das Änderungsprotokoll hat keine Seitennummern (seite) mehr: bitte von der "
                "ersten Seite aus über „ältere Einträge“ blättern."
            ),
        )
    skipped = (int(number) - 1) * PER_PAGE
    if skipped > 0:
        last = list(public_changes().values_list("seq", flat=True)[skipped - 1 : skipped])
        if last:
            query["vor"] = str(last[0])
    if query:
        target = f"{target}?{query.urlencode()}"
    return redirect(target, permanent=True)


def checkpoints(request: HttpRequest) -> HttpResponse:
    head = ChainHead.objects.filter(pk=1).first()
    seal = ChainSeal.objects.filter(pk=1).first()
    published = Checkpoint.objects.all()[:200]
    if request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse(
            {
                "head": {"seq": head.seq, "hash": head.entry_hash} if head else None,
                "seal": (
                    {"seq": seal.seq, "hash": seal.entry_hash, "appended": seal.appended}
                    if seal
                    else None
                ),
                "checkpoints": [
                    {"seq": c.seq, "hash": c.entry_hash, "time": c.created_at.isoformat()}
                    for c in published
                ],
            }
        )
    return render(
        request, "audit/checkpoints.html", {"head": head, "seal": seal, "checkpoints": published}
    )


def entries_json(request: HttpRequest) -> JsonResponse:
    """The whole chain, so anyone can recompute it: internal entries show only their digest."""
    try:
        after = max(int(request.GET.get("after", "0")), 0)
    except ValueError:
        return JsonResponse({"error": "'after' must be a whole number"}, status=400)
    rows = list(AuditEntry.objects.filter(seq__gt=after).order_by("seq")[:PAGE_SIZE])
    data = [
        {
            "seq": entry.seq,
            "prev_hash": entry.prev_hash,
            "payload_digest": entry.payload_digest,
            "entry_hash": entry.entry_hash,
            "payload": entry.payload() if entry.is_public else None,
        }
        for entry in rows
    ]
    body: dict[str, object] = {"entries": data}
    if len(rows) == PAGE_SIZE:
        body["next"] = f"{request.path}?after={rows[-1].seq}"
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
