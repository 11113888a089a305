"""The charter engine: evaluating projects, and the pages that read the evaluations."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from run import Figure, median_seconds

from offenestadt.accounts.models import Office, Role, User
from offenestadt.charter.demo import load_demo as load_demo_charter
from offenestadt.charter.engine import evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.registry import services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import (
    AccessChannel,
    Phase,
    Project,
    Service,
    SoftwareComponent,
)
from offenestadt.training.models import Course, Session

PROJECTS = 200


def run() -> list[Figure]:
    load_demo_charter()
    charter = CharterVersion.objects.in_force()
    assert charter is not None
    office = Office.objects.create(slug="bench-charta", name="Benchmark-Amt Charta")
    editor = User.objects.create_user(
        username="bench-charta", password=None, role=Role.EDITOR, office=office
    )
    for number in range(PROJECTS):
        project = services.project_create(
            actor=editor,
            office=office,
            title=f"Geprüftes Projekt {number}",
            summary="Ein Projekt mit Teilen.",
            processes_personal_data=False,
        )
        service = Service.objects.create(project=project, name="Dienst")
        for phase in Phase:
            AccessChannel.objects.create(service=service, phase=phase, kind=Channel.PHONE)
        SoftwareComponent.objects.create(
            project=project, name="App", licence="EUPL-1.2", repository_url="https://example.org"
        )
        course = Course.objects.create(
            office=office, project=project, title="Kurs", description="Kurs", provider="VHS"
        )
        start = timezone.now() + timedelta(days=7)
        Session.objects.create(
            course=course,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="VHS",
            capacity=9,
        )
        services.project_publish(actor=editor, project=project)
    projects = list(
        Project.objects.filter(office=office).prefetch_related(
            "software_components",
            "courses__sessions",
            "services__channels",
            "register_assets",
            "processing_activities",
            "participation_procedures",
        )
    )
    evaluate_seconds = median_seconds(
        lambda: [evaluate(project, charter) for project in projects], repeat=5
    )
    client = Client(HTTP_HOST="localhost")
    overview_seconds = median_seconds(lambda: client.get("/projekte/uebersicht/"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projekte/uebersicht/").status_code == 200
    # Counted now: every later request empties Django's query log.
    overview_queries = len(queries)
    detail = f"/projekte/{projects[0].slug}/"
    detail_seconds = median_seconds(lambda: client.get(detail))
    return [
        Figure(
            "charter",
            f"evaluate {PROJECTS} prefetched projects",
            PROJECTS / evaluate_seconds,
            "projects/s",
        ),
        Figure("charter", "overview page", overview_seconds * 1000, "ms"),
        Figure("charter", "overview page queries", overview_queries, "queries"),
        Figure("charter", "project page with scorecard", detail_seconds * 1000, "ms"),
    ]
