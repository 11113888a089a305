"""The default shared cache: a folder that every server process on this machine reads.

Django's file cache counts the folder's files on every write to decide whether to evict
some, which takes ~100 ms once it holds 20,000 pages and tags (every cache miss writes).
This one counts them only on one write in ``CULL_EVERY``, and then evicts down to a third
below ``MAX_ENTRIES`` (Django evicts a third of what is there, which would not keep up):
the folder may run over its limit by ``CULL_EVERY`` entries between counts. An evicted tag
costs a render, never a stale page (see ``store``).
"""

import itertools
import random
from pathlib import Path
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500

_writes = itertools.count()


class FolderCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self.folder = Path(dir).absolute()

    def _cull(self) -> None:
        if next(_writes) % CULL_EVERY:
            return
        files = list(self.folder.glob(f"*{self.cache_suffix}"))
        keep = self._max_entries - self._max_entries // max(self._cull_frequency, 1)
        if len(files) >= self._max_entries:
            for path in random.sample(files, len(files) - keep):
                path.unlink(missing_ok=True)
