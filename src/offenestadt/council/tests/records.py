"""A small council as an OParl import leaves it, for the API's tests and its fuzzing."""

from datetime import UTC, date, datetime
from typing import Any

from offenestadt.council.models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)

# The records a test reads, by name.
Council = dict[str, Any]
OPARL = "https://ris.example.org/oparl"


def oparl_id(kind: str, number: int) -> str:
    return f"{OPARL}/{kind}/{number}"


def small_council() -> Council:
    """Two bodies, two meetings and two papers, each beside a deleted one; one paper on the
    first meeting's agenda, with a file."""
    town_hall = Location.objects.create(
        oparl_id=oparl_id("location", 1), description="Ratssaal", locality="Musterstadt"
    )
    body = Body.objects.create(oparl_id=oparl_id("body", 1), name="Musterstadt")
    council = Organization.objects.create(oparl_id=oparl_id("org", 1), body=body, name="Rat")
    committee = Organization.objects.create(
        oparl_id=oparl_id("org", 2), body=body, name="Ausschuss für Digitales"
    )
    Organization.objects.create(
        oparl_id=oparl_id("org", 3), body=body, name="Aufgelöster Ausschuss", deleted=True
    )
    chair = Person.objects.create(oparl_id=oparl_id("person", 1), body=body, name="Erika Muster")
    gone = Person.objects.create(
        oparl_id=oparl_id("person", 2), body=body, name="Max Gelöscht", deleted=True
    )
    Membership.objects.create(
        oparl_id=oparl_id("membership", 1), person=chair, organization=council, role="Vorsitz"
    )
    Membership.objects.create(oparl_id=oparl_id("membership", 2), person=gone, organization=council)

    def meeting(
        number: int, day: int, *, deleted: bool = False, org: Organization = council
    ) -> Meeting:
        created = Meeting.objects.create(
            oparl_id=oparl_id("meeting", number),
            body=body,
            name=f"Sitzung {number}",
            start=datetime(2026, 3, day, 17, tzinfo=UTC),
            deleted=deleted,
            location=town_hall,
        )
        created.organizations.add(org)
        return created

    march = meeting(1, 5)
    meeting(2, 19, org=committee)
    meeting(3, 26, deleted=True)
    sensors = Paper.objects.create(
        oparl_id=oparl_id("paper", 1),
        body=body,
        reference="V/2026/017",
        name="Sensoren für Bodenfeuchte in Parks",
        date=date(2026, 2, 20),
    )
    Paper.objects.create(
        oparl_id=oparl_id("paper", 2), body=body, reference="V/2026/018", name="Radwege"
    )
    Paper.objects.create(
        oparl_id=oparl_id("paper", 3),
        body=body,
        reference="V/2026/019",
        name="Zurückgezogene Sensoren",
        deleted=True,
    )
    item = AgendaItem.objects.create(
        oparl_id=oparl_id("item", 1), meeting=march, number="Ö 3", order=3, name="Sensoren"
    )
    AgendaItem.objects.create(
        oparl_id=oparl_id("item", 2), meeting=march, number="Ö 4", order=4, deleted=True
    )
    Consultation.objects.create(
        oparl_id=oparl_id("consultation", 1),
        paper=sensors,
        meeting=march,
        agenda_item=item,
        role="Entscheidung",
        authoritative=True,
    )
    File.objects.create(
        oparl_id=oparl_id("file", 1),
        name="Vorlage",
        access_url="https://ris.example.org/files/1.pdf",
        paper=sensors,
        role="mainFile",
    )
    return {"march": march, "sensors": sensors, "committee": committee}
