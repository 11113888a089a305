import factory

from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.registry.tests.factories import OfficeFactory


class DatasetFactory(factory.django.DjangoModelFactory[Dataset]):
    """A dataset row as stored, not yet published; tests of the write path use the services."""

    class Meta:
        model = Dataset

    name = factory.Sequence(lambda n: f"datensatz-{n}")
    title = factory.Sequence(lambda n: f"Datensatz {n}")
    description = "Werte der Stadt."
    publisher = factory.SubFactory(OfficeFactory)
    contact_name = "Amt"
    contact_email = "amt@example.org"
