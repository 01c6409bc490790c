"""Taking names out of imported text: what an anonymous customer is called must not be published.

An issue body says "as @alice-ops asked", a spreadsheet row "At Globex Retail we…". With anonymous
customers, `check`'s leak lint would refuse those texts, and the names were never ours to publish.
The import replaces them with "a customer": the names, logins, e-mail addresses (and their
domains) and organisations of the export's people, and every name the board already protects.

Names are matched as runs of whole words, in any case, accent and separator ("Acme Health",
"acme-health", "ACME_HEALTH", "AcmeHealth") by looking words up in a table, so an export of thousands
of voters costs one pass over each text, not one per name. A phrase the portal allows
(`allowed_phrases`, a named customer's name such as "Globex Holdings") is left as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from portalgen.content.importing.ideas import Person
from portalgen.content.importing.text import one_line
from portalgen.content.slugs import slugify

WITHHELD = "a customer"
_WORD = re.compile(r"[^\W_]+")


def identities(people: Iterable[Person]) -> set[str]:
    """Everything that names these people: name, login, organisation and the slug its customer file
    will have (slugify drops what is not ASCII: "日4.10" becomes 4-10), e-mail and its domain."""
    names: set[str] = set()
    for person in people:
        texts = [one_line(t) for t in (person.name, person.login, person.organisation, person.email)]
        names.update(t for t in texts if t)
        if texts[2]:
            names.add(slugify(texts[2]))
        if "@" in texts[3]:
            names.add(texts[3].rpartition("@")[2])
    return names


def fold(word: str) -> str:
    """A word as the leak lint compares it: without accents, in no particular case."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


class Scrubber:
    def __init__(self, names: Iterable[str], allowed: Iterable[str] = ()) -> None:
        self.table: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        forms: set[tuple[tuple[str, ...], bool]] = set()
        for keep, texts in ((False, names), (True, allowed)):
            for text in texts:
                words = tuple(fold(w) for w in _WORD.findall(text))
                forms.update((form, keep) for form in (words, ("".join(words),)) if len("".join(form)) >= 2)
        for form, keep in forms:
            self.table.setdefault(form[0], []).append((form, keep))
        for found in self.table.values():
            found.sort(key=lambda item: (len(item[0]), item[1]), reverse=True)  # the longest, an allowed one first

    def __call__(self, text: str) -> str:
        if not self.table or not text:
            return text
        words = list(_WORD.finditer(text))
        folded = [fold(w.group()) for w in words]
        out: list[str] = []
        at = i = 0
        while i < len(words):
            length, keep = self._match(folded, i)
            if keep or not length:
                i += max(length, 1)
                continue
            start = words[i].start() - (text[words[i].start() - 1:words[i].start()] == "@")
            out += [text[at:start], WITHHELD]
            at, i = words[i + length - 1].end(), i + length
        return "".join(out) + text[at:]

    def _match(self, folded: list[str], i: int) -> tuple[int, bool]:
        for form, keep in self.table.get(folded[i], ()):
            if tuple(folded[i:i + len(form)]) == form:
                return len(form), keep
        return 0, False
