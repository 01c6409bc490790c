"""The portal's language: gettext catalogs (theme and Python wording) and CLDR dates and numbers.

portalgen ships one catalog per language in portalgen/locale/<lang>/LC_MESSAGES/portalgen.po.
They are read as .po and compiled in memory (no build step for anyone, and a project's own
catalog is read the same way). A project can reword any string, or add a language, in
translations/<lang>.po or translations/<lang>.yaml (English msgid: its wording); those win over
the shipped catalog. A string no catalog translates stays English.

Nothing here is global: a Words object is made for a (project, language) and handed to the
theme environment and to the functions that word things, so two portals in two languages can be
built by one process.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_month_names, get_quarter_names
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from portalgen.content.problems import Problem, Severity

DOMAIN = "portalgen"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
OVERRIDES = "translations"  # the project folder of translations/<lang>.po and translations/<lang>.yaml
SOURCE = "en"  # the language of the msgids

# The theme's English has always said "3 June 2026" and "a, b and c": British order, which
# CLDR files under en_GB (plain "en" is American: "June 3, 2026", "a, b, and c").
_FORMAT_LOCALE = {"en": "en_GB"}


def _locale_name(language: str) -> str:
    return language.replace("-", "_")


def parse_locale(language: str) -> Locale:
    """The CLDR locale of a language tag; English for one CLDR does not know."""
    try:
        return Locale.parse(_locale_name(language or SOURCE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE)


def is_rtl(language: str) -> bool:
    return parse_locale(language).character_order == "right-to-left"


def shipped_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


@functools.cache
def shipped_catalog(language: str) -> Catalog | None:
    """portalgen's own catalog for a language ("pt-BR" falls back to "pt"), read once per process."""
    path = shipped_file(language)
    if path is None:
        return None
    with path.open("rb") as f:
        return read_po(f, locale=path.parent.parent.name, domain=DOMAIN)


def _new_catalog(language: str) -> Catalog:
    try:
        return Catalog(locale=_locale_name(language), domain=DOMAIN)
    except (UnknownLocaleError, ValueError):
        return Catalog(locale=SOURCE, domain=DOMAIN)  # English plural rule for a language CLDR lacks


def override_files(project: Path | None, language: str) -> list[Path]:
    """The project's own catalogs for a language, weakest first: the .po, then the .yaml."""
    if project is None:
        return []
    folder = project / OVERRIDES
    return [p for p in (folder / f"{language}.po", folder / f"{language}.yaml") if p.is_file()]


Entry = tuple[Any, Any]  # (msgid, text): a str, or a tuple of forms for a plural


class TranslationsError(ValueError):
    """A project's translations file cannot be read."""


