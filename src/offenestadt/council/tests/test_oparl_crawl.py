"""The whole Hürtgenwald crawl (about 17,300 objects) imported from a server on 127.0.0.1.

The crawl lies beside the repository in `../shared/reference/oparl/` and is not shipped; the
test is skipped where it is missing.
"""

import json
from pathlib import Path

import pytest

from offenestadt.council import models as m
from offenestadt.council.oparl.client import Client
from offenestadt.council.oparl.importer import run_import
from offenestadt.council.tests.oparl_server import serve, unpacked_crawl


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = unpacked_crawl(tmp_path_factory.mktemp("huertgenwald"))
    if isinstance(folder, str):
        pytest.skip(folder)
    return folder


def published(crawl: Path, name: str) -> int:
    """Objects of a list the crawl holds, less those it reports deleted."""
    ids = set()
    for page in (crawl / "body/1").glob(f"{name}*.json"):
        ids |= {
            item["id"]
            for item in json.loads(page.read_text(encoding="utf-8"))["data"]
            if not item.get("deleted")
        }
    return len(ids)


@pytest.mark.django_db
def test_the_whole_crawl_imports_and_a_second_run_changes_nothing(crawl: Path) -> None:
    with serve(crawl, honours_since=False) as served:
        first = run_import(served.system, client=Client(backoff=0))
        second = run_import(served.system, client=Client(backoff=0))

    assert first.errors == {}
    assert first.incomplete == []
    for model, name in [
        (m.Paper, "paper"),
        (m.Meeting, "meeting"),
        (m.Organization, "organization"),
        (m.Person, "person"),
    ]:
        assert model._default_manager.filter(deleted=False).count() == published(crawl, name)
    assert m.Paper.objects.count() == 2097
    assert second.changed == 0
    assert second.errors == {}
