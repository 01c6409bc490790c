"""The output guard in the pipeline: what a build is about to publish is read before it is swapped in.

Pages an incremental build keeps from the live site were read when they were written, against
the names protected then. When the protected names change (a customer becomes anonymous, gains
another name), the kept pages are read again from the live site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from portalgen.content import leaks
from portalgen.content.namefinder import NameFinder
from portalgen.content.problems import ContentError, Problems
from portalgen.content.records import Records
from portalgen.output import guard
from portalgen.output.guard_rows import RowVerdicts
from portalgen.pipeline.output_state import page_digest


def key(records: Records) -> str:
    """What the guard protects: a site read against the same names needs no second reading."""
    text = repr((leaks.protected(records), leaks.allowed(records)))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def unread(files: Mapping[str, bytes], read_before: Mapping[str, str]) -> dict[str, bytes]:
    """The files to read: those not published with the same bytes by a site the guard read against
    these very names. `read_before`: that site's page_digest by path (OutputState.read_against).
    The same bytes at the same path, read against the same names, get the same verdict."""
    if not read_before:
        return dict(files)
    return {path: data for path, data in files.items() if read_before.get(path) != page_digest(data)}


def unread_names(reuse: Collection[str], read_before: Mapping[str, str]) -> Collection[str]:
    """The pages kept from a live site read against these very names whose names (paths) are to be
    read: those that site did not publish (none, when it is the site they are kept from)."""
    return [path for path in reuse if path not in read_before] if read_before else reuse


Mapper = Callable[[Callable[[list[str]], list[guard.Leak]], Sequence[list[str]]], list[list[guard.Leak]]]


def reader(records: Records, names: NameFinder[leaks.Protected] | None = None) -> guard.Guard | None:
    """The guard, to read pages as they are rendered (in the processes that render them); None
    when no name is protected. `names`: leaks.finder(records), when at hand."""
    names = names if names is not None else leaks.finder(records)
    return None if names.empty else guard.Guard(names)


def check(records: Records, files: Mapping[str, bytes], static: Mapping[str, Path], reuse: Collection[str],
          live: Path | None, pmap: tuple[Mapper, int] | None = None, *,
          pages_read: tuple[guard.Guard | None, Sequence[guard.Leak]] | None = None,
          rows: RowVerdicts | None = None) -> None:
    """Raise ContentError naming each output file that would publish a protected name. `live`:
    the site to read kept pages from, when they were not read against these names. `pmap`: a
    mapper, and how many shares of the files it reads in parallel. `pages_read`: the guard (from
    reader()) that read the pages rendered so far, and what it found in them. `rows`: what earlier
    builds found in the rows of the big site-wide files (output/guard_rows.py), for a file whose
    rows tell that it names nobody."""
    made = pages_read[0] if pages_read is not None else reader(records)
    if made is None:
        return
    reading = made
    found_before = pages_read[1] if pages_read is not None else ()
    files, cleared = _uncleared(reading, files, rows)
    paths = [*files, *static, *(reuse if live is not None else ())]

    def read(share: list[str]) -> list[guard.Leak]:
        return reading.check_all((path, _bytes(path, files, static, live)) for path in share)

    jobs = pmap[1] if pmap is not None else 1
    shares = [paths[i::jobs] for i in range(jobs)] if jobs > 1 else [paths]
    parts = pmap[0](read, shares) if len(shares) > 1 and pmap is not None else map(read, shares)
    found = [*found_before, *(leak for part in parts for leak in part), *reading.check_all((), paths=cleared)]
    if live is None:
        found += reading.check_all((), paths=reuse)
    if not found:
        return
    problems = Problems()
    for path, message, fix in guard.messages(found, lambda name: leaks.sources(records, reading.names, name)):
        problems.error(path, None, message, fix)
    raise ContentError(problems.sorted())


def read_files(reading: guard.Guard | None, files: Mapping[str, bytes], rows: RowVerdicts | None) -> list[guard.Leak]:
    """What check() finds in `files` alone (the site-wide files, read where they are made:
    pipeline/site_wide.py); nothing when no name is protected (`reading` None)."""
    if reading is None:
        return []
    files, cleared = _uncleared(reading, files, rows)
    return reading.check_all(files.items(), paths=cleared)


def _uncleared(reading: guard.Guard, files: Mapping[str, bytes], rows: RowVerdicts | None
               ) -> tuple[Mapping[str, bytes], list[str]]:
    """`files` less those whose rows tell they name nobody, and the paths of those (a file its rows
    clear is not read whole; its path is still read)."""
    names = reading.names
    cleared = [path for path, data in files.items() if rows.clean(names, path, data)] if rows is not None else []
    if cleared:
        files = {path: data for path, data in files.items() if path not in cleared}
    return files, cleared


_READ = (".html", ".htm", ".txt", ".md", ".json", ".xml", ".svg", ".webmanifest")


def _bytes(path: str, files: Mapping[str, bytes], static: Mapping[str, Path], live: Path | None) -> bytes:
    if path in files:
        return files[path]
    if path in static:
        # Theme files are read for their names, and for their text when it is text for people:
        # scripts and styles are code, where "next" or "map" is a keyword, not a customer.
        return static[path].read_bytes() if path.endswith(_READ) else b""
    assert live is not None
    return (live / path).read_bytes()
