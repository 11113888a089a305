"""Pages that add, change and remove the parts of a record (a contract's data clauses, a
processing activity's categories): the part a staff page's address names."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.functional import Promise


@dataclass(frozen=True)
class PartKind:
    """A kind of part, as the staff pages add, change and remove it."""

    model: type[models.Model]
    form: type[forms.ModelForm[Any]]
    # The section of the record's page that lists this kind.
    anchor: str
    title: str | Promise


@dataclass(frozen=True)
class PartPage:
    """What a part's page works on: the record, the kind and the part itself."""

    record: Any
    kind: PartKind
    part: Any

    @property
    def section_url(self) -> str:
        return f"{self.record.get_absolute_url()}#{self.kind.anchor}"

    @property
    def adding(self) -> bool:
        return self.part.pk is None


def part_page(
    kinds: dict[str, PartKind], kind: str, record: models.Model, field: str, pk: int | None
) -> PartPage:
    """The part of ``record`` the address names (a new one without ``pk``); 404 otherwise.

    ``field`` is the part's foreign key to the record; the caller has checked that the
    user may change the record.
    """
    part_kind = kinds.get(kind)
    if part_kind is None:
        raise Http404
    if pk is None:
        part = part_kind.model(**{field: record})
    else:
        try:
            part = part_kind.model._default_manager.get(**{field: record, "pk": pk})
        except ObjectDoesNotExist:
            raise Http404 from None
        setattr(part, field, record)
    return PartPage(record=record, kind=part_kind, part=part)
