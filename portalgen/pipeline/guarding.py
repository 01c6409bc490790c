"""The output guard in the pipeline: what a build is about to publish is read before it is swapped in.

Pages an incremental build keeps from the live site were read when they were written, against
the names protected then. When the protected names change (a customer becomes anonymous, gains
another name), the kept pages are read again from the live site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from portalgen.content import leaks
from portalgen.content.problems import ContentError, Problems
from portalgen.content.records import Records
from portalgen.output import guard


def key(records: Records) -> str:
    """What the guard protects: a site read against the same names needs no second reading."""
    text = repr((leaks.protected(records), leaks.allowed(records)))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def check(records: Records, files: Mapping[str, bytes], static: Mapping[str, Path], reuse: Collection[str],
          live: Path | None) -> None:
    """Raise ContentError naming each output file that would publish a protected name. `live`:
    the site to read kept pages from, when they were not read against these names."""
    names = leaks.finder(records)
    if names.empty:
        return
    keeper = guard.Guard(names)
    found = keeper.check_all(_everything(files, static, reuse, live), paths=reuse if live is None else ())
    if not found:
        return
    problems = Problems()
    for path, message, fix in guard.messages(found, lambda name: leaks.sources(records, names, name)):
        problems.error(path, None, message, fix)
    raise ContentError(problems.sorted())


_READ = (".html", ".htm", ".txt", ".md", ".json", ".xml", ".svg", ".webmanifest")


def _everything(files: Mapping[str, bytes], static: Mapping[str, Path], reuse: Collection[str],
                live: Path | None) -> Iterator[tuple[str, bytes]]:
    yield from files.items()
    for path, source in static.items():
        # Theme files are read for their names, and for their text when it is text for people:
        # scripts and styles are code, where "next" or "map" is a keyword, not a customer.
        yield path, source.read_bytes() if path.endswith(_READ) else b""
    if live is not None:
        for path in reuse:
            yield path, (live / path).read_bytes()
