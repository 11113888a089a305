"""A fictional smart-city programme for a Bochum-like city, clearly labelled as demo.

The projects stand in different states with a realistic mix of findings: one decided
before the platform existed (its gates passed by a recorded council decision), one in
consultation with clear breaches, one well prepared, and one internal draft.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from offenestadt.accounts.models import Office, Role, User
from offenestadt.council.demo import demo_papers
from offenestadt.registry import services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import (
    AccessChannel,
    FundingSource,
    Hosting,
    LinkedRecord,
    Phase,
    Project,
    ProjectStatus,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.opening_hours import WeeklyHours
from offenestadt.registry.servicepoints.demo import load_service_points
from offenestadt.registry.servicepoints.models import ServicePoint
from offenestadt.software.models import Component
from offenestadt.training import services as training
from offenestadt.training.demo import DemoSession, demo_sessions
from offenestadt.training.models import Course


def load_demo() -> list[str]:
    editors = {user.office_id: user for user in User.objects.filter(role=Role.EDITOR)}
    points = load_service_points()
    for story in (_wlan, _soil_sensors):
        story(editors)
    _senior_consultation(editors, points)
    _appointments(editors, points)
    return []


def _new_project(
    editors: dict[int | None, User], office: str, **fields: object
) -> tuple[Project, User] | None:
    if Project.objects.filter(title=fields["title"]).exists():
        return None
    office_record = Office.objects.get(slug=office)
    editor = editors[office_record.pk]
    project = services.project_create(actor=editor, office=office_record, **fields)  # type: ignore[arg-type]
    return project, editor


def _wlan(editors: dict[int | None, User]) -> None:
    created = _new_project(
        editors,
        "digitalisierung",
        title="Offenes WLAN in Stadtteilzentren (Demo)",
        summary="Kostenloses, werbefreies WLAN in zwölf Stadtteilzentren, betrieben von der "
        "Stadt mit Freifunk-Initiativen. Keine Anmeldung, keine Speicherung von Daten der "
        "Nutzenden.",
        plain_language_summary="In 12 Stadtteil-Zentren gibt es bald freies Internet. Es "
        "kostet nichts. Sie müssen sich nicht anmelden.",
        contact_name="Stabsstelle Digitalisierung",
        contact_email="digital@example.org",
        budget=Decimal("480000"),
        processes_personal_data=False,
    )
    if created is None:
        return
    project, editor = created
    parts: tuple[services.RegisterPart, ...] = (
        FundingSource(project=project, name="Städtischer Haushalt", amount=Decimal("180000")),
        FundingSource(project=project, name="Förderprogramm des Landes", amount=Decimal("300000")),
        SoftwareComponent(
            project=project,
            name="Gluon (Freifunk-Firmware)",
            register_entry=Component.objects.filter(name="Gluon (Freifunk-Firmware)").first(),
            repository_url="https://github.com/freifunk-gluon/gluon",
            licence="BSD-2-Clause",
            publicly_funded=True,
            open_standards="IEEE 802.11s, batman-adv",
            hosting=Hosting.CITY,
        ),
    )
    for part in parts:
        services.project_part_save(actor=editor, part=part)
    _course(
        editor,
        Course(
            project=project,
            title="WLAN-Sprechstunde: sicher ins Internet",
            description="Wie Sie sich mit dem offenen WLAN verbinden und sicher surfen. "
            "Anmeldung per Telefon (0234 000111), im Bürgerbüro Nord oder online.",
            provider="Volkshochschule Musterstadt",
            accessibility="stufenloser Zugang, Induktionsschleife",
        ),
        [(7, "Stadtteilzentrum Nord, Raum 2", "Nord", True, 10)],
    )
    services.project_publish(actor=editor, project=project)
    # Decided before the platform existed: the council records why the gates are passed.
    decision = services.CouncilDecision(
        reference="Ratsbeschluss 2020/0815 (Demo)",
        decided_on=date(2020, 11, 12),
        justification="Das Projekt wurde vor Einführung der Plattform nach öffentlicher "
        "Beratung beschlossen; die Veröffentlichungsfrist konnte nachträglich nicht gelten.",
    )
    for status in (
        ProjectStatus.PLANNING,
        ProjectStatus.CONSULTATION,
        ProjectStatus.DECISION,
        ProjectStatus.IMPLEMENTATION,
    ):
        services.project_transition(
            actor=editor, project=project, to=status, council_decision=decision
        )


def _soil_sensors(editors: dict[int | None, User]) -> None:
    created = _new_project(
        editors,
        "umwelt",
        title="Sensoren für Bodenfeuchte in Parks (Demo)",
        summary="Funksensoren messen die Bodenfeuchte in drei Parks, damit Bäume nur gegossen "
        "werden, wenn sie Wasser brauchen. Die Messwerte erscheinen als offene Daten.",
        plain_language_summary="Kleine Geräte messen, wie nass die Erde im Park ist. So "
        "gießt die Stadt nur, wenn es nötig ist.",
        contact_email="umwelt@example.org",
        budget=Decimal("95000"),
        processes_personal_data=False,
    )
    if created is None:
        return
    project, editor = created
    for part in (
        FundingSource(project=project, name="Klimafonds der Stadt", amount=Decimal("95000")),
        SoftwareComponent(
            project=project,
            name="Sensor-Dashboard des Herstellers",
            publicly_funded=True,
            hosting=Hosting.THIRD_COUNTRY,
        ),
    ):
        services.project_part_save(actor=editor, part=part)
    _watering_information(project, editor)
    # A paid workshop only: P4 is violated.
    _course(
        editor,
        Course(
            project=project,
            title="Workshop: Messdaten lesen",
            description="Der Hersteller erklärt die Messwerte der Sensoren.",
            provider="Hersteller der Sensoren",
            cost=Decimal(25),
        ),
        [(20, "Umweltamt, Sitzungssaal", "Mitte", True, 15)],
    )
    services.project_publish(actor=editor, project=project)
    for status in (ProjectStatus.PLANNING, ProjectStatus.CONSULTATION):
        services.project_transition(actor=editor, project=project, to=status)
    # The council decides its sensor contract (demo council, paper p2): as the form links it.
    services.project_papers_link(actor=editor, project=project, council_papers=demo_papers("p2"))


def _watering_information(project: Project, editor: User) -> None:
    """A breach of P5 in figures: the service desk is to open one hour a week instead of
    fifty, since the measurements are online."""
    information = Service(
        project=project,
        name="Auskunft zum Gießen der Stadtbäume",
        description="Wann und wo die Stadt gießt, und wie Anwohnende mithelfen können.",
        changes_on=_days_ahead(60),
    )
    services.project_part_save(actor=editor, part=information)
    desk = {
        "kind": Channel.IN_PERSON,
        "place": "Grünflächenamt, Servicepunkt, Hans-Böckler-Straße 19",
        "district": "Mitte",
        "step_free": True,
        "accessibility": "Rampe am Seiteneingang",
    }
    phone = {"kind": Channel.PHONE, "place": "0234 000333", "hours": _weekly("08:00–16:00")}
    for part in (
        AccessChannel(
            service=information, phase=Phase.BEFORE, hours=_weekly("08:00–18:00"), **desk
        ),
        AccessChannel(service=information, phase=Phase.BEFORE, **phone),
        AccessChannel(
            service=information, phase=Phase.AFTER, hours=_weekly("08:00–09:00", days=[0]), **desk
        ),
        AccessChannel(service=information, phase=Phase.AFTER, **phone),
        AccessChannel(
            service=information,
            phase=Phase.AFTER,
            kind=Channel.ONLINE,
            place="https://example.org/bodenfeuchte",
        ),
    ):
        services.project_part_save(actor=editor, part=part)


def _days_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _course(editor: User, course: Course, sessions: list[DemoSession]) -> None:
    """A course of the training catalogue for the project, with its sessions at 14:00."""
    course.office = course.project.office  # type: ignore[union-attr]
    training.course_save(actor=editor, course=course)
    demo_sessions(editor, course, sessions, hour=14)


def _weekly(times: str, days: Iterable[int] = range(5)) -> list[dict[str, str]]:
    """Hours as access channels store them, the same on each of ``days`` (Monday to Friday
    unless given)."""
    return WeeklyHours.same_on(days, times).as_json()


def _senior_consultation(editors: dict[int | None, User], points: dict[str, ServicePoint]) -> None:
    created = _new_project(
        editors,
        "digitalisierung",
        title="Digitale Sprechstunde im Seniorenbüro (Demo)",
        summary="Das Seniorenbüro bietet zusätzlich Beratung per Videotelefonat an. Die "
        "Sprechstunde vor Ort und am Telefon bleibt wie bisher.",
        plain_language_summary="Sie können das Seniorenbüro bald auch per Video sprechen. "
        "Vorbeikommen und Anrufen geht weiter.",
        contact_name="Seniorenbüro",
        contact_phone="0234 000222",
        processes_personal_data=False,
    )
    if created is None:
        return
    project, editor = created
    office_hours = Service(
        project=project, name="Beratung im Seniorenbüro", changes_on=_days_ahead(45)
    )
    services.project_part_save(actor=editor, part=office_hours)
    # The same hours, place and access after the project as before: P5 is met. In person,
    # the service point's hours, district and access count.
    for phase in (Phase.BEFORE, Phase.AFTER):
        services.project_parts_save(
            actor=editor,
            parts=[
                AccessChannel(
                    service=office_hours,
                    phase=phase,
                    kind=Channel.IN_PERSON,
                    service_point=points["Seniorenbüro im Rathaus (Demo)"],
                ),
                AccessChannel(
                    service=office_hours,
                    phase=phase,
                    kind=Channel.PHONE,
                    place="0234 000222",
                    hours=_weekly("09:00–12:00", days=range(4)),
                ),
            ],
        )
    services.project_part_save(
        actor=editor,
        part=AccessChannel(
            service=office_hours, phase=Phase.AFTER, kind=Channel.ONLINE, place="Videosprechstunde"
        ),
    )
    # Free, with sessions before the video consultation starts: P4 is met.
    _course(
        editor,
        Course(
            project=project,
            title="Videotelefonie ausprobieren",
            description="Digitalpat*innen zeigen, wie ein Videotelefonat mit dem Seniorenbüro "
            "geht. Anmeldung per Telefon (0234 000222) oder im Seniorenbüro.",
            provider="Seniorenbüro mit Digitalpat*innen",
            audience="Seniorinnen und Senioren, ohne Vorkenntnisse",
            accessibility="Aufzug; Leihgeräte vorhanden",
        ),
        [
            (10, "Rathaus, Zimmer 12", "Mitte", True, 8),
            (24, "Rathaus, Zimmer 12", "Mitte", True, 8),
        ],
    )
    services.project_publish(actor=editor, project=project)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.PLANNING)


def _appointments(editors: dict[int | None, User], points: dict[str, ServicePoint]) -> None:
    created = _new_project(
        editors,
        "digitalisierung",
        title="Digitale Terminvergabe im Bürgerbüro (Demo)",
        summary="Termine im Bürgerbüro sollen online buchbar sein. Der Entwurf sieht vor, die "
        "telefonische Terminvergabe einzustellen.",
        plain_language_summary="",
        processes_personal_data=True,
        internal_note="Telefonische Vergabe: Personalrat noch nicht beteiligt.",
    )
    if created is None:
        return
    project, editor = created
    appointments = Service(project=project, name="Termin im Bürgerbüro", changes_on=_days_ahead(90))
    services.project_part_save(actor=editor, part=appointments)
    # In person: from the office in Wattenscheid to the one in Mitte, a breach of P5.
    for phase, kinds, office in (
        (Phase.BEFORE, (Channel.IN_PERSON, Channel.PHONE), "Bürgerbüro Wattenscheid (Demo)"),
        (Phase.AFTER, (Channel.IN_PERSON, Channel.ONLINE), "Bürgerbüro Mitte (Demo)"),
    ):
        for kind in kinds:
            point = points[office] if kind == Channel.IN_PERSON else None
            services.project_part_save(
                actor=editor,
                part=AccessChannel(
                    service=appointments, phase=phase, kind=kind, service_point=point
                ),
            )
    services.project_transition(actor=editor, project=project, to=ProjectStatus.PLANNING)


def link_demo_records(
    model: type[LinkedRecord], specs: list[tuple[str, list[str], dict[str, object]]]
) -> None:
    """Create linked records (title, project titles, field values) unless they exist.

    Used by the demo modules of the apps whose records projects link to.
    """
    for title, project_titles, values in specs:
        if model._default_manager.filter(title=title).exists():
            continue
        projects = list(Project.objects.filter(title__in=project_titles).select_related("office"))
        editor = User.objects.filter(role=Role.EDITOR, office=projects[0].office).earliest("pk")
        record = model(title=title, **values)
        services.linked_record_save(actor=editor, record=record, projects=projects)
