"""The linked model: derived statuses, credits, tags, statistics and customer pages."""

from __future__ import annotations

from datetime import date

import pytest

from portalgen.model.items import Model
from portalgen.model.linking import credit_for, small_segments
from portalgen.model.urls import record as page_path

try:  # tests/ as a plain folder on sys.path, or as a package
    from helpers_content import PORTAL, Project, change, decision, feedback
except ModuleNotFoundError:  # pragma: no cover
    from tests.helpers_content import PORTAL, Project, change, decision, feedback

CUSTOMERS = {
    "acme": "name: Acme Health\nsegment: Healthcare\ncredit: named\n"
            "people:\n  - {name: Ana Ruiz, credit: named}\n  - {name: Bo Secret}\n",
    "beta": "name: Beta Bank\nsegment: Finance\ncredit: named\n",
    "globex": "name: Globex Retail\nsegment: Retail\n",
    "initech": "name: Initech Clinics\nsegment: Healthcare\n",
    "hush": "name: Hush Hospital\nsegment: Healthcare\ncredit: anonymous\n"
            "people:\n  - {name: Hidden Person, credit: named}\n",
    "nosegment": "name: No Segment Ltd\n",
}


@pytest.fixture
def project(tmp_path):
    # Every segment credited by name, so the credit tests below see which customers each path
    # reaches; the anonymity threshold has tests of its own (test_small_segments_*).
    p = Project.empty(tmp_path, PORTAL + "anonymity_threshold: 1\n")
    for slug, text in CUSTOMERS.items():
        p.write(f"content/customers/{slug}.yaml", text)
    return p


def fb(project: Project, slug: str, when: str = "2026-01-10", who: str = "[acme]", extra: str = "") -> None:
    project.write(f"content/feedback/{slug}.md", feedback(slug.replace("-", " ").title(), when, who, extra))


def dec(project: Project, slug: str, items: str, outcome: str, when: str, extra: str = "") -> None:
    if outcome == "declined":
        extra += "workaround: Use exports.\n"
    if outcome == "deferred":
        extra += "revisit: 2027-01-01\n"
    project.write(f"content/decisions/{slug}.md", decision(items, outcome, when, extra, body="Because.\n"))


def chg(project: Project, slug: str, when: str, extra: str) -> None:
    project.write(f"content/changes/{slug}.md", change(when, extra))


def item(model: Model, slug: str):
    found = [i for i in model.feedback if i.record.slug == slug]
    assert found, f"{slug} is not published in this model"
    return found[0]


def names(credit) -> list[str]:
    return [c.name for c in credit.named]


# --- statuses ---------------------------------------------------------------------------------


def test_no_decision_is_heard(project):
    fb(project, "dark-mode", "2026-01-10")
    model = project.link(as_of=date(2026, 1, 25))
    i = item(model, "dark-mode")
    assert i.status == "heard"
    assert i.days_waiting == 15
    assert i.stale is False
    assert i.answered_on is None and i.shipped_on is None
    assert i.latest_decision is None


@pytest.mark.parametrize("outcome", ["under-review", "planned", "in-progress", "declined", "deferred",
                                     "already-available"])
def test_status_is_the_decision_outcome(project, outcome):
    fb(project, "dark-mode")
    dec(project, "answer", "[dark-mode]", outcome, "2026-02-01")
    i = item(project.link(), "dark-mode")
    assert i.status == outcome
    assert i.days_waiting is None
    assert i.stale is False
    assert i.answered_on == date(2026, 2, 1)
    assert i.latest_decision.record.slug == "answer"


def test_change_via_decision_ships(project):
    fb(project, "dark-mode")
    dec(project, "approve", "[dark-mode]", "planned", "2026-02-01")
    chg(project, "release", "2026-03-01", "decisions: [approve]\n")
    model = project.link()
    i = item(model, "dark-mode")
    assert i.status == "shipped"
    assert i.shipped_on == date(2026, 3, 1)
    assert i.answered_on == date(2026, 2, 1)
    assert [c.record.slug for c in i.changes] == ["release"]
    assert [c.record.slug for c in model.decisions[0].changes] == ["release"]


