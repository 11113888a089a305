from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from offenestadt.audit.models import AuditEntry, ChainHead, ChainSeal, Checkpoint
from offenestadt.audit.selectors import public_changes

PAGE_SIZE = 1000


def changes(request: HttpRequest) -> HttpResponse:
    """The public change history of all records, newest first."""
    page = Paginator(public_changes(), 50).get_page(request.GET.get("seite"))
    return render(request, "audit/changes.html", {"page": page})


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
