"""The admin site at /verwaltung/ is no way around the rule on gate dates: no model whose
dates a gate reads can be added, changed or deleted there (core.gate_dates)."""

from collections.abc import Callable

from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory

from offenestadt.accounts.models import User

ClientFor = Callable[[User | None], Client]


def test_the_admin_site_cannot_write_a_gate_date(
    administrator: User, client_for: ClientFor
) -> None:
    guarded = [model for model in apps.get_models() if getattr(model, "gate_dates", ())]
    assert {model._meta.label_lower for model in guarded} >= {
        "registry.project",
        "contracts.contract",
        "participation.procedure",
        "participation.phase",
        "participation.meeting",
    }
    request = RequestFactory().get("/verwaltung/")
    request.user = administrator
    client = client_for(administrator)
    for model in guarded:
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            label = model._meta.label_lower
            assert not model_admin.has_add_permission(request), label
            assert not model_admin.has_change_permission(request), label
            assert not model_admin.has_delete_permission(request), label
        add = f"/verwaltung/{model._meta.app_label}/{model._meta.model_name}/add/"
        assert client.post(add, {}).status_code in {403, 404}, add
