"""Every write to the project register; each checks the actor's permission and is audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor, Office
from offenestadt.audit.services import save_record
from offenestadt.registry import rules
from offenestadt.registry.models import Project, ProjectStatus


def _unique_slug(title: str) -> str:
    base = slugify(title)[:40] or "projekt"
    slug, number = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    office: Office,
    title: str,
    summary: str,
    plain_language_summary: str = "",
    status: ProjectStatus = ProjectStatus.IDEA,
    internal_note: str = "",
) -> Project:
    """Register a project as a draft of the actor's office (administrators: any office)."""
    if not rules.can_create_project(actor):
        raise PermissionDenied(_("Nur die Redaktion kann Projekte anlegen."))
    project = Project(
        slug=_unique_slug(title),
        office=office,
        title=title,
        summary=summary,
        plain_language_summary=plain_language_summary,
        status=status,
        internal_note=internal_note,
    )
    if not rules.can_edit_project(actor, project):
        raise PermissionDenied(_("Sie können nur Projekte Ihres eigenen Amts anlegen."))
    project.full_clean()
    save_record(record=project, actor=actor)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Actor,
    project: Project,
    title: str,
    summary: str,
    plain_language_summary: str,
    status: ProjectStatus,
    internal_note: str,
) -> Project:
    """Change a project's description or state."""
    if not rules.can_edit_project(actor, project):
        raise PermissionDenied(_("Sie dürfen dieses Projekt nicht ändern."))
    project.title = title
    project.summary = summary
    project.plain_language_summary = plain_language_summary
    project.status = status
    project.internal_note = internal_note
    project.full_clean()
    save_record(record=project, actor=actor)
    return project


@transaction.atomic
def project_publish(*, actor: Actor, project: Project) -> Project:
    """Make a draft public; from now on its changes appear in the public history."""
    if not rules.can_publish_project(actor, project):
        raise PermissionDenied(_("Sie dürfen dieses Projekt nicht veröffentlichen."))
    if project.published_at is None:
        project.published_at = timezone.now()
        save_record(record=project, actor=actor)
    return project
