"""The rows of the big site-wide files, kept from build to build in the build cache: the search
index's encoded rows (render/search_index.py RowMemo) and what the output guard found in the rows
of the files it reads (output/guard_rows.py). An edit then encodes and reads the rows it changed."""

from __future__ import annotations

from portalgen.output.guard_rows import RowVerdicts
from portalgen.pipeline.cache import BuildCache
from portalgen.render.search_index import RowMemo

SEARCH, GUARD = "search rows", "guard rows"


class SiteRows:
    def __init__(self, cache: BuildCache | None, guard_key: str) -> None:
        """`guard_key`: the names the guard protects in this build (guarding.key)."""
        self._cache = cache
        self.search = RowMemo(cache.memo(SEARCH) if cache is not None else None)
        self.guard = RowVerdicts(guard_key, cache.memo(GUARD) if cache is not None else None)

    def keep(self) -> None:
        """Into the cache, once the site-wide files are made and read: only this build's rows."""
        if self._cache is not None:
            self._cache.put_memo(SEARCH, self.search.kept())
            self._cache.put_memo(GUARD, self.guard.saved())
