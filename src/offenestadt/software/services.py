"""Every write to the software register: permission, audit trail, and the projects that use
an entry evaluated again (through software.signals)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.services import created_or_changed, save_record
from offenestadt.core.slugs import unique_slug
from offenestadt.software import rules
from offenestadt.software.models import Component
from offenestadt.software.publiccode import PubliccodeError, component_fields, load_publiccode
from offenestadt.software.signals import component_changed

# Words of the register's own addresses, never a component's.
RESERVED_SLUGS = frozenset({"neu", "import", "sbom.json"})


def _require_edit(actor: Actor) -> None:
    if not rules.can_edit_register(actor):
        raise PermissionDenied(_("Sie dürfen das Software-Register nicht ändern."))


def _save(*, actor: Actor, component: Component) -> Component:
    component.full_clean()
    save_record(record=component, actor=actor, event=created_or_changed(component))
    component_changed.send(sender=Component, component=component.pk)
    return component


@transaction.atomic
def component_create(*, actor: Actor, **fields: Any) -> Component:
    """Enter a software component in the register."""
    _require_edit(actor)
    component = Component(**fields)
    component.slug = unique_slug(
        Component, component.name, fallback="software", reserved=RESERVED_SLUGS
    )
    return _save(actor=actor, component=component)


@transaction.atomic
def component_update(*, actor: Actor, component: Component, **fields: Any) -> Component:
    """Change a register entry; the projects that name it are evaluated again."""
    _require_edit(actor)
    for name, value in fields.items():
        setattr(component, name, value)
    return _save(actor=actor, component=component)


def component_import(
    *, actor: Actor, text: str | bytes, component: Component | None = None
) -> Component:
    """Fill a component from a publiccode.yml: a new entry, or ``component`` with what the
    document says (what it does not say, such as hosting or open standards, stays).

    Raises ValidationError with German messages naming what to fix in the document."""
    _require_edit(actor)
    try:
        fields = component_fields(load_publiccode(text))
    except PubliccodeError as error:
        raise ValidationError(error.messages) from None
    if component is None:
        return component_create(actor=actor, **fields)
    return component_update(actor=actor, component=component, **fields)
