"""The default shared cache: a folder that every server process on this machine reads.

Django's file cache counts the folder's files on every write to decide whether to evict
some, which takes ~100 ms once it holds 20,000 pages and tags (every cache miss writes).
This one counts them only on one write in ``CULL_EVERY``, and then evicts down to a third
below ``MAX_ENTRIES`` (Django evicts a third of what is there, which would not keep up):
the folder may run over its limit by ``CULL_EVERY`` entries between counts. An evicted tag
costs a render, never a stale page (see ``store``).

Django's file cache also zlib-compresses every value, and decompresses it on every read:
for a stored page (the body, and beside it the body gzip-compressed already) that took
most of a cache hit's time. This one writes values as they are pickled; it still reads a
compressed one (written before, or by Django's file cache on the same folder).
"""

import itertools
import pickle
import random
import zlib
from pathlib import Path
from typing import IO, Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500
# The first byte of a zlib stream with the default window (a pickle starts with 0x80).
_ZLIB_HEADER = 0x78

_writes = itertools.count()
_MISSING = object()


def _loads(data: bytes) -> Any:
    if data[:1] == bytes([_ZLIB_HEADER]):
        data = zlib.decompress(data)
    return pickle.loads(data)  # noqa: S301 - our own cache folder, as Django's file cache


class FolderCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self.folder = Path(dir).absolute()

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            # Django's own helpers, which its stubs do not declare.
            with open(self._key_to_file(key, version), "rb") as f:  # type: ignore[attr-defined]
                if not self._is_expired(f):  # type: ignore[attr-defined]
                    return _loads(f.read())
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file: IO[bytes], timeout: Any, value: Any) -> None:
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def _cull(self) -> None:
        if next(_writes) % CULL_EVERY:
            return
        files = list(self.folder.glob(f"*{self.cache_suffix}"))
        keep = self._max_entries - self._max_entries // max(self._cull_frequency, 1)
        if len(files) >= self._max_entries:
            for path in random.sample(files, len(files) - keep):
                path.unlink(missing_ok=True)