def test_change_directly_ships_without_decision(project):
    fb(project, "dark-mode")
    chg(project, "release", "2026-03-01", "feedback: [dark-mode]\n")
    model = project.link()
    i = item(model, "dark-mode")
    assert i.status == "shipped"
    assert i.decisions == []
    assert i.answered_on == i.shipped_on == date(2026, 3, 1)
    assert [f.record.slug for f in model.changes[0].feedback] == ["dark-mode"]


@pytest.mark.parametrize("outcome", ["declined", "deferred", "already-available", "under-review"])
def test_shipped_wins_over_any_decision(project, outcome):
    fb(project, "dark-mode")
    dec(project, "later", "[dark-mode]", outcome, "2026-05-01")  # decided after it shipped
    chg(project, "release", "2026-03-01", "feedback: [dark-mode]\n")
    i = item(project.link(), "dark-mode")
    assert i.status == "shipped"
    assert i.shipped_on == date(2026, 3, 1)


def test_latest_decision_by_date_wins_not_file_name(project):
    fb(project, "dark-mode")
    dec(project, "a-later", "[dark-mode]", "declined", "2026-04-01")
    dec(project, "z-earlier", "[dark-mode]", "planned", "2026-02-01")
    i = item(project.link(), "dark-mode")
    assert i.status == "declined"
    assert [d.record.slug for d in i.decisions] == ["z-earlier", "a-later"]  # oldest first
    assert i.answered_on == date(2026, 2, 1)

    dec(project, "a-later", "[dark-mode]", "declined", "2026-01-15")
    assert item(project.link(), "dark-mode").status == "planned"


def test_duplicate_takes_its_targets_status(project):
    fb(project, "dark-mode", who="[acme]")
    fb(project, "night-theme", "2026-01-20", who="[globex]", extra="duplicate_of: dark-mode\n")
    dec(project, "approve", "[dark-mode]", "in-progress", "2026-02-01")
    model = project.link()
    target, dup = item(model, "dark-mode"), item(model, "night-theme")
    assert dup.status == target.status == "in-progress"
    assert dup.duplicate_of is target
    assert target.duplicates == [dup]
    assert [d.record.slug for d in dup.decisions] == ["approve"]


def test_duplicate_of_duplicate_takes_the_roots_status(project):
    fb(project, "dark-mode")
    fb(project, "night-theme", extra="duplicate_of: dark-mode\n")
    fb(project, "black-ui", extra="duplicate_of: night-theme\n")
    chg(project, "release", "2026-03-01", "feedback: [dark-mode]\n")
    model = project.link()
    assert item(model, "black-ui").status == "shipped"
    assert item(model, "black-ui").shipped_on == date(2026, 3, 1)


def test_duplicate_of_unpublished_target_keeps_own_status(project):
    fb(project, "dark-mode", extra="draft: true\n")
    fb(project, "night-theme", extra="duplicate_of: dark-mode\n")
    dec(project, "approve", "[dark-mode]", "planned", "2026-02-01")
    model = project.link()
    dup = item(model, "night-theme")
    assert dup.duplicate_of is None
    assert dup.status == "heard"
    assert item(project.link(drafts=True), "night-theme").status == "planned"


def test_private_and_draft_decisions_do_not_answer(project):
    fb(project, "dark-mode")
    dec(project, "secret", "[dark-mode]", "declined", "2026-02-01", "visibility: private\n")
    dec(project, "pending", "[dark-mode]", "planned", "2026-02-05", "draft: true\n")
    assert item(project.link(), "dark-mode").status == "heard"
    assert item(project.link(drafts=True), "dark-mode").status == "planned"


def test_private_and_draft_changes_do_not_ship(project):
    fb(project, "dark-mode")
    chg(project, "secret", "2026-03-01", "feedback: [dark-mode]\nvisibility: private\n")
    chg(project, "soon", "2026-03-05", "feedback: [dark-mode]\ndraft: true\n")
    assert item(project.link(), "dark-mode").status == "heard"
    i = item(project.link(drafts=True), "dark-mode")
    assert i.status == "shipped"
    assert i.shipped_on == date(2026, 3, 5)


