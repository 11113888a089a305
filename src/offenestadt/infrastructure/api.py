"""The infrastructure register in the public REST API: every asset with its owner, operator
and status, filtered and paged, and each with the published projects that use it."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError

from offenestadt.core.api import (
    LocalisedText,
    Paging,
    Problem,
    absolute_url,
    labelled,
    paged,
)
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder
from offenestadt.registry.selectors import projects_visible_to

router = Router(tags=["infrastructure"])
AssetId = PathEx[int, P(description="The asset's number, as in its page's address.")]


class AssetKindOut(Schema):
    code: AssetKind
    label: LocalisedText


class AssetHolderOut(Schema):
    code: Holder
    label: LocalisedText


class AssetStatusOut(Schema):
    code: AssetStatus
    label: LocalisedText


def _holder(value: str) -> dict[str, Any] | None:
    return labelled(Holder(value)) if value else None


class AssetSummary(Schema):
    id: int = Field(description="The asset's stable identifier.")
    kind: AssetKindOut
    name: str
    location: str
    district: str
    latitude: float | None = Field(description="WGS 84 (null: no location known).")
    longitude: float | None = Field(description="WGS 84 (null: no location known).")
    owner: AssetHolderOut | None = Field(description="Who owns it (null: not recorded).")
    operator: AssetHolderOut | None = Field(description="Who runs it (null: not recorded).")
    publicly_funded: bool = Field(description="Built with public money.")
    net_neutral: bool | None = Field(description="Null: not recorded.")
    commercial_use: bool | None = Field(description="Null: not recorded.")
    status: AssetStatusOut
    node_id: str = Field(description="A Freifunk node's id on the community's map; else empty.")
    is_online: bool | None = Field(
        description="A Freifunk node: online at the last import (null: not a node, or unknown)."
    )
    last_seen: datetime | None = Field(description="A Freifunk node: last seen by its map.")
    html_url: str

    @staticmethod
    def resolve_kind(asset: Asset) -> dict[str, Any]:
        return labelled(AssetKind(asset.kind))

    @staticmethod
    def resolve_owner(asset: Asset) -> dict[str, Any] | None:
        return _holder(asset.owner)

    @staticmethod
    def resolve_operator(asset: Asset) -> dict[str, Any] | None:
        return _holder(asset.operator)

    @staticmethod
    def resolve_status(asset: Asset) -> dict[str, Any]:
        return labelled(AssetStatus(asset.status))

    @staticmethod
    def resolve_html_url(asset: Asset, context: dict[str, Any]) -> str:
        return absolute_url(context, asset.get_absolute_url())


class AssetProjectRef(Schema):
    slug: str = Field(description="The project's slug (see /projects/{slug}).")
    title: str
    html_url: str

    @staticmethod
    def resolve_html_url(project: Any, context: dict[str, Any]) -> str:
        return absolute_url(context, project.get_absolute_url())


class AssetDetail(AssetSummary):
    firmware: str
    model: str = Field(description="A Freifunk node's device model.")
    modified_at: datetime
    projects: list[AssetProjectRef] = Field(
        description="The published projects that build or use the asset (their P6 findings "
        "read it)."
    )

    @staticmethod
    def resolve_projects(asset: Asset) -> list[Any]:
        visible = projects_visible_to(AnonymousUser())
        return list(asset.projects.filter(pk__in=visible).order_by("title", "pk"))


class AssetPage(Schema):
    count: int = Field(description="How many assets match, over all pages.")
    limit: int
    offset: int
    items: list[AssetSummary]


class AssetFilters(Paging):
    kind: AssetKind | None = Field(None, description="Assets of this kind.")
    owner: Holder | None = Field(None, description="Assets owned by this kind of holder.")
    operator: Holder | None = Field(None, description="Assets run by this kind of holder.")
    status: AssetStatus | None = Field(None, description="Assets in this state.")
    district: str | None = Field(None, description="Assets in this district (any case).")


@router.get("/infrastructure", response={200: AssetPage})
def infrastructure_list(request: HttpRequest, filters: Query[AssetFilters]) -> dict[str, Any]:
    """The city's register of digital infrastructure by name, filtered and paged."""
    assets = Asset.objects.filtered(
        kind=filters.kind or "",
        owner=filters.owner or "",
        operator=filters.operator or "",
        status=filters.status or "",
        district=filters.district or "",
    ).order_by("name", "pk")
    return paged(assets, filters)


@router.get("/infrastructure/{asset_id}", response={200: AssetDetail, 404: Problem})
def infrastructure_detail(request: HttpRequest, asset_id: AssetId) -> Asset:
    """An asset of the register, with the published projects that use it."""
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        raise HttpError(404, f"There is no asset {asset_id} in the infrastructure register.")
    return asset
