"""Demo council: a fictional town's council and one committee, a past and two coming
meetings, their agendas and papers, as an OParl import would leave them. The files link to
an information system that does not exist (.example). The sensor contract's paper (p2) and
its project link to it (registry and contracts demo), so the council's pages show them."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from offenestadt.council.models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    Location,
    Meeting,
    Organization,
    Paper,
)

SYSTEM = "https://ratsinfo.musterstadt.example/oparl/"

# (key, name, organisation, days from today, agenda: (number, name, public, paper key))
MEETINGS = [
    (
        "m1",
        "Ausschuss für Digitales (Demo), 4. Sitzung",
        "digital",
        -24,
        [
            ("1", "Eröffnung und Feststellung der Tagesordnung", True, ""),
            ("2", "Bodenfeuchtesensoren in den Parks: Sachstand", True, "p1"),
            ("3", "Vergabe Wartungsvertrag Sensornetz", False, "p2"),
        ],
    ),
    (
        "m2",
        "Ausschuss für Digitales (Demo), 5. Sitzung",
        "digital",
        12,
        [
            ("1", "Eröffnung und Feststellung der Tagesordnung", True, ""),
            ("2", "Digitale Terminvergabe im Bürgerbüro", True, "p3"),
            ("3", "Mitteilungen der Verwaltung", True, ""),
        ],
    ),
    (
        "m3",
        "Rat der Stadt (Demo), 12. Sitzung",
        "rat",
        33,
        [
            ("1", "Eröffnung der Sitzung", True, ""),
            ("2", "Digitale Terminvergabe im Bürgerbüro", True, "p3"),
            ("3", "Vergabe Wartungsvertrag Sensornetz", True, "p2"),
            ("4", "Personalangelegenheiten", False, ""),
        ],
    ),
]
PAPERS = {
    "p1": ("Bodenfeuchtesensoren in den Parks: Bericht über das erste Jahr", "DV/014/2026"),
    "p2": ("Vergabe der Wartung des Sensornetzes", "DV/019/2026"),
    "p3": ("Einführung der digitalen Terminvergabe im Bürgerbüro", "DV/023/2026"),
}
ORGANIZATIONS = {"rat": "Rat der Stadt (Demo)", "digital": "Ausschuss für Digitales (Demo)"}


def _id(path: str) -> str:
    return f"{SYSTEM}{path}"


def demo_papers(*keys: str) -> list[Paper]:
    """The demo papers with these keys (of PAPERS) that are loaded."""
    return list(Paper.objects.filter(oparl_id__in=[_id(f"paper/{key}") for key in keys]))


def load_demo() -> list[str]:
    if Body.objects.filter(oparl_id=_id("body/1")).exists():
        return []
    hall = Location.objects.create(
        oparl_id=_id("location/1"),
        description="Rathaus, Ratssaal",
        street_address="Marktplatz 1",
        postal_code="12345",
        locality="Musterstadt",
    )
    body = Body.objects.create(oparl_id=_id("body/1"), name="Stadt Musterstadt (Demo)")
    organizations = {
        key: Organization.objects.create(oparl_id=_id(f"organization/{key}"), body=body, name=name)
        for key, name in ORGANIZATIONS.items()
    }
    today = timezone.localdate()
    papers = {
        key: Paper.objects.create(
            oparl_id=_id(f"paper/{key}"),
            body=body,
            name=name,
            reference=reference,
            paper_type="Beschlussvorlage",
            date=today - timedelta(days=40),
        )
        for key, (name, reference) in PAPERS.items()
    }
    for paper in papers.values():
        File.objects.create(
            oparl_id=_id(f"file/{paper.oparl_id.rsplit('/', 1)[-1]}"),
            name=f"Vorlage {paper.reference}",
            mime_type="application/pdf",
            access_url=_id(f"file/{paper.reference.replace('/', '-')}.pdf"),
            paper=paper,
            role="mainFile",
        )
    for key, name, organization, days, agenda in MEETINGS:
        start = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(17)))
        meeting = Meeting.objects.create(
            oparl_id=_id(f"meeting/{key}"),
            body=body,
            name=name,
            start=start,
            end=start + timedelta(hours=3),
            location=hall,
        )
        meeting.organizations.add(organizations[organization])
        File.objects.create(
            oparl_id=_id(f"file/einladung-{key}"),
            name="Einladung",
            mime_type="application/pdf",
            access_url=_id(f"file/einladung-{key}.pdf"),
            meeting=meeting,
            role="invitation",
        )
        for order, (number, title, public, paper_key) in enumerate(agenda, start=1):
            item = AgendaItem.objects.create(
                oparl_id=_id(f"agendaitem/{key}-{order}"),
                meeting=meeting,
                number=number,
                order=order,
                name=title,
                public=public,
            )
            if paper_key:
                Consultation.objects.create(
                    oparl_id=_id(f"consultation/{key}-{order}"),
                    paper=papers[paper_key],
                    meeting=meeting,
                    agenda_item=item,
                    role="Entscheidung" if organization == "rat" else "Vorberatung",
                    authoritative=organization == "rat",
                )
    return []
