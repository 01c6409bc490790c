"""How a rendered page links: site paths behind a placeholder for the page's own way up to the root."""

from __future__ import annotations

# Links are rendered as ROOT + site path, and ROOT becomes the page's "../" prefix once the
# page is done (render/pages.py). A card then renders to the same text on every page, so it is
# rendered once per build instead of once per list it appears in. ROOT cannot come from content:
# control characters are stripped from every input.
ROOT = "\x00root\x00/"
# `url` on every page but the 404: one object, so the macros imported with each page's context are
# made once (render/imported.py compares the values they look up by identity), and the templates'
# code knows it for the url helper that reads nothing (render/direct_calls.py).
URL = ROOT.__add__
