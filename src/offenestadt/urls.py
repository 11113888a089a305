from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from offenestadt.api import api
from offenestadt.contracts import ocds_views
from offenestadt.core.views import healthz

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
]
# German pages live at /, English ones at /en/: the address alone decides the language.
urlpatterns += i18n_patterns(
    path("", include("offenestadt.core.urls")),
    path("konto/", include("offenestadt.accounts.urls")),
    path("charta/", include("offenestadt.charter.urls")),
    path("projekte/", include("offenestadt.registry.urls")),
    path("vertraege/", include("offenestadt.contracts.urls")),
    path("verarbeitungen/", include("offenestadt.processing.urls")),
    path("audit/", include("offenestadt.audit.urls")),
    path("verwaltung/", admin.site.urls),
    prefix_default_language=False,
)
