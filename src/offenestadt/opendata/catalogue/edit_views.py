"""The staff pages of the catalogue: describe a dataset, publish and withdraw it, add,
change and remove its files and links, or send a file into the anonymization pipeline."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.rules import staff_only
from offenestadt.core.confirm import confirmation_page, confirmed, removal_page
from offenestadt.core.forms import show_validation_error
from offenestadt.opendata.catalogue import rules, services
from offenestadt.opendata.catalogue.forms import DatasetForm, DistributionForm, WithdrawForm
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.catalogue.views import dataset_for, render_detail
from offenestadt.opendata.compliance import dataset_gate
from offenestadt.registry.forms import projects_to_link


def _editable_dataset(request: HttpRequest, name: str) -> Dataset:
    """404 for a dataset the user may not see; 403 for one they may see but not change."""
    dataset = dataset_for(request, name)
    if not rules.can_edit_dataset(request.user, dataset):
        raise PermissionDenied
    return dataset


@require_http_methods(["GET", "POST"])
def dataset_edit(request: HttpRequest, name: str | None = None) -> HttpResponse:
    """Describe a new dataset (without ``name``) or change one's description."""
    if name is None:
        staff_only(request.user, rules.can_create_dataset(request.user))
        dataset = Dataset()
    else:
        dataset = _editable_dataset(request, name)
    posted = request.method == "POST"
    form = DatasetForm(request.POST if posted else None, instance=dataset, user=request.user)
    if form.is_valid():
        try:
            services.dataset_save(
                actor=request.user,
                dataset=form.instance,
                projects=projects_to_link(form, dataset),
                themes=list(form.cleaned_data["themes"]),
                keywords=form.cleaned_data["keywords"],
            )
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or _("Sie dürfen diese Projekte nicht verknüpfen."))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(form.instance)
    return render(
        request,
        "opendata/dataset_form.html",
        {"form": form, "dataset": dataset if dataset.pk else None},
        status=400 if posted else 200,
    )


def _confirm_publish(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    return confirmation_page(
        request,
        title=_("„%(title)s“ in den Katalog aufnehmen?") % {"title": dataset.title},
        consequences=[
            _(
                "Der Datensatz und seine Dateien sind dann für alle abrufbar, auch über die "
                "CKAN-Schnittstelle und den DCAT-Katalog, aus dem Portale wie GovData ihn "
                "übernehmen."
            ),
            _(
                "Zurückziehen nimmt ihn aus dem Katalog, aber nicht aus den Kopien, die andere "
                "bis dahin geladen haben."
            ),
        ],
        confirm_label=_("Ja, veröffentlichen"),
        cancel_url=dataset.get_absolute_url(),
    )


@require_POST
def dataset_publish(request: HttpRequest, name: str) -> HttpResponse:
    """Put the dataset in the catalogue after asking once more; what its gate would refuse is
    refused at once, on its page, without asking first."""
    dataset = _editable_dataset(request, name)
    try:
        if not confirmed(request):
            dataset_gate(dataset=dataset)
            return _confirm_publish(request, dataset)
        services.dataset_publish(actor=request.user, dataset=dataset)
    except ValidationError as error:
        dataset.refresh_from_db()
        return render_detail(request, dataset, publish_errors=error.messages, status=400)
    messages.success(request, _("Der Datensatz ist im Katalog veröffentlicht."))
    return redirect(dataset)


@require_POST
def dataset_withdraw(request: HttpRequest, name: str) -> HttpResponse:
    """Take the dataset out of the catalogue with a public reason; its page stays."""
    dataset = _editable_dataset(request, name)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.dataset_withdraw(
                actor=request.user, dataset=dataset, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(dataset)
    dataset.refresh_from_db()
    return render_detail(request, dataset, withdraw_form=form, status=400)


def _distribution_page(
    request: HttpRequest, name: str, identifier: UUID | None
) -> tuple[Dataset, Distribution]:
    dataset = _editable_dataset(request, name)
    if identifier is None:
        return dataset, Distribution(dataset=dataset)
    distribution = get_object_or_404(dataset.distributions, identifier=identifier)
    distribution.dataset = dataset
    return dataset, distribution


@require_http_methods(["GET", "POST"])
def distribution_edit(
    request: HttpRequest, name: str, identifier: UUID | None = None
) -> HttpResponse:
    """Add (without ``identifier``) or change a file or link of a dataset."""
    dataset, distribution = _distribution_page(request, name, identifier)
    adding = distribution.pk is None
    posted = request.method == "POST"
    form = DistributionForm(
        request.POST if posted else None, request.FILES if posted else None, instance=distribution
    )
    if form.is_valid():
        try:
            services.distribution_save(
                actor=request.user,
                distribution=form.instance,
                upload=form.cleaned_data.get("upload") or None,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(f"{dataset.get_absolute_url()}#dateien")
    return render(
        request,
        "opendata/distribution_form.html",
        {"dataset": dataset, "distribution": distribution, "form": form, "adding": adding},
        status=400 if posted else 200,
    )


# What sending a file to be anonymized does, told before it is done.
TO_PIPELINE_CONSEQUENCES = (
    _(
        "Die Datei verlässt den Datensatz: sie wird als Rohdaten nur intern gespeichert, und "
        "ihre öffentliche Kopie wird gelöscht."
    ),
    _(
        "Danach wählen Sie das Modell der Anonymisierung; veröffentlicht wird nur das "
        "anonymisierte Ergebnis, nach der Freigabe durch den Datenschutz."
    ),
)


@require_http_methods(["GET", "POST"])
def distribution_to_pipeline(request: HttpRequest, name: str, identifier: UUID) -> HttpResponse:
    """Send a file with personal data into the anonymization pipeline, after asking: the file
    leaves the dataset's page for good (a charter finding's "beheben" opens this question)."""
    dataset, distribution = _distribution_page(request, name, identifier)
    try:
        services.distribution_to_pipeline_gate(distribution)
    except ValidationError as error:
        # Refused before asking: the dataset's page with the reason at its top.
        return render_detail(request, dataset, publish_errors=error.messages, status=409)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("„%(title)s“ in die Anonymisierung geben?") % {"title": distribution.title},
            consequences=TO_PIPELINE_CONSEQUENCES,
            confirm_label=_("Ja, in die Anonymisierung geben"),
            cancel_url=f"{dataset.get_absolute_url()}#datei-{distribution.identifier}-heading",
        )
    try:
        upload = services.distribution_to_pipeline(actor=request.user, distribution=distribution)
    except ValidationError as error:
        return render_detail(request, dataset, publish_errors=error.messages, status=400)
    return redirect("pipeline:detail", upload.pk)


@require_http_methods(["GET", "POST"])
def distribution_delete(request: HttpRequest, name: str, identifier: UUID) -> HttpResponse:
    """Remove a file or link from a dataset, after asking."""
    dataset, distribution = _distribution_page(request, name, identifier)
    return removal_page(
        request,
        template="opendata/distribution_confirm_delete.html",
        context={"dataset": dataset, "distribution": distribution},
        gate=lambda: services.distribution_removal_gate(distribution),
        remove=lambda: services.distribution_delete(actor=request.user, distribution=distribution),
        done=f"{dataset.get_absolute_url()}#dateien",
    )