def test_first_change_is_shipped_on(project):
    fb(project, "dark-mode")
    chg(project, "second", "2026-05-01", "feedback: [dark-mode]\n")
    chg(project, "first", "2026-03-01", "feedback: [dark-mode]\n")
    i = item(project.link(), "dark-mode")
    assert i.shipped_on == date(2026, 3, 1)
    assert [c.record.slug for c in i.changes] == ["first", "second"]


# --- waiting and stale --------------------------------------------------------------------------


def test_stale_after_default_thirty_days(project):
    fb(project, "dark-mode", "2026-01-01")
    assert item(project.link(as_of=date(2026, 1, 31)), "dark-mode").stale is False
    i = item(project.link(as_of=date(2026, 2, 1)), "dark-mode")
    assert i.days_waiting == 31
    assert i.stale is True


def test_stale_after_days_from_portal(project):
    project.write("content/portal.yaml", project.path("content/portal.yaml").read_text()
                  + "stale_after_days: 7\n")
    fb(project, "dark-mode", "2026-01-01")
    assert item(project.link(as_of=date(2026, 1, 8)), "dark-mode").stale is False
    assert item(project.link(as_of=date(2026, 1, 9)), "dark-mode").stale is True


def test_as_of_defaults_to_newest_published_date(project):
    fb(project, "old", "2026-01-01")
    fb(project, "new", "2026-03-02")
    fb(project, "hidden", "2027-01-01", extra="draft: true\n")
    model = project.link()
    assert model.as_of == date(2026, 3, 2)
    assert item(model, "old").days_waiting == 60
    assert item(model, "old").stale is True
    assert item(model, "new").days_waiting == 0


def test_days_waiting_never_negative(project):
    fb(project, "future", "2026-06-01")
    assert item(project.link(as_of=date(2026, 1, 1)), "future").days_waiting == 0


def test_answered_items_are_not_stale(project):
    fb(project, "dark-mode", "2025-01-01")
    dec(project, "approve", "[dark-mode]", "under-review", "2025-01-02")
    i = item(project.link(as_of=date(2026, 1, 1)), "dark-mode")
    assert i.stale is False
    assert i.days_waiting is None


# --- credits ------------------------------------------------------------------------------------


def test_change_credits_each_customer_once_across_all_paths(project):
    fb(project, "direct", who="[acme, globex]")
    fb(project, "via-decision", who="[acme, initech, beta]")
    fb(project, "original", who="[globex]")
    fb(project, "dup", who="[hush, acme]", extra="duplicate_of: original\n")
    fb(project, "unrelated", who="[nosegment]")
    dec(project, "approve", "[via-decision, original]", "planned", "2026-02-01")
    chg(project, "release", "2026-03-01", "decisions: [approve]\nfeedback: [direct]\n")
    model = project.link()
    c = model.changes[0]
    assert {f.record.slug for f in c.feedback} == {"direct", "via-decision", "original", "dup"}
    assert names(c.credit) == ["Acme Health", "Beta Bank"]  # by name, each once
    assert c.credit.anonymous == [("Healthcare", 2), ("Retail", 1)]  # initech + hush; globex once
    assert c.credit.anonymous_total == 3
    assert item(model, "dup").status == "shipped"


def test_named_credits_sorted_by_name_not_slug(project):
    project.write("content/customers/aaa.yaml", "name: Zeta Zoo\ncredit: named\n")
    fb(project, "x", who="[aaa, beta, acme]")
    chg(project, "release", "2026-03-01", "feedback: [x]\n")
    assert names(project.link().changes[0].credit) == ["Acme Health", "Beta Bank", "Zeta Zoo"]


def test_anonymous_without_segment_counted_last(project):
    fb(project, "x", who="[nosegment, globex, initech]")
    chg(project, "release", "2026-03-01", "feedback: [x]\n")
    credit = project.link().changes[0].credit
    assert credit.named == []
    assert credit.anonymous == [("Healthcare", 1), ("Retail", 1), ("", 1)]
    assert bool(credit) is True


