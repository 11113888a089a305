from collections.abc import Collection

from django.db import models
from django.utils.text import slugify


def unique_slug(
    model: type[models.Model], title: str, *, fallback: str, reserved: Collection[str] = ()
) -> str:
    """A slug from ``title`` that no record of ``model`` has yet: ``title``, ``title-2`` …

    ``reserved`` names the words the model's addresses use for pages of their own (``neu``).
    """
    base = slugify(title)[:40] or fallback
    slug, number = base, 2
    while slug in reserved or model._default_manager.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
