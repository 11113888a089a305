"""The default cache folder stays bounded although it counts its files only now and then."""

from pathlib import Path

from offenestadt.core.pagecache.folder import CULL_EVERY, FolderCache


def test_the_folder_evicts_entries_once_it_runs_over_its_limit(tmp_path: Path) -> None:
    limit = 100
    cache = FolderCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": limit}})

    for number in range(3 * CULL_EVERY):
        cache.set(f"page-{number}", "x" * 10, timeout=None)

    files = len(list(tmp_path.glob("*.djcache")))
    assert files <= limit + CULL_EVERY
    assert cache.get(f"page-{3 * CULL_EVERY - 1}") == "x" * 10
