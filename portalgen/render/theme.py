"""The Jinja environment: a project's templates/ overrides the built-in theme file by file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from portalgen.model import urls
from portalgen.model.headings import place_under
from portalgen.model.statuses import ORDER, STATUSES
from portalgen.render import i18n, spec, stats_page, wording
from portalgen.render.theme_folders import theme_dirs
from portalgen.render.tracking import TrackingEnvironment


def make_environment(project: Path, language: str = i18n.SOURCE) -> TrackingEnvironment:
    """The theme in the portal's language: gettext through Jinja's i18n extension (newstyle, so
    `_()` escapes its values and a missing value is an error, not a silent blank)."""
    words = i18n.words_for(language, project)
    env = TrackingEnvironment(
        project,
        loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs(project)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(words.translations, newstyle=True)  # type: ignore[attr-defined]
    # Jinja's newstyle gettext puts a number into the text as Python writes it ("1234"); these put in
    # the locale's number ("1.234" in German), the counts of `ngettext` and `_('…', num=n)` alike.
    gettext = _localised_gettext(words)
    # `_` is the same gettext, called directly: Jinja's own `_` looks `gettext` up in the page's
    # context and calls it through Context.call again, a second call for each of some ten a page.
    env.globals.update(gettext=gettext, _=gettext, ngettext=_localised_ngettext(words))
    env.words = words
    env.globals.update(statuses=STATUSES, status_order=ORDER, urls=urls, words=words,
                       credit_html=lambda credit, url=None: wording.credit_html(credit, url, words),
                       quarter_months=lambda q: wording.quarter_months(q, words),
                       quarter_label=lambda q: wording.quarter_label(q, words),
                       people_list=lambda people: Markup(words.join(
                           [str(escape(p.name)) + (f" ({escape(p.role)})" if p.role else "") for p in people])),
                       say=lambda msg: spec.say(words, msg),
                       stats_chart=lambda name, data: stats_page.chart(name, data, words),
                       text_direction="rtl" if words.rtl else "ltr")
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.filters["longdate"] = words.longdate
    env.filters["num"] = lambda n: words.number(n) if isinstance(n, _NUMBERS) else n
    env.filters["percent"] = words.percent
    env.filters["html"] = prose  # only ever applied to HTML that markup.py has sanitised
    return env


# A tuple, made once: `int | float` in isinstance() makes a union type at every call.
_NUMBERS = (int, float)


def _localised(words: i18n.Words, values: dict[str, Any]) -> dict[str, Any]:
    """Numbers written the locale's way; every other value as it is (bool is an int, but no count)."""
    return {k: words.number(v) if isinstance(v, _NUMBERS) and not isinstance(v, bool) else v
            for k, v in values.items()}


def _localised_gettext(words: i18n.Words) -> Callable[..., str]:
    # A message without values always says the same: a badge's `_(s.label)` is said once per
    # build, not on every page (a literal one is baked into the template: render/baked_words.py).
    said: dict[str, str] = {}

    # pass_eval_context, not Jinja's pass_context: it reads nothing from the page's variables, and
    # a pass_context callable called in a loop is handed a context derived for it, every call.
    @jinja2.pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **values: Any) -> str:
        if not values and eval_ctx.autoescape:
            text = said.get(string)
            if text is None:  # a message the catalog cannot format fails here, every time
                text = said[string] = Markup(words.translations.gettext(string)) % {}
            return text
        text = words.translations.gettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)  # the values are escaped as they go in, as in Jinja's own
        return text % _localised(words, values)

    return gettext


def _localised_ngettext(words: i18n.Words) -> Callable[..., str]:
    @jinja2.pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **values: Any) -> str:
        values.setdefault("num", num)
        text = words.translations.ngettext(singular, plural, num)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % _localised(words, values)

    return ngettext


def prose(html: str, under: int = 2) -> Markup:
    """Sanitised HTML for a place below an h`under`: its headings start one level lower."""
    return Markup(place_under(html, under))


def template_fingerprint(env: jinja2.Environment, name: str) -> str:
    """Which file a template name resolves to in this project, and its content."""
    try:
        source, filename, _ = env.loader.get_source(env, name) if env.loader else ("", None, None)
    except jinja2.TemplateNotFound:
        return "-"
    # The catalogs count as part of every template: a reworded string changes every page that says it.
    words = getattr(env, "words", None)
    catalogs = str(words.digest) if words is not None else ""
    return hashlib.blake2b(f"{filename}\0{source}\0{catalogs}".encode("utf-8", "surrogatepass"),
                           digest_size=12).hexdigest()


def static_files(project: Path) -> dict[str, Path]:
    """Theme assets by output path; a project's templates/static/ overrides by file name."""
    files: dict[str, Path] = {}
    for base in reversed(theme_dirs(project)):
        static = base / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files["static/" + path.relative_to(static).as_posix()] = path
    return files
