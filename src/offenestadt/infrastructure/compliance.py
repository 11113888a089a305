"""P6 over the city's register: a project's findings read the register assets linked to it,
by the same rule as the infrastructure recorded in the project itself."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Outcome, Status, rule
from offenestadt.charter.models import CharterVersion
from offenestadt.infrastructure.models import Asset
from offenestadt.registry.compliance import assets_in_public_hands
from offenestadt.registry.models import Project


def _asset_field(asset: Asset, field_name: str) -> str:
    return f"{reverse('infrastructure:asset_edit', args=[asset.pk])}#id_{field_name}"


@rule(Project, "P6", "register-infrastructure-in-public-hands")
def register_infrastructure_in_public_hands(project: Project, charter: CharterVersion) -> Outcome:
    assets = list(Asset.objects.filter(projects=project))
    if not assets:
        return Outcome(
            Status.NOT_APPLICABLE, _("Das Projekt nutzt keine Anlage des Infrastrukturregisters.")
        )
    return assets_in_public_hands(assets, charter, fix=_asset_field)
