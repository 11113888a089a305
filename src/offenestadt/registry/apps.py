from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "offenestadt.registry"
    verbose_name = _("Projektregister")

    def ready(self) -> None:
        from offenestadt.council.signals import deliberations_changed
        from offenestadt.registry.services import (
            projects_of_component_evaluate,
            projects_of_courses_evaluate,
            projects_of_papers_evaluate,
        )
        from offenestadt.software.signals import component_changed
        from offenestadt.training.signals import courses_changed

        # A council paper moved by an import: its projects' findings are evaluated again.
        deliberations_changed.connect(projects_of_papers_evaluate, dispatch_uid="registry")
        # A software register entry changed: the projects that use it are judged again.
        component_changed.connect(projects_of_component_evaluate, dispatch_uid="registry")
        # A course of the training catalogue or its sessions changed: P4 of its projects.
        courses_changed.connect(projects_of_courses_evaluate, dispatch_uid="registry")
