from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from offenestadt.accounts.rules import staff_only
from offenestadt.charter.catalogue import catalogue
from offenestadt.charter.comparison import compare_versions
from offenestadt.charter.document import write_charter
from offenestadt.charter.engine import (
    Status,
    evaluate,
    registered_rule,
    rules_for,
    worst_finding,
)
from offenestadt.charter.models import CharterVersion


def _show(request: HttpRequest, version: CharterVersion) -> HttpResponse:
    versions = list(CharterVersion.objects.all())
    in_force = CharterVersion.objects.in_force()
    older = [v for v in versions if v.number < version.number]
    entries = {entry.id: entry for entry in catalogue()}
    principles = [
        (principle, [entries[check] for check in principle.checks if check in entries])
        for principle in version.principles()
    ]
    return render(
        request,
        "charter/version.html",
        {
            "version": version,
            "principles": principles,
            "in_force": in_force,
            "versions": versions,
            "previous": older[0] if older else None,
        },
    )


def charter_in_force(request: HttpRequest) -> HttpResponse:
    version = CharterVersion.objects.in_force()
    if version is None:
        return render(request, "charter/none.html", status=404)
    return _show(request, version)


def charter_version(request: HttpRequest, number: int) -> HttpResponse:
    return _show(request, get_object_or_404(CharterVersion, number=number))


def charter_document(request: HttpRequest, number: int) -> HttpResponse:
    """The version as the TOML document it was adopted as (for `offenestadt charter load`)."""
    version = get_object_or_404(CharterVersion, number=number)
    response = HttpResponse(write_charter(version.document), content_type="application/toml")
    response["Content-Disposition"] = f'inline; filename="charta-v{number}.toml"'
    return response


def charter_comparison(request: HttpRequest) -> HttpResponse:
    try:
        old_number, new_number = int(request.GET["von"]), int(request.GET["zu"])
    except (KeyError, ValueError):
        raise Http404 from None
    old = get_object_or_404(CharterVersion, number=old_number)
    new = get_object_or_404(CharterVersion, number=new_number)
    return render(
        request,
        "charter/comparison.html",
        {
            "old": old,
            "new": new,
            "comparison": compare_versions(old, new),
            "format_changed": new.format_changed_since(old),
        },
    )


def checks(request: HttpRequest) -> HttpResponse:
    """The catalogue of checks a charter can bind, with their parameters."""
    charter = CharterVersion.objects.in_force()
    bound_by: dict[str, list[str]] = {}
    for principle in charter.principles() if charter else []:
        for check in principle.checks:
            bound_by.setdefault(check, []).append(principle.id)
    entries = [(entry, bound_by.get(entry.id, [])) for entry in catalogue()]
    return render(request, "charter/checks.html", {"entries": entries, "charter": charter})


def linked_fix(request: HttpRequest, label: str, pk: int, counting: str) -> HttpResponse:
    """Staff only: on to the form that fixes the record's worst finding today of the checks
    the project's check ``counting`` counts, or to the record's page when nothing is left to
    fix there. Findings kept from before charters bound checks name a principle instead."""
    staff_only(request.user)
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as unknown:
        raise Http404 from unknown
    if not rules_for(model):
        raise Http404
    record = get_object_or_404(model, pk=pk)
    charter = CharterVersion.objects.in_force()
    findings = evaluate(record, charter) if charter else []
    counted = registered_rule(counting)
    checks = counted.counts if counted else {f.rule for f in findings if f.principle == counting}
    worst = worst_finding(findings, checks)
    if worst is None or worst.status == Status.MET or not worst.fix_url:
        return redirect(record.get_absolute_url())
    return redirect(worst.fix_url)