def test_credit_default_named_names_customers_without_credit(project):
    project.write("content/portal.yaml", project.path("content/portal.yaml").read_text()
                  + "credit_default: named\n")
    fb(project, "x", who="[globex, hush]")
    chg(project, "release", "2026-03-01", "feedback: [x]\n")
    credit = project.link().changes[0].credit
    assert names(credit) == ["Globex Retail"]
    assert credit.anonymous == [("Healthcare", 1)]  # hush said anonymous explicitly


def test_feedback_credit_and_also_asked(project):
    fb(project, "original", who="[acme]")
    fb(project, "dup", who="[acme, globex]", extra="duplicate_of: original\n")
    model = project.link()
    original, dup = item(model, "original"), item(model, "dup")
    assert names(original.credit) == ["Acme Health"]
    assert original.also_asked.named == []
    assert original.also_asked.anonymous == [("Retail", 1)]
    assert dup.also_asked.named == [] and dup.also_asked.anonymous == []


def test_private_feedback_credits_nobody_and_is_not_counted(project):
    fb(project, "public", who="[acme]")
    fb(project, "secret", who="[beta, globex]", extra="visibility: private\n")
    dec(project, "approve", "[public, secret]", "planned", "2026-02-01")
    chg(project, "release", "2026-03-01", "decisions: [approve]\nfeedback: [secret]\n")
    model = project.link()
    c = model.changes[0]
    assert [f.record.slug for f in c.feedback] == ["public"]
    assert names(c.credit) == ["Acme Health"]
    assert c.credit.anonymous == []
    assert [d.record.slug for f in model.decisions for d in [f]] == ["approve"]
    assert [f.record.slug for f in model.decisions[0].feedback] == ["public"]
    assert model.stats.heard == 1
    assert "secret" not in {i.record.slug for i in model.feedback}
    beta = next(p for p in model.customers if p.record.slug == "beta")
    assert beta.raised == [] and beta.shipped == []


def test_draft_feedback_credits_nobody_unless_drafts(project):
    fb(project, "public", who="[acme]")
    fb(project, "draft", who="[beta]", extra="draft: true\n")
    chg(project, "release", "2026-03-01", "feedback: [public, draft]\n")
    model = project.link()
    assert names(model.changes[0].credit) == ["Acme Health"]
    assert model.stats.heard == 1
    with_drafts = project.link(drafts=True)
    assert names(with_drafts.changes[0].credit) == ["Acme Health", "Beta Bank"]
    assert with_drafts.stats.heard == 2
    assert with_drafts.stats.shipped == 2
    assert with_drafts.drafts is True


def test_credit_for_ignores_unknown_and_repeated_slugs(project):
    records, _ = project.check()
    credit = credit_for(["acme", "acme", "ghost", "globex", "globex"], records.customers, frozenset())
    assert names(credit) == ["Acme Health"]
    assert credit.anonymous == [("Retail", 1)]
    assert not credit_for([], records.customers, frozenset())


def threshold(project: Project, value: int) -> None:
    project.write("content/portal.yaml", PORTAL + f"anonymity_threshold: {value}\n")


def test_small_segments_are_counted_over_the_board_not_per_item(project):
    """Healthcare has two anonymous members (initech, hush), Retail one (globex); acme is named."""
    records, _ = project.check()
    assert small_segments(records.customers, 1) == frozenset()
    assert small_segments(records.customers, 2) == {"Retail"}
    assert small_segments(records.customers, 3) == {"Retail", "Healthcare"}  # acme, named, hides nobody
    threshold(project, 2)
    fb(project, "x", who="[initech]")  # one Healthcare customer on the item, two on the board
    fb(project, "y", who="[globex, nosegment, acme]")
    model = project.link()
    assert item(model, "x").credit.anonymous == [("Healthcare", 1)]
    y = item(model, "y").credit
    assert (names(y), y.anonymous, y.other_segments, y.anonymous_total) == (["Acme Health"], [("", 1)], 1, 2)


def test_small_segments_default_threshold_is_three(project):
    project.write("content/portal.yaml", PORTAL)
    fb(project, "x", who="[initech, hush, globex]")
    chg(project, "release", "2026-03-01", "feedback: [x]\n")
    model = project.link()
    assert model.portal.anonymity_threshold == 3
    for credit in (item(model, "x").credit, model.changes[0].credit):
        assert (credit.anonymous, credit.other_segments, bool(credit)) == ([], 3, True)


