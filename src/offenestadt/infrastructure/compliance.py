"""P6 over the city's register: a project's findings read the register assets linked to it.
What public money built stays public, and it is net neutral and not commercial."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    PUBLIC_FUNDING_REQUIRES_PUBLIC_OWNERSHIP,
    parameter_value,
)
from offenestadt.infrastructure.models import Asset, Holder
from offenestadt.registry.models import Project


def _asset_field(asset: Asset, field_name: str) -> str:
    """A finding's fix: the asset's form, at the field that fixes it."""
    return f"{reverse('infrastructure:asset_edit', args=[asset.pk])}#id_{field_name}"


def _names(assets: list[Asset]) -> str:
    return ", ".join(asset.name for asset in assets)


# The id the rule had when projects recorded their infrastructure themselves: kept, so that
# stored evaluations and council overrides still name the same rule.
@rule(
    Project,
    "infrastructure-in-public-hands",
    description=_(
        "Mit öffentlichem Geld gebaute Infrastruktur des Projekts ist in öffentlicher Hand, "
        "netzneutral und nicht kommerziell."
    ),
    parameters=(PUBLIC_FUNDING_REQUIRES_PUBLIC_OWNERSHIP,),
)
def infrastructure_in_public_hands(project: Project, charter: CharterVersion) -> Outcome:
    assets = list(project.register_assets.all())
    if not assets:
        return Outcome(
            Status.NOT_APPLICABLE, _("Das Projekt nutzt keine Anlage des Infrastrukturregisters.")
        )
    return assets_in_public_hands(assets, charter)


def assets_in_public_hands(assets: list[Asset], charter: CharterVersion) -> Outcome:
    must_be_public = parameter_value(charter, PUBLIC_FUNDING_REQUIRES_PUBLIC_OWNERSHIP)
    privatised = [
        a for a in assets if must_be_public and a.publicly_funded and a.owner == Holder.PRIVATE
    ]
    if privatised:
        return Outcome(
            Status.VIOLATED,
            _("Mit öffentlichem Geld gebaut, aber in privater Hand: %(names)s."),
            {"names": _names(privatised)},
            fix=_asset_field(privatised[0], "owner"),
        )
    not_neutral = [a for a in assets if a.net_neutral is False or a.commercial_use]
    if not_neutral:
        return Outcome(
            Status.VIOLATED,
            _("Nicht netzneutral oder kommerziell genutzt: %(names)s."),
            {"names": _names(not_neutral)},
            fix=_asset_field(not_neutral[0], "net_neutral"),
        )
    unknown = [
        a for a in assets if not a.owner or a.net_neutral is None or a.commercial_use is None
    ]
    if unknown:
        return Outcome(
            Status.MISSING,
            _("Tragen Sie Eigentum, Netzneutralität und Nutzung ein für: %(names)s."),
            {"names": _names(unknown)},
            fix=_asset_field(unknown[0], "owner"),
        )
    return Outcome(Status.MET, _("Die Infrastruktur ist in öffentlicher Hand und netzneutral."))
