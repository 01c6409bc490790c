"""A minimal Hugo project over the same Markdown, the anchor the benchmark compares against.

Same records, same pretty URLs, one page per record, paginated lists (50 per page), a tags
taxonomy, a sitemap and an RSS feed: roughly the page count portalgen writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CONFIG = """baseURL = "https://bench.example/"
title = "Benchmark portal"
disableKinds = []
[pagination]
  pagerSize = 50
[taxonomies]
  tag = "tags"
[markup.goldmark.renderer]
  unsafe = false
"""

BASEOF = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head><body>
<nav><a href="{{ "" | relURL }}">Home</a> <a href="{{ "feedback/" | relURL }}">Feedback</a>
<a href="{{ "decisions/" | relURL }}">Decisions</a> <a href="{{ "changes/" | relURL }}">Changes</a>
<a href="{{ "tags/" | relURL }}">Tags</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""

SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}
{{ with .Params.outcome }}<span class="badge">{{ . }}</span>{{ end }}</p>
{{ with .Params.quote }}<blockquote>{{ . }}</blockquote>{{ end }}
{{ .Content }}
{{ with .Params.workaround }}<h2>Workaround</h2>{{ . | markdownify }}{{ end }}
{{ with .Params.tags }}<ul>{{ range . }}<li><a href="{{ (printf "tags/%s/" (urlize .)) | relURL }}">{{ . }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}
<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}
{{ with .Params.tags }}{{ range . }}<span>{{ . }}</span> {{ end }}{{ end }}</li>{{ end }}</ul>
{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">Newer</a>{{ end }}{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">Older</a>{{ end }}
{{ end }}
"""


def make_hugo_project(portal: Path, target: Path) -> Path:
    """Copy the portal's Markdown records into a Hugo project with the layout above."""
    if target.exists():
        shutil.rmtree(target)
    content = target / "content"
    for folder in ("feedback", "decisions", "changes"):
        shutil.copytree(portal / "content" / folder, content / folder)
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (target / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (layouts / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(LIST, encoding="utf-8")
    (target / "static").mkdir()
    (target / "static" / "style.css").write_text("body{font-family:sans-serif}\n", encoding="utf-8")
    return target
