"""Addresses from titles: German letters spelt out (ä → ae, ß → ss), cut at a word's end."""

from collections.abc import Collection

from django.db import models
from django.utils.text import slugify

MAX_LENGTH = 40
GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def slug_for(title: str) -> str:
    """``title`` as an address part: "Straßenbäume in Süd" → "strassenbaeume-in-sued".

    Longer than :data:`MAX_LENGTH`, it ends after the last whole word that fits (a single
    word longer than that is cut).
    """
    slug = slugify(title.translate(GERMAN_LETTERS))
    if len(slug) <= MAX_LENGTH:
        return slug
    cut = slug[: MAX_LENGTH + 1].rsplit("-", 1)[0]
    return cut if 0 < len(cut) <= MAX_LENGTH else slug[:MAX_LENGTH].strip("-")


def unique_slug(
    model: type[models.Model], title: str, *, fallback: str, reserved: Collection[str] = ()
) -> str:
    """A slug from ``title`` that no record of ``model`` has yet: ``title``, ``title-2`` …

    ``reserved`` names the words the model's addresses use for pages of their own (``neu``).
    Stored slugs never change: they are published addresses.
    """
    base = slug_for(title) or fallback
    slug, number = base, 2
    while slug in reserved or model._default_manager.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
