"""What a sanitised fragment may hold where it lands, judged apart from the code that made it.

Shared by tests/model/test_fragment.py and tests/suites/hostile/test_fragment_corpora.py. The
rules are HTML's, for the sanitiser's few tags: list items in lists, terms and descriptions in
description lists, rows and cells in tables, no block inside a paragraph, heading or phrase, no
link inside a link and no link without an address.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

# Where the allow-list's elements may stand (the parent each needs, or that it must not be in).
NEEDS_PARENT = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"thead", "tbody"},
                "td": {"tr"}, "th": {"tr"}, "thead": {"table"}, "tbody": {"table"}}
PHRASING_ONLY = {"p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "code", "kbd", "sub",
                 "sup", "abbr"}
BLOCKS = {"p", "pre", "ul", "ol", "dl", "table", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "dt", "dd", "tr", "td", "th", "thead", "tbody"}


def content_model_problems(root: ET.Element) -> list[str]:
    """Where the elements under `root` (as html5lib parsed them) stand where HTML does not allow them."""
    problems = []
    parents = {child: parent for parent in root.iter() for child in parent}
    for el in root.iter():
        parent = parents.get(el)
        if el.tag in NEEDS_PARENT and (parent is None or parent.tag not in NEEDS_PARENT[el.tag]):
            problems.append(f"<{el.tag}> in <{parent.tag if parent is not None else None}>")
        if el.tag in PHRASING_ONLY:
            problems.extend(f"<{d.tag}> in <{el.tag}>" for d in el.iter() if d is not el and d.tag in BLOCKS)
        if el.tag == "a":
            if el.get("href") is None:
                problems.append("<a> without href")
            problems.extend("<a> in <a>" for d in el.iter("a") if d is not el)
    return problems
