"""Every write to the infrastructure register: staff's edits and the Freifunk import, each
through the audit trail; after an import the register's dataset in the open data
catalogue follows."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor, Office
from offenestadt.audit.services import created_or_changed, save_record
from offenestadt.infrastructure import rules
from offenestadt.infrastructure.freifunk import FreifunkNode, NodeList
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder
from offenestadt.opendata.catalogue.models import Dataset, Theme
from offenestadt.opendata.catalogue.services import KeptDataset, kept_dataset_update
from offenestadt.registry import rules as registry_rules
from offenestadt.registry.models import Project
from offenestadt.registry.services import project_evaluate

# The register's dataset in the open data catalogue, by its short name.
DATASET_NAME = "infrastrukturregister"


@transaction.atomic
def asset_save(*, actor: Actor, asset: Asset, projects: list[Project] | None = None) -> Asset:
    """Add an asset to the register or change one, and link it to ``projects`` (None: keep
    its links). Every project concerned is evaluated again: its P6 finding reads the asset."""
    if not rules.can_edit_assets(actor):
        raise PermissionDenied(_("Sie dürfen das Infrastrukturregister nicht ändern."))
    linked_now = list(asset.projects.all()) if asset.pk else []
    concerned = {*linked_now, *(projects or [])}
    for project in concerned:
        if not registry_rules.can_edit_project(actor, project):
            raise PermissionDenied(
                _("Sie dürfen das Projekt „%(title)s“ nicht ändern.") % {"title": project.title}
            )
    asset.full_clean()
    if save_record(record=asset, actor=actor, event=created_or_changed(asset)) is not None:
        register_dataset_update(changed=True)
    if projects is not None:
        # unaudited: links are no audit_fields: the projects' and the asset's pages show them
        asset.projects.set(projects)
    for project in concerned:
        project_evaluate(project=project)
    return asset


@dataclass
class ImportSummary:
    source_format: str
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    without_location: int = 0
    # Nodes of the register that the source no longer lists: kept as they were.
    not_in_source: int = 0
    notes: list[str] = field(default_factory=list)
    dataset: Dataset | None = None

    def lines(self) -> list[str]:
        """The summary in German, a line each, for the command's output."""
        lines = [
            f"Freifunk-Import ({self.source_format}): {self.created} neu, "
            f"{self.changed} geändert, {self.unchanged} unverändert.",
        ]
        if self.without_location:
            lines.append(f"{self.without_location} Knoten ohne Standort (nicht auf der Karte).")
        if self.not_in_source:
            lines.append(
                f"{self.not_in_source} Knoten des Registers fehlen in der Quelle "
                "(unverändert gelassen)."
            )
        lines += [f"Hinweis: {note}" for note in self.notes]
        if self.dataset is None:
            lines.append("Kein Datensatz im Datenkatalog: es ist noch kein Amt angelegt.")
        elif self.dataset.in_catalogue:
            lines.append(f"Datensatz „{self.dataset.title}“ im Datenkatalog aktuell.")
        else:
            lines.append(f"Datensatz „{self.dataset.title}“ ist ein Entwurf im Datenkatalog.")
        return lines


def _apply(asset: Asset, node: FreifunkNode) -> None:
    """What the community's map says about a node; the rest stays as staff set it."""
    asset.name = node.hostname
    asset.latitude = node.latitude
    asset.longitude = node.longitude
    asset.is_online = node.is_online
    asset.last_seen = node.last_seen or asset.last_seen
    asset.firmware = node.firmware
    asset.model = node.model


def _new_node(node: FreifunkNode) -> Asset:
    # A Freifunk node is run by the community, free and net neutral (Pico Peering
    # Agreement); who owns the router is not published, and not asked for.
    return Asset(
        kind=AssetKind.FREIFUNK_NODE,
        node_id=node.node_id,
        operator=Holder.COMMUNITY,
        publicly_funded=False,
        net_neutral=True,
        commercial_use=False,
        status=AssetStatus.ACTIVE,
    )


@transaction.atomic
def freifunk_import(*, node_list: NodeList) -> ImportSummary:
    """Take a community's nodes into the register, matched by node id; run again with the
    same list, it changes nothing. Written by the platform (the import has no person)."""
    summary = ImportSummary(source_format=node_list.source_format, notes=node_list.notes)
    known = {asset.node_id: asset for asset in Asset.objects.exclude(node_id="")}
    changed: list[Asset] = []
    for node in node_list.nodes:
        asset = known.pop(node.node_id, None) or _new_node(node)
        _apply(asset, node)
        asset.full_clean()
        adding = asset._state.adding
        entry = save_record(record=asset, actor=None, event=created_or_changed(asset))
        if adding:
            summary.created += 1
        elif entry is not None:
            summary.changed += 1
            changed.append(asset)
        else:
            summary.unchanged += 1
        if node.latitude is None:
            summary.without_location += 1
    summary.not_in_source = len(known)
    # Projects whose P6 finding names a node that changed (a node just imported has none).
    for project in Project.objects.filter(register_assets__in=changed).distinct():
        project_evaluate(project=project)
    summary.dataset = register_dataset_update(changed=bool(summary.created or summary.changed))
    return summary


def _publisher() -> Office | None:
    slug = settings.INFRASTRUCTURE_OFFICE
    offices = Office.objects.order_by("pk")
    return offices.filter(slug=slug).first() if slug else offices.first()


def register_dataset_update(*, changed: bool) -> Dataset | None:
    """The register as a dataset of the open data catalogue, with its GeoJSON export as the
    distribution; None while no office exists that could publish it."""
    publisher = _publisher()
    if publisher is None:
        return None
    # The catalogue's record is German (its English fields are staff's to fill).
    with translation.override("de"):
        kept = _kept_dataset()
    return kept_dataset_update(kept=kept, publisher=publisher, changed=changed)


def _kept_dataset() -> KeptDataset:
    return KeptDataset(
        name=DATASET_NAME,
        title=_("Infrastrukturregister: WLAN, Freifunk, Breitband, Sensoren"),
        description=_(
            "Die digitale Infrastruktur der Stadt: öffentliche WLAN-Zugangspunkte, "
            "Freifunk-Knoten, Breitbandleitungen, Sensoren und Gateways, mit Standort, "
            "Eigentümer, Betreiber, öffentlicher Förderung, Netzneutralität und Status."
        ),
        theme=Theme.TECH,
        keywords=["Freifunk", "WLAN", "Breitband", "Infrastruktur"],
        distribution_title=_("Infrastrukturregister als GeoJSON"),
        access_url=settings.SITE_URL + reverse("infrastructure:geojson"),
        format="GEOJSON",
    )
