"""The theme's fixed strings are translated when a template compiles (render/baked_words.py), and
say exactly what Jinja's newstyle gettext says at run time: same words, same escaping, same errors."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from portalgen.render import i18n
from portalgen.render.theme import make_environment

CASES = [
    "{{ _('Roadmap') }}",
    "{{ _('Menu') }}|{{ _('Not a message of the theme') }}",
    "{{ _('%(title)s, page %(page)s', title=title, page=2) }}",  # values: left to run time
    "{{ _('100%% sure') }}",
    "{% set label = _('Search') %}{{ label }}:{{ label|length }}",
    "{{ _(_('Home')) }}",  # not a literal: left to run time
    "{% autoescape false %}{{ _('%(x)s', x=title) }}{% endautoescape %}",
]


def _reference(language: str) -> jinja2.Environment:
    """Jinja as it comes: gettext called on every render."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(i18n.words_for(language, None).translations, newstyle=True)  # type: ignore[attr-defined]
    return env


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("source", CASES)
def test_a_baked_message_says_what_gettext_says(tmp_path: Path, language: str, source: str) -> None:
    ours = make_environment(tmp_path, language).from_string(source)
    theirs = _reference(language).from_string(source)
    values = {"title": "<b>Tom & Jerry</b>"}
    assert ours.render(values) == theirs.render(values)


def test_literal_messages_are_no_longer_calls(tmp_path: Path) -> None:
    env = make_environment(tmp_path, "de")
    code = env.compile("{{ _('Menu') }} {{ _('%(n)s x', n=n) }} {{ ngettext('%(num)s day', '%(num)s days', n) }}",
                       raw=True)
    assert "Menu" not in code and "Menü" in code  # its German text is compiled in instead
    assert code.count("resolve('_')") <= 1 and "context.call" in code  # only the message with a value is a call
    assert "ngettext" in code  # a plural depends on its number
    assert env.from_string("{{ _('Menu') }}").render() == "Menü"


def test_a_message_missing_a_value_still_fails_at_run_time(tmp_path: Path) -> None:
    env = make_environment(tmp_path, "en")
    template = env.from_string("{{ _('%(title)s and %(other)s', title='a') }}")
    with pytest.raises(KeyError):
        template.render()
