"""Atom feed of the catalogue: datasets that are new or changed, newest first."""

from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from offenestadt.core.feeds import AtomFeed
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.catalogue.search import metadata_modified

FEED_LENGTH = 50


def _in_english() -> bool:
    return (get_language() or "").split("-")[0] == "en"


class DatasetFeed(AtomFeed[Dataset, None]):
    title = _("Offene Daten: neue und geänderte Datensätze")
    subtitle = _("Datensätze im Katalog der offenen Daten, zuletzt geänderte zuerst.")

    def link(self) -> str:
        return reverse("opendata:dataset_list")

    def items(self) -> QuerySet[Dataset]:
        return (
            Dataset.objects.in_catalogue()
            .annotate(metadata_modified=metadata_modified())
            .select_related("publisher")
            .prefetch_related("themes", "keywords")
            .order_by("-metadata_modified", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: Dataset) -> str:
        return item.title_en if _in_english() and item.title_en else item.title

    def item_description(self, item: Dataset) -> str:
        return item.description_en if _in_english() and item.description_en else item.description

    def item_link(self, item: Dataset) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Dataset) -> str:
        return f"urn:uuid:{item.identifier}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Dataset) -> str:
        return item.publisher.name

    def item_categories(self, item: Dataset) -> list[str]:
        return [theme.get_theme_display() for theme in item.themes.all()] + [
            keyword.name for keyword in item.keywords.all()
        ]

    def item_pubdate(self, item: Dataset) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Dataset) -> datetime | None:
        return item.modified_at or item.published_at
