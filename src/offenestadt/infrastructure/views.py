"""The register's public pages (map with table, each asset, GeoJSON) and the staff form."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from offenestadt.accounts.rules import staff_only
from offenestadt.audit.selectors import history_for
from offenestadt.core.forms import show_validation_error
from offenestadt.infrastructure import rules, services
from offenestadt.infrastructure.forms import AssetFilterForm, AssetForm
from offenestadt.infrastructure.geojson import feature_collection
from offenestadt.infrastructure.map_svg import city_map, districts, legend
from offenestadt.infrastructure.models import Asset
from offenestadt.registry.forms import preselect_project, projects_to_link
from offenestadt.registry.selectors import projects_visible_to

PAGE_SIZE = 100


@require_safe
def asset_list(request: HttpRequest) -> HttpResponse:
    """The map and, as its accessible equivalent, the table of the same assets."""
    filter_form = AssetFilterForm(request.GET)
    assets = list(Asset.objects.filtered(**filter_form.filters()))
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "infrastructure/asset_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "count": len(assets),
            "city_map": city_map(assets, districts()),
            "legend": legend(),
            "located": sum(1 for a in assets if a.latitude is not None),
            "can_edit": rules.can_edit_assets(request.user),
            "geojson_query": request.GET.urlencode(),
        },
    )


@require_safe
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset, pk=pk)
    return render(
        request,
        "infrastructure/asset_detail.html",
        {
            "asset": asset,
            "city_map": city_map([asset], districts()),
            "history": history_for(asset, request.user),
            "projects": asset.projects.filter(pk__in=projects_visible_to(request.user)).order_by(
                "title"
            ),
            "can_edit": rules.can_edit_assets(request.user),
        },
    )


@require_safe
def geojson(request: HttpRequest) -> HttpResponse:
    """The register (filtered like the list) as an RFC 7946 FeatureCollection."""
    assets = Asset.objects.filtered(**AssetFilterForm(request.GET).filters())
    response = HttpResponse(
        json.dumps(feature_collection(assets), ensure_ascii=False),
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = 'inline; filename="infrastruktur.geojson"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def asset_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    staff_only(request.user, rules.can_edit_assets(request.user))
    asset = get_object_or_404(Asset, pk=pk) if pk is not None else Asset()
    form = AssetForm(
        request.POST if request.method == "POST" else None, instance=asset, user=request.user
    )
    # "Anlage für dieses Projekt eintragen" on a project's page: its box ticked.
    preselect_project(form, request.GET.get("projekt", "").strip() if pk is None else "")
    if form.is_valid():
        try:
            services.asset_save(
                actor=request.user,
                asset=form.instance,
                projects=projects_to_link(form, form.instance),
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("„%(name)s“ ist gespeichert.") % {"name": form.instance})
            return redirect(form.instance)
    return render(request, "infrastructure/asset_form.html", {"form": form, "asset": asset})
