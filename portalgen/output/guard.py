"""The output guard: no published byte names anyone we promised not to name.

The leak lint reads what authors wrote; this reads what a build is about to publish, so a
template override, a theme file or a bug in portalgen itself cannot leak a name either. Every
file (pages, JSON, feeds, the search index, sitemap, robots.txt, theme files) and every file
and folder name is read before the new site is swapped in; a hit refuses the build.

Speed: a site of 10,000 items is about 280 MB, most of it ASCII. Each file is first reduced to
its skeleton (letters and digits only, lower case: bytes.translate at memory speed) and searched
for the names' skeletons with one automaton; that test never misses a name, however it is split
by markup, spaces or punctuation. Only a file whose skeleton holds a name is read word by word,
with the same folding as the lint, to see whether it names someone or only spells the letters
across words ("place meeting" holds "acme").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from portalgen.content.leaks import Protected, each_view
from portalgen.content.namefinder import NameFinder, skeletons
from portalgen.content.readertext import decode, words

_SCRIPT_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))", re.DOTALL)


CAP = 20  # leaks found before the guard stops reading: a template that leaks leaks on every page


@dataclass(frozen=True)
class Leak:
    output: str  # the published file (or folder) that would name them
    name: Protected


class Guard:
    def __init__(self, names: NameFinder[Protected]):
        self.names = names

    @property
    def idle(self) -> bool:
        return self.names.empty

    def check_file(self, path: str, data: bytes) -> list[Leak]:
        """The protected names in one output file's bytes, and in its path."""
        found = self.check_path(path)
        if self.names.empty:
            return found
        if path.endswith((".json", ".js")) and b"\\" in data:
            data = _unescaped(data)
        if not self.names.may_contain_any(skeletons(data)):
            return found
        # A big file is read with as few copies at a time as can be (portal.json is 18 MB at 10,000
        # items, and the guard's reading of it the peak of a build's memory once the pages are made):
        # the unescaped copy, when one was made, goes before the text is decoded, and the views are
        # made from the only reference to the decoded text, and one view goes before the next is made.
        text = data.decode("utf-8", "replace")
        del data
        views = each_view(decode(text))
        del text
        owners: set[Protected] = set()
        for view in views:
            owners.update(hit.owner for hit in self.names.find(view))
            del view
        return found + [Leak(path, owner) for owner in sorted(owners, key=lambda p: (p.slug, p.text))]

    def check_path(self, path: str) -> list[Leak]:
        """A file or folder name is published too: site/tags/globex-retail/ names Globex Retail."""
        if self.names.empty:
            return []
        return [Leak(path, hit.owner) for hit in self.names.find(words(path.replace("/", " / ")))]

    def check_all(self, files: Iterable[tuple[str, bytes]], paths: Iterable[str] = (),
                  cap: int = 0) -> list[Leak]:
        leaks: list[Leak] = []
        for path, data in files:
            leaks += self.check_file(path, data)
            if len(leaks) >= (cap or CAP):  # enough to act on; the rest are found on the next try
                return leaks
        for path in paths:
            leaks += self.check_path(path)
        return leaks


def _unescaped(data: bytes) -> bytes:
    """_unescape_script() of a file's text, as UTF-8. A file of ASCII alone (portal.json, the search
    index) decodes to text of the same characters: its common escapes are replaced in its bytes,
    as they would be in the text, and no copy of the whole file as text is made beside it."""
    if data.isascii() and b"\\\\" not in data:
        for escape, char in _COMMON_ESCAPE_BYTES:
            data = data.replace(escape, char)
        if b"\\" not in data:
            return data
        return _SCRIPT_ESCAPE.sub(_one, data.decode("ascii")).encode("utf-8", "replace")
    return _unescape_script(data.decode("utf-8", "replace")).encode("utf-8", "replace")


def _one(match: re.Match[str]) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    return " " if match.group(2) in "nrtbf" else match.group(2)


def _unescape_script(text: str) -> str:
    """JSON and JavaScript string escapes decoded: `\\u0047lobex` is Globex, and `\\n` a line break."""
    if "\\\\" not in text:
        # Without an escaped backslash, every backslash starts an escape and no escape holds another
        # backslash: the escapes are apart, so the ones every portal.json is full of (its HTML's
        # <, > and &, its line breaks) are decoded by str.replace, at memory speed, exactly as the
        # expression decodes them (tests/output/test_guard_escapes.py); the expression does the rest.
        for escape, char in _COMMON_ESCAPES:
            text = text.replace(escape, char)
        if "\\" not in text:
            return text
    return _SCRIPT_ESCAPE.sub(_one, text)


_COMMON_ESCAPES = (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ("\\n", " "), ('\\"', '"'))
_COMMON_ESCAPE_BYTES = tuple((escape.encode(), char.encode()) for escape, char in _COMMON_ESCAPES)


def messages(leaks: list[Leak], sources: Callable[[Protected], list[str]]) -> list[tuple[str, str, str]]:
    """(path, message, fix) for a problem report, one per name: the output files that would publish
    it, and the record that put it there (or, when no record holds it, the first such file)."""
    by_name: dict[Protected, list[str]] = {}
    for leak in leaks:
        by_name.setdefault(leak.name, []).append(leak.output)
    out: list[tuple[str, str, str]] = []
    for name, outputs in by_name.items():
        where = sources(name)
        files = f"site/{outputs[0]}" + (f" and {len(outputs) - 1} more file(s)" if len(outputs) > 1 else "")
        if len(leaks) >= CAP:
            files += " (and perhaps more: reading stopped there)"
        article = "an" if name.what.startswith("anonymous") else "a"
        origin = (f"it comes from {', '.join(where)}" if where else
                  "no record holds it: look at the theme's templates, its static files and portal.yaml")
        out.append((where[0] if where else f"site/{outputs[0]}",
                    f"the build would publish '{name.text}', {article} {name.what} (customer '{name.slug}'), "
                    f"in {files}; {origin}",
                    "remove the name there; nothing was written, the previous site is unchanged"))
    return out
