"""The periodic Freifunk import: the worker reads the community's map at
INFRASTRUCTURE_FREIFUNK_URL as `import-freifunk URL` does and queues its next run; without
the setting nothing is queued."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.infrastructure.models import Asset, AssetKind
from offenestadt.infrastructure.tasks import import_freifunk

pytestmark = pytest.mark.django_db


def queued() -> list[datetime]:
    """When each queued run is due."""
    return list(DBTaskResult.objects.filter(status="READY").values_list("run_after", flat=True))


def test_the_worker_imports_the_map_and_queues_the_next_run(
    served_fixtures: str, run_worker: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with override_settings(
        INFRASTRUCTURE_FREIFUNK_URL=f"{served_fixtures}/meshviewer.json",
        INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES=30,
    ):
        call_command("infrastructure", "schedule-freifunk")
        call_command("infrastructure", "schedule-freifunk")
        assert "schon für den Worker eingereiht" in capsys.readouterr().out
        assert len(queued()) == 1
        run_worker()

        assert Asset.objects.filter(kind=AssetKind.FREIFUNK_NODE).count() == 6
        assert DBTaskResult.objects.successful().count() == 1
        (next_run,) = queued()
        expected = timezone.now() + timedelta(minutes=30)
        assert abs(next_run - expected) < timedelta(minutes=1)
        # The next run finds the same nodes: it changes nothing.
        assert import_freifunk.call(reschedule=False) == {
            "created": 0,
            "changed": 0,
            "unchanged": 6,
            "errors": 0,
        }


@override_settings(INFRASTRUCTURE_FREIFUNK_URL="")
def test_without_a_map_nothing_is_scheduled(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("infrastructure", "schedule-freifunk")

    assert "nicht gesetzt" in capsys.readouterr().out
    assert queued() == []
    # A run queued before the setting was emptied imports nothing and stops.
    assert import_freifunk.call() == {}
    assert queued() == []
    assert not Asset.objects.exists()


def test_a_map_out_of_reach_is_tried_again_next_time(served_fixtures: str) -> None:
    with override_settings(INFRASTRUCTURE_FREIFUNK_URL=f"{served_fixtures}/fehlt.json"):
        assert import_freifunk.call() == {"errors": 1}

    assert not Asset.objects.exists()
    assert len(queued()) == 1
