"""Reading the catalogue for figures: how many datasets it has published, and when."""

from django.db.models import Count
from django.db.models.functions import ExtractYear

from offenestadt.opendata.catalogue.models import Dataset


def datasets_published_by_year() -> dict[int, int]:
    """The datasets in the catalogue (published, not withdrawn) by the year they were
    published, oldest first."""
    rows = (
        Dataset.objects.in_catalogue()
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(datasets=Count("pk"))
        .order_by("year")
    )
    return {row["year"]: row["datasets"] for row in rows}
