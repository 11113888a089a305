from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from offenestadt.core import replica
from offenestadt.core.worker import queue_state, worker_state


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "core/imprint.html")


@never_cache
@replica.reads_primary  # The state of the primary, its worker and its queue.
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers, else 503. The task worker and the queue are
    reported too; a missing worker turns the answer into 503 only with ``?strict``, so
    a load balancer does not take the app servers out for it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        worker = worker_state()
        tasks = queue_state()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    healthy = worker.state == "ok" or "strict" not in request.GET
    report: dict[str, object] = {
        "status": "ok" if healthy else "error",
        "database": "ok",
        "worker": {"state": worker.state, "last_heartbeat": worker.last_heartbeat},
        "tasks": tasks,
    }
    # A replica that lags or is gone is reported, never a 503: the primary answers its reads.
    if (state := replica.replica_state(fresh=True)) is not None:
        report["replica"] = state.as_json()
    return JsonResponse(report, status=200 if healthy else 503)
