from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from offenestadt.api import api
from offenestadt.contracts import ocds_views
from offenestadt.core.views import healthz
from offenestadt.opendata.ckan import views as ckan_views
from offenestadt.opendata.dcat import views as dcat_views
from offenestadt.software import sbom_views

# Refusals and errors answer with a page in the site's frame; under /api/ with a problem
# document (JSON).
handler400 = "offenestadt.core.errors.bad_request"
handler403 = "offenestadt.core.errors.permission_denied"
handler404 = "offenestadt.core.errors.not_found"
handler500 = "offenestadt.core.errors.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path(
        "api/ocds/release-package.json",
        ocds_views.release_package,
        name="ocds_release_package",
    ),
    path(
        "api/ocds/contracts/<int:pk>/release-package.json",
        ocds_views.contract_release_package,
        name="ocds_contract_release_package",
    ),
    # The open data catalogue through the CKAN Action API (read-only), with and without
    # the version in the path, as CKAN answers.
    path("api/3/action/<str:action>", ckan_views.action, name="ckan_action"),
    path("api/action/<str:action>", ckan_views.action, name="ckan_action_unversioned"),
    # The open data catalogue as DCAT-AP.de for harvesters (GovData): by Accept, or by name.
    path("catalog", dcat_views.catalog, name="dcat_catalog"),
    path("catalog.ttl", dcat_views.catalog_turtle, name="dcat_catalog_ttl"),
    path("catalog.rdf", dcat_views.catalog_rdfxml, name="dcat_catalog_rdf"),
    path("catalog.jsonld", dcat_views.catalog_jsonld, name="dcat_catalog_jsonld"),
    # Each dataset's record where CKAN's DCAT extension serves it.
    path("dataset/<str:name>.ttl", dcat_views.dataset_turtle, name="dcat_dataset_ttl"),
    path("dataset/<str:name>.rdf", dcat_views.dataset_rdfxml, name="dcat_dataset_rdf"),
    path("dataset/<str:name>.jsonld", dcat_views.dataset_jsonld, name="dcat_dataset_jsonld"),
    # The platform's own software bill of materials (CycloneDX JSON).
    path("software/sbom.json", sbom_views.sbom, name="software_sbom"),
]
# German pages live at /, English ones at /en/: the address alone decides the language.
urlpatterns += i18n_patterns(
    path("", include("offenestadt.core.urls")),
    # Before the charter's pages: its /charta/stand/ and /charta/bericht/ are the overview's.
    path("", include("offenestadt.overview.urls")),
    path("konto/", include("offenestadt.accounts.urls")),
    path("charta/", include("offenestadt.charter.urls")),
    path("projekte/", include("offenestadt.registry.urls")),
    path("servicestellen/", include("offenestadt.registry.servicepoints.urls")),
    path("vertraege/", include("offenestadt.contracts.urls")),
    path("beteiligung/", include("offenestadt.participation.urls")),
    path("abstimmungen/", include("offenestadt.voting.urls")),
    path("verarbeitungen/", include("offenestadt.processing.urls")),
    path("rat/", include("offenestadt.council.urls")),
    path("software/", include("offenestadt.software.urls")),
    path("barrierefreiheit/", include("offenestadt.accessibility.urls")),
    path("schulungen/", include("offenestadt.training.urls")),
    path("daten/", include("offenestadt.opendata.catalogue.urls")),
    path("infrastruktur/", include("offenestadt.infrastructure.urls")),
    path("rohdaten/", include("offenestadt.opendata.pipeline.urls")),
    path("audit/", include("offenestadt.audit.urls")),
    path("aufgaben/", include("offenestadt.staff.urls")),
    path("verwaltung/", admin.site.urls),
    prefix_default_language=False,
)
