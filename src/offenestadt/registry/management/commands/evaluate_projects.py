from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from offenestadt.registry.models import Project
from offenestadt.registry.services import project_evaluate


class Command(BaseCommand):
    help = (
        "Evaluate every project against the charter in force and keep changed findings "
        "(run daily, since findings depend on time, and after loading a charter)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        projects = Project.objects.prefetch_related(
            "software_components",
            "courses__sessions",
            "services__channels",
            "register_assets",
        )
        for project in projects.iterator(chunk_size=200):
            current = project.evaluations.filter(is_current=True).first()
            evaluation = project_evaluate(project=project)
            changed += evaluation is not None and evaluation != current
        self.stdout.write(
            _("Projekte geprüft: %(count)s, davon mit neuen Befunden: %(changed)s.")
            % {"count": projects.count(), "changed": changed}
        )
