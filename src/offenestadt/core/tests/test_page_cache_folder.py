"""The default cache folder stays bounded although it counts its files only now and then."""

from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

from offenestadt.core.pagecache.folder import CULL_EVERY, FolderCache


def test_the_folder_evicts_entries_once_it_runs_over_its_limit(tmp_path: Path) -> None:
    limit = 100
    cache = FolderCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": limit}})

    for number in range(3 * CULL_EVERY):
        cache.set(f"page-{number}", "x" * 10, timeout=None)

    files = len(list(tmp_path.glob("*.djcache")))
    assert files <= limit + CULL_EVERY
    assert cache.get(f"page-{3 * CULL_EVERY - 1}") == "x" * 10


def test_the_folder_keeps_values_uncompressed_and_reads_compressed_ones(tmp_path: Path) -> None:
    cache = FolderCache(str(tmp_path), {})
    page = b"<p>Seite</p>" * 1000
    cache.set("page", page, timeout=None)

    assert cache.get("page") == page
    # Stored as pickled, not compressed again: a hit costs no decompression.
    assert max(path.stat().st_size for path in tmp_path.glob("*.djcache")) > len(page)

    # A value Django's own file cache wrote (compressed) on the same folder is still read.
    FileBasedCache(str(tmp_path), {}).set("older", {"tag": 7}, timeout=None)
    assert cache.get("older") == {"tag": 7}
    assert cache.touch("older", timeout=60) is True
    assert cache.get("older") == {"tag": 7}
    assert cache.touch("missing") is False
