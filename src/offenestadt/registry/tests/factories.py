import factory
from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.registry.models import Project


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