def test_small_segments_reach_also_asked_and_grow_with_the_board(project):
    threshold(project, 3)
    fb(project, "original", who="[acme]")
    fb(project, "dup", who="[hush]", extra="duplicate_of: original\n")
    assert item(project.link(), "original").also_asked.other_segments == 1
    project.write("content/customers/third.yaml", "name: Third Clinic\nsegment: Healthcare\n")
    also = item(project.link(), "original").also_asked  # a third anonymous Healthcare member joined
    assert (also.anonymous, also.other_segments) == ([("Healthcare", 1)], 0)


# --- tags ---------------------------------------------------------------------------------------


def test_spellings_that_slugify_alike_are_one_tag_named_by_commonest(project):
    fb(project, "a", extra="tags: [Data export, UI]\n")
    fb(project, "b", extra="tags: [data-export]\n")
    fb(project, "c", extra="tags: [Data Export]\n")
    fb(project, "d", extra="tags: [Data Export]\n")
    model = project.link()
    by_slug = {t.slug: t for t in model.tags}
    assert set(by_slug) == {"data-export", "ui"}
    tag = by_slug["data-export"]
    assert tag.name == "Data Export"
    assert tag.url == "tags/data-export/index.html"
    assert sorted(i.record.slug for i in tag.feedback) == ["a", "b", "c", "d"]
    assert [t.slug for t in item(model, "a").tags] == ["data-export", "ui"]


def test_one_item_with_two_spellings_is_listed_once(project):
    fb(project, "a", extra="tags: [Exports, exports]\n")
    model = project.link()
    assert len(model.tags) == 1
    assert [i.record.slug for i in model.tags[0].feedback] == ["a"]
    assert len(item(model, "a").tags) == 1


def test_tag_name_tie_is_stable(project):
    fb(project, "a", extra="tags: [exports]\n")
    fb(project, "b", extra="tags: [Exports]\n")
    assert project.link().tags[0].name == "Exports"  # equal counts: the first in sort order


def test_tags_of_unpublished_items_have_no_page(project):
    fb(project, "a", extra="tags: [public-tag]\n")
    fb(project, "b", extra="tags: [secret-tag]\nvisibility: private\n")
    fb(project, "c", extra="tags: [draft-tag]\ndraft: true\n")
    assert [t.slug for t in project.link().tags] == ["public-tag"]
    assert [t.slug for t in project.link(drafts=True).tags] == ["draft-tag", "public-tag"]


def test_non_ascii_tag_gets_a_slug(project):
    fb(project, "a", extra="tags: [Café, 日本語]\n")
    slugs = [t.slug for t in project.link().tags]
    assert "cafe" in slugs
    assert any(s.startswith("t-") for s in slugs)
    assert all("/" not in s and "." not in s for s in slugs)


# --- statistics ---------------------------------------------------------------------------------


def test_statistics(project):
    fb(project, "a", "2026-01-01")
    fb(project, "b", "2026-01-01")
    fb(project, "c", "2026-01-01")
    fb(project, "d", "2026-01-01")
    fb(project, "e", "2026-01-01", extra="duplicate_of: d\n")
    dec(project, "a-yes", "[a]", "planned", "2026-01-11")      # answered after 10 days
    dec(project, "b-no", "[b]", "declined", "2026-01-31")      # answered after 30 days
    chg(project, "c-ship", "2026-02-10", "feedback: [c]\n")     # answered and shipped after 40 days
    dec(project, "d-no", "[d]", "declined", "2026-01-21")      # d and its duplicate e: 20 days
    stats = project.link().stats
    assert stats.heard == 5
    assert stats.answered == 5
    assert stats.shipped == 1
    assert stats.declined == 3  # b, d and its duplicate e
    assert stats.median_days_to_answer == 20  # [10, 30, 40, 20, 20]
    assert stats.median_days_to_ship == 40


def test_statistics_with_nothing_answered(project):
    fb(project, "a")
    stats = project.link().stats
    assert (stats.heard, stats.answered, stats.shipped, stats.declined) == (1, 0, 0, 0)
    assert stats.median_days_to_answer is None
    assert stats.median_days_to_ship is None


