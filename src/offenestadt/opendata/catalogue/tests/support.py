"""What the catalogue's page tests share: a dataset made through the services, and the
titles a catalogue page lists."""

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.tests.pipeline_support import check_files
from offenestadt.registry.models import Project

ClientFor = Callable[[User | None], Client]
TREES = b"art,anzahl,gepflanzt\nLinde,12,2019-04-01\nEiche,7,2020-11-15\n"


def make_dataset(
    editor: User,
    project: Project,
    *,
    name: str,
    title: str = "",
    themes: tuple[str, ...] = ("ENVI",),
    keywords: tuple[str, ...] = (),
    content: bytes | None = TREES,
    publish: bool = True,
    **fields: Any,
) -> Dataset:
    """A dataset through the services, with one CSV file when ``content`` is given."""
    dataset = Dataset(
        name=name,
        title=title or name.replace("-", " ").title(),
        description=fields.pop("description", "Daten der Stadt (Test)."),
        publisher=project.office,
        contact_name="Grünflächenamt",
        contact_email="gruen@example.org",
        **fields,
    )
    services.dataset_save(
        actor=editor,
        dataset=dataset,
        projects=[project],
        themes=list(themes),
        keywords=list(keywords),
    )
    if content is not None:
        services.distribution_save(
            actor=editor,
            distribution=Distribution(dataset=dataset, title=f"{dataset.title} als CSV"),
            upload=SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv"),
        )
        check_files()
    if publish:
        services.dataset_publish(actor=editor, dataset=dataset)
    return dataset


def titles(response: HttpResponseBase) -> list[str]:
    return [card.title for card in response.context["cards"]]  # type: ignore[attr-defined]
