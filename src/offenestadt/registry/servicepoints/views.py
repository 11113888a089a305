"""The register of service points: the public list and pages, and the staff's forms."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from offenestadt.audit.selectors import history_for
from offenestadt.core.confirm import confirmation_page, confirmed, removal_page
from offenestadt.core.forms import show_validation_error
from offenestadt.registry.servicepoints import rules, selectors, services
from offenestadt.registry.servicepoints.forms import (
    ClosingForm,
    OpeningHoursForm,
    ServicePointForm,
)
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


@require_safe
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


@require_safe
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
            "can_close": rules.can_close_service_point(request.user, point),
            "can_delete": rules.can_delete_service_point(request.user, point),
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
def service_point_close(request: HttpRequest, slug: str) -> HttpResponse:
    """Close a service point from a day on (asking first): it leaves the public list then,
    its page and history stay."""
    point = _point_for(request, slug)
    if not rules.can_close_service_point(request.user, point):
        raise PermissionDenied
    form = ClosingForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": point.closed_on or timezone.localdate()},
    )
    if form.is_valid():
        closed_on = form.cleaned_data["closed_on"]
        try:
            services.service_point_closing_gate(closed_on)
            if not confirmed(request):
                return _confirm_closing(request, point, closed_on)
            services.service_point_close(actor=request.user, point=point, closed_on=closed_on)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, point.closing_text())
            return redirect(point)
    return render(
        request,
        "servicepoints/close.html",
        {"form": form, "point": point},
        status=400 if form.is_bound else 200,
    )


def _confirm_closing(request: HttpRequest, point: ServicePoint, closed_on: date) -> HttpResponse:
    using = len(services.projects_using(point))
    consequences: list[str | Promise] = [
        _(
            "Ab diesem Tag steht sie nicht mehr in der öffentlichen Liste und hat keine "
            "Öffnungszeiten; ihre Seite und ihr Änderungsprotokoll bleiben."
        )
    ]
    if using:
        consequences.append(
            ngettext(
                "Ein Projekt nennt sie in einem Zugangsweg; es wird neu geprüft.",
                "%(count)s Projekte nennen sie in Zugangswegen; sie werden neu geprüft.",
                using,
            )
            % {"count": using}
        )
    return confirmation_page(
        request,
        title=_("„%(name)s“ ab %(day)s schließen?")
        % {"name": point.name, "day": formats.date_format(closed_on, "DATE_FORMAT")},
        consequences=consequences,
        confirm_label=_("Ja, schließen"),
        cancel_url=point.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def service_point_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete a service point entered by mistake, after asking; refused while access
    channels lead there."""
    point = _point_for(request, slug)
    if not rules.can_delete_service_point(request.user, point):
        raise PermissionDenied
    return removal_page(
        request,
        template="servicepoints/confirm_delete.html",
        context={"point": point},
        gate=lambda: services.service_point_deletion_gate(point),
        remove=lambda: services.service_point_delete(actor=request.user, point=point),
        done=reverse("servicepoints:list"),
    )


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
