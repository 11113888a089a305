"""Loading the demo: every app may offer a `demo` module with `load_demo() -> list[str]`."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction


class DemoChoiceError(ValueError):
    """A choice made for the demo (``offenestadt demo --charter NAME``) that cannot be
    honoured; the message says what can be chosen."""


@transaction.atomic
def load_demo_content() -> list[str]:
    """Load each app's demo content in the order of INSTALLED_APPS; safe to run again.

    Returns the lines the apps want shown to the person starting the demo.
    """
    notes: list[str] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name.startswith("offenestadt.") and find_spec(module_name):
            notes += import_module(module_name).load_demo()
    return notes