def _yaml_entries(path: Path, catalog: Catalog) -> Iterable[Entry]:
    """English text: its wording; for a plural, English singular: [form, form, ...] in the
    language's plural order (German: one, other). The English plural is found in the shipped
    English catalog, so the YAML stays as short as the English it rewords.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TranslationsError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TranslationsError(f"{path}: expected a mapping of English text to its wording")
    english = shipped_catalog(SOURCE)
    plurals: dict[str, Any] = {m.id[0]: m.id for m in english if isinstance(m.id, tuple)} if english else {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise TranslationsError(f"{path}: {key!r} is not a text")
        if isinstance(value, list):
            msgid = plurals.get(key)
            if msgid is None:
                raise TranslationsError(f"{path}: {key!r} has forms, but it is not a plural of the theme")
            yield msgid, tuple(str(v) for v in value)
        elif isinstance(value, str | int | float):
            msgid = plurals.get(key, key)
            # One text for a plural: every form says it (a wording without the number, say).
            yield msgid, (str(value),) * catalog.num_plurals if isinstance(msgid, tuple) else str(value)
        else:
            raise TranslationsError(f"{path}: the wording of {key!r} must be a text or a list of forms")


def _merged(language: str, files: list[Path]) -> Catalog:
    catalog = _new_catalog(language)
    shipped = shipped_catalog(language)
    layers: list[Iterable[Entry]] = []
    if shipped is not None:
        layers.append((m.id, m.string) for m in shipped if m.id and not m.fuzzy)
    for path in files:
        if path.suffix == ".po":
            try:
                with path.open("rb") as f:
                    own = read_po(f, locale=catalog.locale, domain=DOMAIN)
            except Exception as exc:  # babel raises plain exceptions of several kinds for a bad .po
                raise TranslationsError(f"{path}: {exc}") from exc
            layers.append((m.id, m.string) for m in own if m.id and not m.fuzzy)
        else:
            layers.append(_yaml_entries(path, catalog))
    for layer in layers:
        for msgid, string in layer:
            if string and (not isinstance(string, tuple) or any(string)):
                if msgid in catalog:  # Catalog.add keeps an entry's old text: a later layer replaces it
                    del catalog[msgid]
                catalog.add(msgid, string)
    return catalog


def _compile(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True, eq=False)
class Words:
    """How one portal words things: its catalog and its locale's dates, numbers and lists."""

    language: str
    translations: Translations
    digest: str  # the language and every catalog it was made from: a page's words change with it
    missing: tuple[str, ...] = field(default=())  # English msgids this language leaves untranslated
    # CLDR formatting is slow next to the page around it, and a portal shows few distinct dates
    # and counts many times over: each is formatted once.
    _formatted: dict[tuple[object, ...], str] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def locale(self) -> Locale:
        return parse_locale(self.language)

    @functools.cached_property
    def format_locale(self) -> Locale:
        return parse_locale(_FORMAT_LOCALE.get(self.language, self.language))

    @property
    def rtl(self) -> bool:
        return self.locale.character_order == "right-to-left"

    def gettext(self, msgid: str, **values: object) -> str:
        text = self.translations.gettext(msgid)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """A plural in the language's own forms; `num` (the number, localised) is always there to use."""
        return self.translations.ngettext(singular, plural, n) % {"num": self.number(n), **values}

    def js_plural(self, singular: str, plural: str) -> dict[str, str]:
        """A plural for scripts: its text for each CLDR plural category (Intl.PluralRules picks one).

        gettext numbers its forms and CLDR names them: numbers up to 200 show which is which."""
        forms: dict[str, str] = {}
        for n in range(200):
            forms.setdefault(str(self.locale.plural_form(n)), self.translations.ngettext(singular, plural, n))
        return forms

    def number(self, n: int | float) -> str:
        key = ("number", type(n), n)
        found = self._formatted.get(key)
        if found is None:
            found = self._formatted[key] = format_decimal(n, locale=self.format_locale)
        return found

    def percent(self, pct: int) -> str:
        return format_percent(pct / 100, locale=self.format_locale)

    def longdate(self, day: date | None) -> str:
        """'3 June 2026', '3. Juni 2026', '3 de junio de 2026'."""
        if not day:
            return ""
        key = ("longdate", day)
        found = self._formatted.get(key)
        if found is None:
            found = self._formatted[key] = format_date(day, "long", locale=self.format_locale)
        return found

    def date_pattern(self) -> str:
        """longdate as a pattern for scripts: '%(day)s %(month)s %(year)s', '%(day)s. %(month)s %(year)s'."""
        sample = self.longdate(date(2001, 12, 23))
        return (sample.replace("2001", "%(year)s").replace(self.month_names()[11], "%(month)s")
                .replace(self.number(23) if self.number(23) in sample else "23", "%(day)s"))

    def month_names(self) -> list[str]:
        names = get_month_names("wide", "format", locale=self.format_locale)
        return [str(names[m]) for m in range(1, 13)]

    def quarter(self, number: int, year: int) -> str:
        """'Q3 2026' in English, 'T3 2026' in French: CLDR's short quarter name and the year."""
        name = get_quarter_names("abbreviated", "format", locale=self.format_locale)[number]
        return self.gettext("%(quarter)s %(year)s", quarter=name, year=year)

    def quarter_months(self, number: int, year: int) -> str:
        """'January to March 2026'."""
        names = get_month_names("wide", "format", locale=self.format_locale)
        return self.gettext("%(first)s to %(last)s %(year)s", first=names[(number - 1) * 3 + 1],
                            last=names[number * 3], year=year)

    @functools.cached_property
    def _list_patterns(self) -> dict[str, str]:
        return dict(self.format_locale.list_patterns["standard"])

    def comma(self, parts: list[str]) -> str:
        """'a, b, c': a list without its last 'and'."""
        middle = self._list_patterns.get("middle", "{0}, {1}")
        return middle.replace("{0}", "").replace("{1}", "").join(parts)

    def join(self, parts: list[str]) -> str:
        """'a', 'a and b', 'a, b and c' in the portal's language."""
        if len(parts) <= 1:
            return "".join(parts)
        patterns = self._list_patterns
        if len(parts) == 2:
            return patterns["2"].replace("{0}", parts[0]).replace("{1}", parts[1])
        return patterns["end"].replace("{0}", self.comma(parts[:-1])).replace("{1}", parts[-1])


def shipped_file(language: str) -> Path | None:
    name = _locale_name(language)
    for candidate in (name, name.split("_")[0]):
        path = LOCALE_DIR / candidate / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def _digest(language: str, files: list[Path]) -> str:
    h = hashlib.blake2b(language.encode(), digest_size=12)
    shipped = shipped_file(language)
    for path in [*([shipped] if shipped else []), *files]:
        h.update(f"\0{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=16)
def _words(language: str, files: tuple[Path, ...], digest: str) -> Words:
    catalog = _merged(language, list(files))
    english = shipped_catalog(SOURCE)
    missing: tuple[str, ...] = ()
    if english is not None and _locale_name(language).split("_")[0] != SOURCE:
        have = {m.id for m in catalog if m.id and m.string}
        missing = tuple(sorted(str(m.id[0] if isinstance(m.id, tuple | list) else m.id)
                               for m in english if m.id and m.id not in have))
    return Words(language, _compile(catalog), digest, missing)


def words_for(language: str, project: Path | None = None) -> Words:
    """The words of a portal in `language`, with the project's own wording; cached per language and files."""
    language = language or SOURCE
    files = override_files(project, language)
    return _words(language, tuple(files), _digest(language, files))


@functools.cache
def english() -> Words:
    # Plans call this once per page title: the shipped English catalog is part of portalgen's
    # code, which does not change while a process runs, so it is read and hashed once.
    return words_for(SOURCE)


def problems(project: Path, language: str) -> list[Problem]:
    """What `check` says about the portal's words: an unreadable translations file is an error; a
    language portalgen does not ship warns with the strings that will stay English."""
    language = language or SOURCE
    files = override_files(project, language)
    try:
        words = words_for(language, project)
    except TranslationsError as exc:
        path = Path(str(exc).split(": ", 1)[0])
        shown = path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)
        return [Problem(shown, None, str(exc).split(": ", 1)[-1], "fix the file; docs/pages.md, \"Languages\", "
                        "shows its format")]
    if not words.missing or shipped_catalog(language) is not None:
        return []
    where = files[-1].relative_to(project).as_posix() if files else f"{OVERRIDES}/{language}.yaml"
    listed = "; ".join(f"“{m}”" for m in words.missing)
    return [Problem(where, None, f"portalgen has no catalog for {language!r}: {len(words.missing)} "
                    f"string(s) stay in English: {listed}", f"add them to {where}",
                    Severity.WARNING, "untranslated")]
