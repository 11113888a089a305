"""Every write to the register of service points; each checks the actor's permission and is
audited. A change that P5 reads (hours, district, step-free access) evaluates again every
project whose services' access channels use the point."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import created_or_changed, delete_record, save_record
from offenestadt.core.slugs import unique_slug
from offenestadt.registry.models import Project
from offenestadt.registry.servicepoints import rules
from offenestadt.registry.servicepoints.models import OpeningHours, ServicePoint
from offenestadt.registry.services import project_evaluate

# Words the register's addresses use for pages of their own.
RESERVED_SLUGS = frozenset({"neu"})


def _require_edit(actor: Actor, point: ServicePoint) -> None:
    if not rules.can_edit_service_point(actor, point):
        raise PermissionDenied(_("Sie dürfen diese Servicestelle nicht ändern."))


def projects_using(point: ServicePoint) -> list[Project]:
    """The projects with a service whose access channel names ``point``."""
    return list(Project.objects.filter(services__channels__service_point=point).distinct())


def _evaluate_projects_using(point: ServicePoint) -> None:
    for project in projects_using(point):
        project_evaluate(project=project)


@transaction.atomic
def service_point_save(*, actor: Actor, point: ServicePoint) -> ServicePoint:
    """Register a service point as a draft, or change one; a new one gets its address from
    its name. Projects whose channels use it are evaluated again."""
    if point.pk is None:
        if not rules.can_create_service_point(actor):
            raise PermissionDenied(_("Nur die Redaktion kann Servicestellen anlegen."))
        point.slug = unique_slug(
            ServicePoint, point.name, fallback="servicestelle", reserved=RESERVED_SLUGS
        )
    _require_edit(actor, point)
    point.full_clean()
    save_record(record=point, actor=actor, event=created_or_changed(point))
    _evaluate_projects_using(point)
    return point


@transaction.atomic
def service_point_publish(*, actor: Actor, point: ServicePoint) -> ServicePoint:
    """Make a draft public: its page, its hours and the services reachable there."""
    if not rules.can_publish_service_point(actor, point):
        raise PermissionDenied(_("Sie dürfen diese Servicestelle nicht veröffentlichen."))
    if point.published_at is None:
        point.published_at = timezone.now()
        save_record(record=point, actor=actor, event=AuditEvent.PUBLISHED)
    return point


@transaction.atomic
def opening_hours_save(*, actor: Actor, opening_hours: OpeningHours) -> OpeningHours:
    """Add or change a service point's hours for a span of days.

    New hours from a day on end the hours valid until further notice the day before, so a
    change of hours is one entry. Every project whose channels use the point is evaluated
    again: fewer hours there can breach P5.
    """
    point = opening_hours.service_point
    _require_edit(actor, point)
    if opening_hours.pk is None and opening_hours.valid_from is not None:
        open_ended = point.opening_hours.filter(
            valid_to__isnull=True, valid_from__lt=opening_hours.valid_from
        )
        for earlier in open_ended:
            earlier.valid_to = opening_hours.valid_from - timedelta(days=1)
            earlier.full_clean()
            save_record(record=earlier, actor=actor, event=AuditEvent.CHANGED)
    opening_hours.full_clean()
    save_record(record=opening_hours, actor=actor, event=created_or_changed(opening_hours))
    _evaluate_projects_using(point)
    return opening_hours


@transaction.atomic
def opening_hours_delete(*, actor: Actor, opening_hours: OpeningHours) -> None:
    """Remove a span of hours entered by mistake; the projects using the point are evaluated
    again."""
    point = opening_hours.service_point
    _require_edit(actor, point)
    delete_record(record=opening_hours, actor=actor, event=AuditEvent.DELETED)
    _evaluate_projects_using(point)


def service_point_closing_gate(closed_on: date) -> None:
    """Let a service point be closed from ``closed_on``, or raise ValidationError: what was
    open in the past stays as it was recorded."""
    if closed_on < timezone.localdate():
        raise ValidationError(
            {"closed_on": _("Eine Servicestelle lässt sich nicht rückwirkend schließen.")}
        )


@transaction.atomic
def service_point_close(*, actor: Actor, point: ServicePoint, closed_on: date) -> ServicePoint:
    """Close a service point from ``closed_on`` (today or later): from that day it leaves the
    public list and has no hours; its page and history stay. Projects whose channels use it
    are evaluated again: a channel that leads there after a service's change is lost (P5)."""
    if not rules.can_close_service_point(actor, point):
        raise PermissionDenied(_("Sie dürfen diese Servicestelle nicht schließen."))
    service_point_closing_gate(closed_on)
    point.closed_on = closed_on
    point.full_clean()
    save_record(record=point, actor=actor, event=AuditEvent.WITHDRAWN)
    _evaluate_projects_using(point)
    return point


def service_point_deletion_gate(point: ServicePoint) -> None:
    """Let a service point be deleted, or raise ValidationError: access channels of services
    still lead there (they would lose their place, hours and access)."""
    channels = point.access_channels.count()
    if channels:
        raise ValidationError(
            ngettext(
                "Ein Zugangsweg einer Dienstleistung führt noch zu „%(name)s“. Ändern Sie ihn "
                "zuerst, oder schließen Sie die Servicestelle, statt sie zu löschen.",
                "%(count)s Zugangswege von Dienstleistungen führen noch zu „%(name)s“. Ändern "
                "Sie sie zuerst, oder schließen Sie die Servicestelle, statt sie zu löschen.",
                channels,
            )
            % {"count": channels, "name": point.name}
        )


@transaction.atomic
def service_point_delete(*, actor: Actor, point: ServicePoint) -> None:
    """Delete a service point entered by mistake, with its hours; the deletion stays in its
    history. Refused while access channels lead there (``service_point_deletion_gate``)."""
    if not rules.can_delete_service_point(actor, point):
        raise PermissionDenied(_("Sie dürfen diese Servicestelle nicht löschen."))
    service_point_deletion_gate(point)
    delete_record(record=point, actor=actor, event=AuditEvent.DELETED)
