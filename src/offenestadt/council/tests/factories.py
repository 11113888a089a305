"""Small council records for tests, as an import would leave them (no HTTP)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from offenestadt.council import models as m


def body() -> m.Body:
    return m.Body.objects.create(
        oparl_id=f"https://ris.example/body/{m.Body.objects.count()}", name="Stadt"
    )


def meeting(body: m.Body, day: date, **fields: object) -> m.Meeting:
    """A meeting at 6 pm in the city's time zone on ``day``."""
    start = datetime(day.year, day.month, day.day, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    return m.Meeting.objects.create(
        oparl_id=f"https://ris.example/meeting/{m.Meeting.objects.count()}",
        body=body,
        start=start,
        **fields,
    )


def paper(
    body: m.Body, reference: str = "2026/001", name: str = "Sensoren im Stadtpark"
) -> m.Paper:
    return m.Paper.objects.create(
        oparl_id=f"https://ris.example/paper/{m.Paper.objects.count()}",
        body=body,
        name=name,
        reference=reference,
    )


def consult(paper: m.Paper, meeting: m.Meeting, **fields: object) -> m.Consultation:
    return m.Consultation.objects.create(
        oparl_id=f"https://ris.example/consultation/{m.Consultation.objects.count()}",
        paper=paper,
        meeting=meeting,
        **fields,
    )


def item(meeting: m.Meeting, **fields: object) -> m.AgendaItem:
    return m.AgendaItem.objects.create(
        oparl_id=f"https://ris.example/item/{m.AgendaItem.objects.count()}",
        meeting=meeting,
        order=1,
        number="Ö 4",
        **fields,
    )
