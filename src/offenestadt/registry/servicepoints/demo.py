"""Demo service points of a Bochum-like city: citizens' offices, a library, the phone line,
and one draft. The registry's demo projects point their access channels to them."""

from datetime import timedelta

from django.utils import timezone

from offenestadt.accounts.models import Office, Role, User
from offenestadt.registry.opening_hours import Interval, WeeklyHours, parse_day
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.models import (
    OpeningHours,
    ServicePoint,
    ServicePointKind,
)

# name: (kind, address, district, step-free, accessibility, phone, {days: times}, published)
POINTS: dict[str, tuple[str, str, str, bool | None, str, str, dict[str, str], bool]] = {
    "Bürgerbüro Mitte (Demo)": (
        ServicePointKind.CITIZENS_OFFICE,
        "Rathaus, Willy-Brandt-Platz 2",
        "Mitte",
        True,
        "Eingang mit Rampe, Aufzug, Rollstuhl-WC",
        "0234 000100",
        {"0-4": "08:00–16:00"},
        True,
    ),
    "Bürgerbüro Wattenscheid (Demo)": (
        ServicePointKind.CITIZENS_OFFICE,
        "Bürgerhaus, Freiheitstraße 1",
        "Wattenscheid",
        True,
        "Ebenerdiger Eingang",
        "0234 000110",
        {"0-3": "08:00–12:00, 14:00–18:00"},
        True,
    ),
    "Seniorenbüro im Rathaus (Demo)": (
        ServicePointKind.ADVICE_CENTRE,
        "Rathaus, Zimmer 12",
        "Mitte",
        True,
        "Aufzug, Rollstuhl-WC",
        "0234 000222",
        {"0-3": "09:00–12:00"},
        True,
    ),
    "Stadtbücherei Langendreer (Demo)": (
        ServicePointKind.LIBRARY,
        "Alte Bahnhofstraße 10",
        "Ost",
        False,
        "Drei Stufen am Eingang, Klingel für Hilfe",
        "",
        {"1-4": "10:00–18:00", "5-5": "10:00–13:00"},
        True,
    ),
    "Bürgertelefon (Demo)": (
        ServicePointKind.PHONE_LINE,
        "",
        "",
        None,
        "Auch in Leichter Sprache; Gebärdensprache per Videotelefon nach Vereinbarung",
        "0234 000115",
        {"0-4": "08:00–18:00"},
        True,
    ),
    "Servicepunkt Hauptbahnhof (Demo)": (
        ServicePointKind.CITIZENS_OFFICE,
        "Kurt-Schumacher-Platz 1",
        "Mitte",
        None,
        "",
        "",
        {},
        False,
    ),
}


def _hours(days: dict[str, str]) -> list[dict[str, str]]:
    """Hours as stored, from {"0-4": "08:00–16:00"} (Monday to Friday)."""
    by_day: dict[int, list[Interval]] = {}
    for span, times in days.items():
        first, last = (int(day) for day in span.split("-"))
        by_day |= {day: parse_day(day, times) for day in range(first, last + 1)}
    return WeeklyHours.from_days(by_day).as_json()


def load_service_points() -> dict[str, ServicePoint]:
    """The demo's service points by name; created (through the services, audited) unless
    they exist."""
    office = Office.objects.get(slug="digitalisierung")
    editor = User.objects.filter(role=Role.EDITOR, office=office).earliest("pk")
    points = {}
    for name, (kind, address, district, step_free, note, phone, days, public) in POINTS.items():
        point = ServicePoint.objects.filter(name=name).first()
        if point is None:
            point = services.service_point_save(
                actor=editor,
                point=ServicePoint(
                    office=office,
                    name=name,
                    kind=kind,
                    address=address,
                    district=district,
                    step_free=step_free,
                    accessibility=note,
                    phone=phone,
                ),
            )
            if days:
                services.opening_hours_save(
                    actor=editor,
                    opening_hours=OpeningHours(
                        service_point=point,
                        valid_from=timezone.localdate().replace(month=1, day=1),
                        hours=_hours(days),
                    ),
                )
            if public:
                services.service_point_publish(actor=editor, point=point)
        points[name] = point
    _announce_shorter_hours(points["Bürgerbüro Wattenscheid (Demo)"], editor)
    return points


def _announce_shorter_hours(point: ServicePoint, editor: User) -> None:
    """New hours from a day to come: the page shows both, the current ones first."""
    if point.opening_hours.count() > 1:
        return
    services.opening_hours_save(
        actor=editor,
        opening_hours=OpeningHours(
            service_point=point,
            valid_from=timezone.localdate() + timedelta(days=60),
            hours=_hours({"0-2": "08:00–12:00, 14:00–18:00"}),
            note="Donnerstags nur noch nach Vereinbarung",
        ),
    )
