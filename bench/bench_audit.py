"""The audit trail: how fast changes are appended, how fast the whole chain verifies."""

from itertools import count

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from run import Figure, median_seconds

from offenestadt.accounts.models import Office, Role, User
from offenestadt.audit.models import AuditEntry
from offenestadt.audit.verification import verify_chain
from offenestadt.registry import services

BATCH = 200


def run() -> list[Figure]:
    office = Office.objects.create(slug="bench", name="Benchmark-Amt")
    editor = User.objects.create_user(
        username="bench-editor", password=None, role=Role.EDITOR, office=office
    )
    numbers = count()

    def create_batch() -> None:
        for _ in range(BATCH):
            services.project_create(
                actor=editor,
                office=office,
                title=f"Projekt {next(numbers)}",
                summary="Eine Zusammenfassung, wie sie im Register steht.",
            )

    def publish_batch() -> None:
        for project in office.projects.filter(published_at__isnull=True)[:BATCH]:
            services.project_publish(actor=editor, project=project)

    create_seconds = median_seconds(create_batch)
    publish_seconds = median_seconds(publish_batch)
    entries = AuditEntry.objects.count()
    verify_seconds = median_seconds(lambda: verify_chain(), repeat=5)
    assert verify_chain().ok

    client = Client(HTTP_HOST="localhost")  # an anonymous visitor
    list_seconds = median_seconds(lambda: client.get("/projekte/"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projekte/").status_code == 200
    published = office.projects.filter(published_at__isnull=False).count()

    return [
        Figure("audit", "create record + entry", BATCH / create_seconds, "records/s"),
        Figure("audit", "publish (transition) + entry", BATCH / publish_seconds, "records/s"),
        Figure(
            "audit", f"verify chain of {entries} entries", entries / verify_seconds, "entries/s"
        ),
        Figure("registry", f"project list page, {published} projects", list_seconds * 1000, "ms"),
        Figure("registry", "project list queries", len(queries), "queries"),
    ]
