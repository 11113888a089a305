import factory
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.demo import load_demo as load_demo_charter
from offenestadt.registry import services
from offenestadt.registry.models import Project, ProjectStatus, Service


class OfficeFactory(factory.django.DjangoModelFactory[Office]):
    class Meta:
        model = Office
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"amt-{n}")
    name = factory.Sequence(lambda n: f"Amt {n}")


class ProjectFactory(factory.django.DjangoModelFactory[Project]):
    """A project row as stored; tests of the write path use the services instead."""

    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"projekt-{n}")
    title = factory.Sequence(lambda n: f"Projekt {n}")
    summary = "Ein Projekt der Stadt."
    office = factory.SubFactory(OfficeFactory)
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(published_at=None, internal_note="Noch nicht abgestimmt.")


def saved_service(project: Project, editor: User) -> Service:
    """A service of ``project``, stored the way the pages store it (through the service,
    audited)."""
    service = Service(project=project, name="Anwohnerparken")
    services.project_part_save(actor=editor, part=service)
    return service


def channels_base(service: Service) -> str:
    """Where the pages of ``service``'s access channels live (``neu/`` adds some)."""
    return f"/projekte/{service.project.slug}/dienstleistung/{service.pk}/zugangsweg/"


def channel_rows(*channels: dict[str, str]) -> dict[str, str]:
    """The form that adds access channels as sent: three rows, the first ones filled."""
    data = {
        "zugang-TOTAL_FORMS": "3",
        "zugang-INITIAL_FORMS": "0",
        "zugang-MIN_NUM_FORMS": "1",
        "zugang-MAX_NUM_FORMS": "1000",
    }
    for row, channel in enumerate(channels):
        data |= {f"zugang-{row}-{name}": value for name, value in channel.items()}
    return data


def project_in_consultation(
    *, editor: User, office: Office, processes_personal_data: bool = False
) -> Project:
    """Under the demo charter, a published project brought through the services to
    consultation, with nothing else yet; gates are asked of it next."""
    load_demo_charter()
    project = services.project_create(
        actor=editor, office=office, title="Digitale Parkplatzsuche", summary="Sensoren."
    )
    services.project_publish(actor=editor, project=project)
    for status in (ProjectStatus.PLANNING, ProjectStatus.CONSULTATION):
        services.project_transition(actor=editor, project=project, to=status)
    if processes_personal_data:
        services.project_update(
            actor=editor,
            project=project,
            title=project.title,
            summary=project.summary,
            plain_language_summary="",
            processes_personal_data=True,
        )
    return project
