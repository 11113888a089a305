"""Each dataset's part of the DCAT catalogue, written once per format and profile."""

from typing import ClassVar

from django.db import models


class CatalogueFragment(models.Model):
    """A dataset's triples as a part of a catalogue page in one format and profile.

    ``variant`` names the format, the profile and everything else the part depends on
    beside the dataset (the code that writes it, the settings it names); ``fingerprint``
    hashes what the part reads of the dataset, its files, themes, keywords, office and
    projects. A page uses a stored part only while both still match, and writes it anew
    otherwise: a change is never served stale, whichever way it was written. Addresses of
    this site are stored under a placeholder root and take the request's root when served.
    """

    dataset = models.ForeignKey(
        "opendata.Dataset", on_delete=models.CASCADE, related_name="catalogue_fragments"
    )
    variant = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=32)
    body = models.TextField()

    class Meta:
        app_label = "opendata"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["dataset", "variant"], name="opendata_fragment_one_per_variant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.variant}"
