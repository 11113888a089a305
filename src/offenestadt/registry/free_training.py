"""The charter's rule on free training (P4), over the city's training catalogue: a free
course linked to the project with a session that offers places; where the project changes
services, a session before the day each change takes effect, in the city's time zone.

Registered with the engine on import by ``registry.compliance``; a change to a course or a
session evaluates its projects again (``training.signals.courses_changed``)."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import FREE_TRAINING_REQUIRED, parameter_value
from offenestadt.registry.models import Project, Service
from offenestadt.training.models import Course, Session


@dataclass(frozen=True)
class _LateServices:
    """The services without training before their day of change, put into words only when
    shown: a finding is written in German and in English, each with its way of writing days."""

    services: list[tuple[str, date]]

    def __str__(self) -> str:
        return "; ".join(
            str(_("%(service)s – vor dem %(day)s"))
            % {"service": name, "day": formats.date_format(day, "DATE_FORMAT")}
            for name, day in self.services
        )


def _session_day(session: Session) -> date:
    """The day a session starts, in the city's time zone."""
    return timezone.localtime(session.starts_at, ZoneInfo(settings.TIME_ZONE)).date()


def _first_day_with_places(course: Course) -> date | None:
    """The first day on which the course offers places: its first session not called off
    (every session has at least one place)."""
    days = [_session_day(s) for s in course.sessions.all() if not s.is_cancelled]
    return min(days, default=None)


def _training_fix(project: Project, free: list[Course]) -> str:
    """A finding's fix: a new session of the first free course, or the catalogue's form for
    a new course with the project chosen."""
    if free:
        return reverse("training:session_create", args=[free[0].pk])
    return f"{reverse('training:course_create')}?projekt={project.slug}"


def _day_of_change_field(project: Project, service: Service) -> str:
    """A finding's fix: the service's form, at the day its change takes effect."""
    address = reverse(
        "registry:project_part_edit", args=[project.slug, "dienstleistung", service.pk]
    )
    return f"{address}#id_changes_on"


@rule(
    Project,
    "free-training",
    description=_(
        "Zum Projekt gibt es eine kostenlose Schulung mit freien Plätzen; ändert es "
        "Dienstleistungen, mit einem Termin vor dem Tag jeder Umstellung."
    ),
    parameters=(FREE_TRAINING_REQUIRED,),
)
def free_training(project: Project, charter: CharterVersion) -> Outcome:
    """A free course of the catalogue supports the project, with places offered; where the
    project changes services, with a session before the day each change takes effect."""
    if not parameter_value(charter, FREE_TRAINING_REQUIRED):
        return Outcome(Status.NOT_APPLICABLE, _("Die Charta verlangt kein Schulungsangebot."))
    courses = list(project.courses.all())
    free = [course for course in courses if course.is_free]
    if courses and not free:
        return Outcome(
            Status.VIOLATED,
            _("Keine Schulung zum Projekt ist kostenlos. Bieten Sie mindestens eine kostenlos an."),
            fix=reverse("training:course_edit", args=[courses[0].pk]) + "#id_cost",
        )
    services = list(project.services.all())
    undated = [service for service in services if service.changes_on is None]
    if undated:
        return Outcome(
            Status.MISSING,
            _(
                "Tragen Sie ein, ab wann die Dienstleistung umgestellt wird: %(names)s. Die "
                "kostenlose Schulung muss vor diesem Tag stattfinden."
            ),
            {"names": ", ".join(service.name for service in undated)},
            fix=_day_of_change_field(project, undated[0]),
        )
    first_days = {course: day for course in free if (day := _first_day_with_places(course))}
    offered = list(first_days)
    if not services:
        if offered:
            return Outcome(
                Status.MET,
                _("Es gibt eine kostenlose Schulung mit Terminen: %(names)s."),
                {"names": ", ".join(course.title for course in offered)},
            )
        return Outcome(
            Status.MISSING,
            _(
                "Bieten Sie eine kostenlose Schulung mit Terminen für Menschen mit wenig "
                "digitaler Erfahrung an."
            ),
            fix=_training_fix(project, free),
        )
    earliest = min(first_days.values(), default=None)
    # (service, its day) where no free session with places begins before that day
    late = [
        (service.name, day)
        for service in services
        if (day := service.changes_on) is not None and (earliest is None or day <= earliest)
    ]
    if not late:
        return Outcome(
            Status.MET,
            _(
                "Vor der Umstellung jeder Dienstleistung gibt es eine kostenlose Schulung mit "
                "Plätzen."
            ),
        )
    # A change already in effect without training before it can no longer be made good.
    in_effect = any(day <= timezone.localdate() for _name, day in late)
    return Outcome(
        Status.VIOLATED if in_effect else Status.MISSING,
        _("Es fehlt eine kostenlose Schulung mit Plätzen vor der Umstellung: %(services)s."),
        {"services": _LateServices(late)},
        fix=_training_fix(project, free),
    )
