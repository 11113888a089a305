from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from offenestadt.core.views import healthz

urlpatterns: list[URLPattern | URLResolver] = [path("healthz", healthz, name="healthz")]
# German pages live at /, English ones at /en/. The language switch sits among them so
# that it can translate the page address it returns to, in both directions.
urlpatterns += i18n_patterns(
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("offenestadt.core.urls")),
    path("konto/", include("offenestadt.accounts.urls")),
    path("projekte/", include("offenestadt.registry.urls")),
    path("audit/", include("offenestadt.audit.urls")),
    path("verwaltung/", admin.site.urls),
    prefix_default_language=False,
)
