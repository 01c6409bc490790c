"""What a published file says in its markup, without the words of the markup language itself.

The leak checks read a file's markup as well as the text it shows, because attribute values and
link targets are published too. But the names of elements and attributes, and the keywords of
attributes such as `rel` and `type`, are HTML (or SVG, Atom, sitemap) vocabulary, not anybody's
name: a customer called *Next* is not named by `<link rel="next">`, nor one called *Summary* by
`<summary>`. Those words (and the theme's own `data-` attribute names) are dropped; every other
byte of a tag (attribute values, unknown element and attribute names, comments) is kept and read.
"""

from __future__ import annotations

import re


def _vocabulary(text: str) -> frozenset[str]:
    return frozenset(text.split())


ELEMENTS = _vocabulary("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption
cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins
kbd label legend li link main map mark menu meta meter nav noscript object ol optgroup option
output p param picture pre progress q rp rt ruby s samp script search section select slot small
source span strong style sub summary sup table tbody td template textarea tfoot th thead time
title tr track u ul var video wbr
svg g path circle ellipse line polyline polygon rect text tspan defs use symbol desc lineargradient
radialgradient stop clippath mask pattern marker
feed entry id updated published author name uri email content category generator subtitle rights
icon logo rss channel item guid pubdate description lastbuilddate language
urlset url loc lastmod changefreq priority sitemapindex sitemap
""")

ATTRIBUTES = _vocabulary("""
accesskey autocapitalize autofocus class contenteditable dir draggable enterkeyhint hidden id
inert inputmode is itemid itemprop itemref itemscope itemtype lang nonce part popover role slot
spellcheck style tabindex title translate
accept accept-charset action align allow alt as async autocomplete autoplay charset checked cite
cols colspan content controls coords crossorigin datetime decoding default defer dirname disabled
download enctype for form formaction headers height high href hreflang http-equiv integrity
ismap kind label list loading loop low max maxlength media method min minlength multiple muted
name novalidate open optimum pattern ping placeholder poster preload readonly referrerpolicy rel
required reversed rows rowspan sandbox scope selected shape size sizes span src srcdoc srclang
srcset start step summary target type usemap value width wrap
viewbox xmlns xmlns:xlink xlink:href fill stroke stroke-width stroke-linecap stroke-linejoin d
cx cy r rx ry x y x1 x2 y1 y2 points transform focusable version encoding
data-all data-credit data-href data-root data-segments data-status data-table data-tags
""")

# Attributes whose values are keywords; only the keywords below are dropped from them.
KEYWORD_ATTRIBUTES = _vocabulary("""
rel type role dir charset http-equiv method target loading decoding crossorigin referrerpolicy
autocomplete inputmode enterkeyhint name xmlns version encoding fill stroke
""")

KEYWORDS = _vocabulary("""
alternate author bookmark canonical external help icon license manifest modulepreload next
nofollow noopener noreferrer opener pingback preconnect prefetch preload prev search stylesheet
tag ugc me shortcut apple-touch-icon mask-icon
text/html text/css text/javascript text/plain application/atom+xml application/rss+xml
application/json application/ld+json application/xml image/svg+xml image/png image/x-icon
module button submit reset checkbox radio search text email url hidden date number
region navigation img list listitem status presentation none banner contentinfo main complementary
note alert group link heading article separator tab tabpanel tablist
ltr rtl auto utf-8 get post _blank _self lazy eager async sync anonymous use-credentials
no-referrer same-origin strict-origin-when-cross-origin off on
viewport description generator robots color-scheme theme-color referrer
http://www.w3.org/2000/svg http://www.w3.org/2005/atom http://www.sitemaps.org/schemas/sitemap/0.9
1.0 currentcolor
""")

_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_OTHER = re.compile(r"<!--|-->|<!doctype[^>]*>|<\?xml[^>]*\?>", re.IGNORECASE)


def markup_text(text: str) -> str:
    """The text with every tag replaced by what it says beyond HTML's own words (see the module)."""
    if "<" not in text:
        return text
    return _TAG.sub(_tag, _OTHER.sub(" ", text))


def _tag(match: re.Match[str]) -> str:
    kept: list[str] = []
    if match[2].lower() not in ELEMENTS:
        kept.append(match[2])
    for attribute in _ATTRIBUTE.finditer(match[3]):
        name, value = attribute[1], attribute[2]
        lowered = name.lower()
        if lowered not in ATTRIBUTES and not lowered.startswith("aria-"):
            kept.append(name)
        if not value:
            continue
        value = value.strip("\"'")
        if lowered in KEYWORD_ATTRIBUTES:
            value = " ".join(word for word in value.split() if word.lower() not in KEYWORDS)
        kept.append(value)
    return f" {' '.join(kept)} "
