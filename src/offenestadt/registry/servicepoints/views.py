"""The register of service points: the public list and pages, and the staff's forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from offenestadt.audit.selectors import history_for
from offenestadt.core.confirm import confirmation_page, confirmed
from offenestadt.core.forms import show_validation_error
from offenestadt.registry.servicepoints import rules, selectors, services
from offenestadt.registry.servicepoints.forms import OpeningHoursForm, ServicePointForm
from offenestadt.registry.servicepoints.models import (
    OpeningHours,
    ServicePoint,
    ServicePointKind,
)

PAGE_SIZE = 50


def _point_for(request: HttpRequest, slug: str) -> ServicePoint:
    point = get_object_or_404(
        ServicePoint.objects.select_related("office").prefetch_related("opening_hours"),
        slug=slug,
    )
    if not rules.can_view_service_point(request.user, point):
        # A draft does not exist for those who may not see it.
        raise Http404
    return point


def _editable_point(request: HttpRequest, slug: str) -> ServicePoint:
    point = _point_for(request, slug)
    if not rules.can_edit_service_point(request.user, point):
        raise PermissionDenied
    return point


def service_point_list(request: HttpRequest) -> HttpResponse:
    shown = {
        "district": request.GET.get("bezirk", ""),
        "kind": request.GET.get("art", ""),
        "q": request.GET.get("q", "").strip(),
        "step_free": request.GET.get("stufenlos", ""),
    }
    filters = selectors.ServicePointFilters(
        district=shown["district"],
        kind=ServicePointKind(shown["kind"]) if shown["kind"] in ServicePointKind.values else None,
        q=shown["q"],
        step_free=shown["step_free"] == "ja",
    )
    points = selectors.service_point_list(user=request.user, filters=filters)
    return render(
        request,
        "servicepoints/list.html",
        {
            "page": Paginator(points, PAGE_SIZE).get_page(request.GET.get("seite")),
            "filters": shown,
            "kinds": ServicePointKind.choices,
            "districts": selectors.districts(),
            "can_create": rules.can_create_service_point(request.user),
        },
    )


def service_point_detail(request: HttpRequest, slug: str) -> HttpResponse:
    point = _point_for(request, slug)
    return render(
        request,
        "servicepoints/detail.html",
        {
            "point": point,
            "in_force": point.hours_in_force(),
            "periods": list(point.opening_hours.all()),
            "channels": selectors.channels_at(point, user=request.user),
            "can_edit": rules.can_edit_service_point(request.user, point),
            "history": history_for(point, request.user, parts=point.opening_hours.all()),
        },
    )


@require_http_methods(["GET", "POST"])
def service_point_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Register a service point (without ``slug``) or change one."""
    if slug is None:
        if not rules.can_create_service_point(request.user):
            raise PermissionDenied
        point = ServicePoint(office=getattr(request.user, "office", None))
    else:
        point = _editable_point(request, slug)
    form = ServicePointForm(
        request.POST if request.method == "POST" else None, instance=point, user=request.user
    )
    if form.is_valid():
        try:
            services.service_point_save(actor=request.user, point=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(form.instance)
    return render(
        request,
        "servicepoints/form.html",
        {"form": form, "point": point if slug else None},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def service_point_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a draft public, after asking."""
    point = _editable_point(request, slug)
    if point.published_at is not None:
        return redirect(point)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("„%(name)s“ veröffentlichen?") % {"name": point.name},
            consequences=[
                _("Die Servicestelle ist dann für alle sichtbar, mit ihren Öffnungszeiten."),
                _("Jede weitere Änderung erscheint im öffentlichen Änderungsprotokoll."),
            ],
            confirm_label=_("Ja, veröffentlichen"),
            cancel_url=point.get_absolute_url(),
        )
    services.service_point_publish(actor=request.user, point=point)
    messages.success(request, _("Die Servicestelle ist veröffentlicht."))
    return redirect(point)


@require_http_methods(["GET", "POST"])
def opening_hours_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Add hours from a day on (without ``pk``) or change hours already entered."""
    point = _editable_point(request, slug)
    if pk is None:
        opening_hours = OpeningHours(service_point=point)
    else:
        opening_hours = get_object_or_404(point.opening_hours, pk=pk)
        opening_hours.service_point = point
    form = OpeningHoursForm(
        request.POST if request.method == "POST" else None, instance=opening_hours
    )
    if form.is_valid():
        try:
            services.opening_hours_save(actor=request.user, opening_hours=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Die Öffnungszeiten sind gespeichert."))
            return redirect(point)
    return render(
        request,
        "servicepoints/hours_form.html",
        {"form": form, "point": point, "adding": pk is None},
        status=400 if form.is_bound else 200,
    )
