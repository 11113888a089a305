"""The city-wide register of digital infrastructure: public WLAN, Freifunk nodes, broadband
lines, sensors and gateways, with who owns and runs them (principle P6)."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.registry.models import Project


class AssetKind(models.TextChoices):
    WLAN_ACCESS_POINT = "wlan_access_point", _("Öffentlicher WLAN-Zugangspunkt")
    FREIFUNK_NODE = "freifunk_node", _("Freifunk-Knoten")
    BROADBAND_LINE = "broadband_line", _("Breitbandleitung")
    SENSOR = "sensor", _("Sensor")
    GATEWAY = "gateway", _("Gateway")


class Holder(models.TextChoices):
    PUBLIC = "public", _("öffentliche Hand")
    MUNICIPAL_COMPANY = "municipal_company", _("städtisches Unternehmen")
    PRIVATE = "private", _("privat")
    COMMUNITY = "community", _("Gemeinschaft (z. B. Freifunk)")


class AssetStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    ACTIVE = "active", _("in Betrieb")
    OFFLINE = "offline", _("außer Betrieb (vorübergehend)")
    RETIRED = "retired", _("stillgelegt")


class AssetQuerySet(models.QuerySet["Asset"]):
    def filtered(
        self,
        *,
        kind: str = "",
        owner: str = "",
        operator: str = "",
        status: str = "",
        district: str = "",
    ) -> "AssetQuerySet":
        """The register as the list, the map, the export and the API show it, narrowed by
        filters (empty: not narrowed)."""
        assets = self
        if kind:
            assets = assets.filter(kind=kind)
        if owner:
            assets = assets.filter(owner=owner)
        if operator:
            assets = assets.filter(operator=operator)
        if status:
            assets = assets.filter(status=status)
        if district:
            assets = assets.filter(district__iexact=district)
        return assets

    def located(self) -> "AssetQuerySet":
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Asset(models.Model):
    """One piece of infrastructure. Every asset is public; a Freifunk node's owner contact is
    never stored (the import drops it), only what the community publishes on its map."""

    kind = models.CharField(_("Art"), max_length=30, choices=AssetKind)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    location = models.CharField(_("Standort"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("Breitengrad"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("Längengrad"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    district = models.CharField(_("Stadtbezirk"), max_length=100, blank=True)
    owner = models.CharField(_("Eigentümer"), max_length=20, choices=Holder, blank=True)
    operator = models.CharField(_("Betreiber"), max_length=20, choices=Holder, blank=True)
    publicly_funded = models.BooleanField(_("Mit öffentlichem Geld gebaut"), default=False)
    net_neutral = models.BooleanField(_("Netzneutral"), null=True, blank=True)
    commercial_use = models.BooleanField(_("Kommerzielle Nutzung"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=AssetStatus, default=AssetStatus.ACTIVE
    )
    # Freifunk nodes: what the community's map publishes, matched by the node id.
    node_id = models.CharField(_("Knoten-ID"), max_length=64, blank=True)
    is_online = models.BooleanField(_("Online"), null=True, blank=True)
    last_seen = models.DateTimeField(_("Zuletzt gesehen"), null=True, blank=True)
    firmware = models.CharField(_("Firmware"), max_length=100, blank=True)
    model = models.CharField(_("Gerätemodell"), max_length=100, blank=True)
    # The projects that build or use the asset: their P6 findings read it.
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="register_assets", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = AssetQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "kind",
        "name",
        "location",
        "latitude",
        "longitude",
        "district",
        "owner",
        "operator",
        "publicly_funded",
        "net_neutral",
        "commercial_use",
        "status",
        "node_id",
        "is_online",
        "last_seen",
        "firmware",
        "model",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status",)

    class Meta:
        ordering: ClassVar = ["name", "pk"]
        verbose_name = _("Infrastruktur-Anlage")
        verbose_name_plural = _("Infrastruktur-Anlagen")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["node_id"],
                condition=~models.Q(node_id=""),
                name="unique_infrastructure_node_id",
                violation_error_message=_("Ein Knoten mit dieser ID ist schon im Register."),
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="infrastructure_both_coordinates_or_none",
                violation_error_message=_(
                    "Geben Sie Breiten- und Längengrad an, oder keinen von beiden."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("infrastructure:asset_detail", args=[self.pk])

    def is_public_record(self) -> bool:
        return True