def test_statistics_exclude_private_and_draft(project):
    fb(project, "a")
    fb(project, "b", extra="visibility: private\n")
    fb(project, "c", extra="draft: true\n")
    dec(project, "no", "[b, c]", "declined", "2026-02-01")
    stats = project.link().stats
    assert (stats.heard, stats.answered, stats.declined) == (1, 0, 0)


def test_empty_project_links(project):
    model = project.link()
    assert model.feedback == [] and model.tags == [] and model.changes == []
    assert model.stats.heard == 0
    assert [c.record.slug for c in model.customers] == ["acme", "beta"]


# --- customers ----------------------------------------------------------------------------------


def test_only_named_customers_get_pages(project):
    fb(project, "a", who="[acme, globex, hush, initech, nosegment, beta]")
    model = project.link()
    assert [c.record.slug for c in model.customers] == ["acme", "beta"]  # sorted by name
    assert [c.url for c in model.customers] == ["customers/acme/index.html", "customers/beta/index.html"]


def test_customer_page_lists_raised_decided_and_shipped(project):
    fb(project, "asked", "2026-01-01", who="[acme]")
    fb(project, "also", "2026-01-05", who="[acme]")
    fb(project, "other", "2026-01-02", who="[beta]")
    fb(project, "dup", "2026-01-03", who="[beta]", extra="duplicate_of: asked\n")
    dec(project, "approve", "[asked]", "planned", "2026-02-01")
    chg(project, "release", "2026-03-01", "decisions: [approve]\n")
    model = project.link()
    acme = next(c for c in model.customers if c.record.slug == "acme")
    assert [i.record.slug for i in acme.raised] == ["also", "asked"]  # newest first
    assert [d.record.slug for d in acme.decided] == ["approve"]
    assert [c.record.slug for c in acme.shipped] == ["release"]
    beta = next(c for c in model.customers if c.record.slug == "beta")
    assert [i.record.slug for i in beta.raised] == ["dup", "other"]
    assert [d.record.slug for d in beta.decided] == ["approve"]  # through the duplicate
    assert [c.record.slug for c in beta.shipped] == ["release"]  # credited through the duplicate


def test_public_person_only_when_org_and_person_named(project):
    records, _ = project.check()
    assert [p.name for p in records.customers["acme"].public_people] == ["Ana Ruiz"]
    assert records.customers["hush"].public_people == ()  # person named, organisation anonymous
    assert records.customers["beta"].public_people == ()


def test_page_paths():
    assert page_path("feedback", "x") == "feedback/x/index.html"
    assert page_path("decision", "x") == "decisions/x/index.html"
    assert page_path("change", "x") == "changes/x/index.html"
    assert page_path("customer", "x") == "customers/x/index.html"
    assert page_path("tag", "x") == "tags/x/index.html"


def test_model_lists_are_newest_first(project):
    fb(project, "old", "2026-01-01")
    fb(project, "new", "2026-02-01")
    dec(project, "d-old", "[old]", "planned", "2026-01-05")
    dec(project, "d-new", "[new]", "planned", "2026-02-05")
    chg(project, "c-old", "2026-03-01", "feedback: [old]\n")
    chg(project, "c-new", "2026-04-01", "feedback: [new]\n")
    model = project.link()
    assert [i.record.slug for i in model.feedback] == ["new", "old"]
    assert [d.record.slug for d in model.decisions] == ["d-new", "d-old"]
    assert [c.record.slug for c in model.changes] == ["c-new", "c-old"]


def test_bodies_are_rendered_html(project):
    project.write("content/feedback/a.md", feedback(body="Some **bold** <script>alert(1)</script>\n"))
    dec(project, "no", "[a]", "declined", "2026-02-01")
    model = project.link()
    html = item(model, "a").body_html
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert model.decisions[0].workaround_html.strip() == "<p>Use exports.</p>"


def test_minimal_project_model(tmp_path):
    model = Project.minimal(tmp_path).link()
    assert item(model, "dark-mode").status == "shipped"
    assert item(model, "csv-export").status == "heard"
    assert names(model.changes[0].credit) == ["Acme Health"]
    assert [t.name for t in model.tags] == ["UI"]
