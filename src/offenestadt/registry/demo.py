"""A fictional smart-city programme for a Bochum-like city, clearly labelled as demo."""

from dataclasses import dataclass

from offenestadt.accounts.models import Office, Role, User
from offenestadt.registry import services
from offenestadt.registry.models import Project, ProjectStatus


@dataclass(frozen=True)
class DemoProject:
    title: str
    office: str
    status: ProjectStatus
    summary: str
    plain_language_summary: str
    published: bool


PROJECTS = [
    DemoProject(
        title="Offenes WLAN in Stadtteilzentren (Demo)",
        office="digitalisierung",
        status=ProjectStatus.IMPLEMENTATION,
        summary="Kostenloses, werbefreies WLAN in zwölf Stadtteilzentren, betrieben von "
        "der Stadt mit Freifunk-Initiativen. Keine Anmeldung, keine Speicherung von Daten "
        "der Nutzenden.",
        plain_language_summary="In 12 Stadtteil-Zentren gibt es bald freies Internet. "
        "Es kostet nichts. Sie müssen sich nicht anmelden.",
        published=True,
    ),
    DemoProject(
        title="Sensoren für Bodenfeuchte in Parks (Demo)",
        office="umwelt",
        status=ProjectStatus.CONSULTATION,
        summary="Funksensoren messen die Bodenfeuchte in drei Parks, damit Bäume nur "
        "gegossen werden, wenn sie Wasser brauchen. Die Messwerte erscheinen als offene Daten.",
        plain_language_summary="Kleine Geräte messen, wie nass die Erde im Park ist. "
        "So gießt die Stadt nur, wenn es nötig ist.",
        published=True,
    ),
    DemoProject(
        title="Digitale Terminvergabe im Bürgerbüro (Demo)",
        office="digitalisierung",
        status=ProjectStatus.PLANNING,
        summary="Termine im Bürgerbüro sollen auch online buchbar sein. Telefon und "
        "Vorsprache ohne Termin bleiben erhalten.",
        plain_language_summary="Sie können bald Termine im Internet buchen. "
        "Anrufen und einfach vorbeikommen geht weiter.",
        published=False,
    ),
]


def load_demo() -> list[str]:
    editors = {user.office_id: user for user in User.objects.filter(role=Role.EDITOR)}
    for spec in PROJECTS:
        if Project.objects.filter(title=spec.title).exists():
            continue
        office = Office.objects.get(slug=spec.office)
        project = services.project_create(
            actor=editors[office.pk],
            office=office,
            title=spec.title,
            summary=spec.summary,
            plain_language_summary=spec.plain_language_summary,
            status=spec.status,
        )
        if spec.published:
            services.project_publish(actor=editors[office.pk], project=project)
    return []
