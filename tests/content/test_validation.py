"""Every key of every kind: required keys, types, choices, references and the decision rules."""

from __future__ import annotations

from datetime import date

import pytest

from portalgen.content.problems import Severity

try:  # tests/ as a plain folder on sys.path, or as a package
    from helpers_content import PORTAL, Project, change, decision, feedback, md, one
except ModuleNotFoundError:  # pragma: no cover
    from tests.helpers_content import PORTAL, Project, change, decision, feedback, md, one

FB = "content/feedback/dark-mode.md"
FB2 = "content/feedback/csv-export.md"
DEC = "content/decisions/dark-mode-planned.md"
CHG = "content/changes/dark-mode-shipped.md"
ACME = "content/customers/acme.yaml"
GLOBEX = "content/customers/globex.yaml"
PORTAL_PATH = "content/portal.yaml"


@pytest.fixture
def project(tmp_path):
    return Project.minimal(tmp_path)


def portal(**keys: str | None) -> str:
    """PORTAL with some keys replaced (value is the YAML text) or removed (None)."""
    lines = dict(line.split(": ", 1) for line in PORTAL.strip().splitlines())
    for key, value in keys.items():
        if value is None:
            lines.pop(key, None)
        else:
            lines[key] = value
    return "".join(f"{k}: {v}\n" for k, v in lines.items())


def line_of(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key}:"))


# --- portal.yaml ----------------------------------------------------------------------------


def test_portal_values_are_read(project):
    project.write(PORTAL_PATH, portal(credit_default="named", stale_after_days="45",
                                      base_url="https://feedback.example.com/sub"))
    records, problems = project.check()
    assert problems == []
    p = records.portal
    assert p.title == "Test portal — You said, we did"
    assert p.base_url == "https://feedback.example.com/sub/"  # a trailing slash is added
    assert p.description == "A portal for tests."
    assert p.product == "Testing"
    assert p.contact == "cab@example.com"
    assert p.language == "en"
    assert p.credit_default == "named"
    assert p.stale_after_days == 45


def test_portal_defaults(project):
    project.write(PORTAL_PATH, "title: Only a title\nbase_url: https://x.example/\n")
    records, problems = project.check()
    assert problems == []
    p = records.portal
    assert (p.language, p.credit_default, p.stale_after_days, p.anonymity_threshold) == ("en", "anonymous", 30, 3)
    assert (p.description, p.product, p.contact) == ("", "", "")


def test_portal_title_is_required(project):
    project.write(PORTAL_PATH, portal(title=None))
    p = one(project.errors(), "'title': is required", PORTAL_PATH)
    assert p.line is None
    assert "add 'title:'" in p.hint


@pytest.mark.parametrize(("value", "message"), [
    ("no", "YAML read this as the boolean false"),
    ("yes", "YAML read this as the boolean true"),
    ("[a, b]", "must be text, not a list"),
    ("{a: b}", "must be text, not a mapping"),
    ('""', "is empty"),
    ("'   '", "is empty"),
])
def test_portal_title_type(project, value, message):
    text = portal(title=value)
    project.write(PORTAL_PATH, text)
    p = one(project.errors(), f"'title': {message}", PORTAL_PATH)
    assert p.line == line_of(text, "title")
    assert p.hint


def test_boolean_title_hint_says_to_quote(project):
    project.write(PORTAL_PATH, portal(title="no"))
    assert one(project.errors(), "boolean false", PORTAL_PATH).hint == 'quote the text: title: "..."'


def test_numbers_are_accepted_as_text(project):
    project.write(PORTAL_PATH, portal(product="2026"))
    records, problems = project.check()
    assert problems == []
    assert records.portal.product == "2026"


@pytest.mark.parametrize("value", ["example.com", "ftp://example.com/", "//example.com/", "https://",
                                   "https://exa mple.com/", "[https://example.com/]"])
def test_base_url_must_be_absolute_http(project, value):
    text = portal(base_url=value)
    project.write(PORTAL_PATH, text)
    p = one(project.errors(), "'base_url':", PORTAL_PATH)
    assert "is not an absolute http(s) URL" in p.message
    assert p.line == line_of(text, "base_url")
    assert "https://example.com/" in p.hint


def test_missing_base_url_warns_about_sitemap(project):
    project.write(PORTAL_PATH, portal(base_url=None))
    problems = project.problems()
    p = one(problems, "no base_url", PORTAL_PATH)
    assert p.severity is Severity.WARNING
    assert "sitemap.xml is skipped" in p.message
    assert "add base_url:" in p.hint
    assert [x for x in problems if x.severity is Severity.ERROR] == []


@pytest.mark.parametrize("value", ["cab@example.com", "https://example.com/contact", "http://x.example"])
def test_contact_accepts_email_or_url(project, value):
    project.write(PORTAL_PATH, portal(contact=value))
    records, problems = project.check()
    assert problems == []
    assert records.portal.contact == value


@pytest.mark.parametrize("value", ["call us", "cab@", "'@example.com'", "cab at example.com", "42"])
def test_contact_rejects_other_text(project, value):
    text = portal(contact=value)
    project.write(PORTAL_PATH, text)
    p = one(project.errors(), "'contact':", PORTAL_PATH)
    assert p.line == line_of(text, "contact")
    assert "https://example.com/" in p.hint


@pytest.mark.parametrize("value", ["en", "de", "en-GB", "pt-BR", "zh-Hant-TW", "fil"])
def test_language_accepts_bcp47(project, value):
    project.write(PORTAL_PATH, portal(language=value))
    records, problems = project.check()
    assert problems == []
    assert records.portal.language == value


@pytest.mark.parametrize("value", ["english", "en_GB", "e", "en-", "'en GB'", "1"])
def test_language_rejects_non_bcp47(project, value):
    text = portal(language=value)
    project.write(PORTAL_PATH, text)
    p = one(project.errors(), "is not a BCP 47 language tag", PORTAL_PATH)
    assert p.line == line_of(text, "language")
    assert "en-GB" in p.hint


@pytest.mark.parametrize("value", ["1", "30", "365"])
def test_stale_after_days_accepts_positive_whole_numbers(project, value):
    project.write(PORTAL_PATH, portal(stale_after_days=value))
    records, problems = project.check()
    assert problems == []
    assert records.portal.stale_after_days == int(value)


@pytest.mark.parametrize("value", ["0", "-5", "'30'", "30.5", "true", "thirty", "100000"])
def test_stale_after_days_rejects_others(project, value):
    text = portal(stale_after_days=value)
    project.write(PORTAL_PATH, text)
    p = one(project.errors(), "'stale_after_days':", PORTAL_PATH)
    assert "is not a positive whole number of days" in p.message
    assert p.line == line_of(text, "stale_after_days")
    assert p.hint == "e.g. stale_after_days: 30"


@pytest.mark.parametrize("value", ["1", "3", "250"])
def test_anonymity_threshold_accepts_whole_numbers_from_one(project, value):
    project.write(PORTAL_PATH, portal(anonymity_threshold=value))
    records, problems = project.check()
    assert problems == []
    assert records.portal.anonymity_threshold == int(value)


@pytest.mark.parametrize("value", ["0", "-3", "'3'", "2.5", "true", "three", "[3]"])
def test_anonymity_threshold_rejects_others(project, value):
    text = portal(anonymity_threshold=value)
    project.write(PORTAL_PATH, text)
    p = one(project.errors(), "'anonymity_threshold':", PORTAL_PATH)
    assert p.message.endswith("is not a whole number of at least 1"), p.message
    assert p.line == line_of(text, "anonymity_threshold")
    assert p.hint.startswith("write a whole number, e.g. anonymity_threshold: 3 (")
    assert "customers in other segments" in p.hint
    assert p.format().startswith(f"{PORTAL_PATH}:{p.line}: error: 'anonymity_threshold': ")


@pytest.mark.parametrize(("value", "guess"), [("name", "named"), ("anonymus", "anonymous"),
                                              ("Named", "named"), ("public", "")])
def test_credit_default_choice(project, value, guess):
    project.write(PORTAL_PATH, portal(credit_default=value))
    p = one(project.errors(), f"'credit_default': '{value}' is not allowed", PORTAL_PATH)
    assert "one of: named, anonymous" in p.hint
    if guess:
        assert f"did you mean '{guess}'?" in p.hint
    else:
        assert "did you mean" not in p.hint


def test_unknown_portal_key_warns_with_suggestion(project):
    text = portal() + "descripton: typo\n"
    project.write(PORTAL_PATH, text)
    p = one(project.problems(), "unknown key 'descripton'", PORTAL_PATH)
    assert p.severity is Severity.WARNING
    assert p.line == line_of(text, "descripton")
    assert "did you mean 'description'?" in p.hint
    assert "known keys: title, base_url" in p.hint


def test_unknown_key_far_from_any_has_no_suggestion(project):
    project.write(PORTAL_PATH, portal() + "zzzzzz: 1\n")
    p = one(project.warnings(), "unknown key 'zzzzzz'", PORTAL_PATH)
    assert "did you mean" not in p.hint
    assert p.hint.startswith("known keys:")


def test_credit_default_named_applies_to_customers_without_credit(project):
    project.write(PORTAL_PATH, portal(credit_default="named"))
    records, _ = project.check()
    assert records.customers["globex"].credit == "named"
    assert records.customers["acme"].credit == "named"


# --- customers ----------------------------------------------------------------------------


def test_customer_values_are_read(project):
    records, problems = project.check()
    assert problems == []
    acme = records.customers["acme"]
    assert (acme.name, acme.segment, acme.credit, acme.url) == (
        "Acme Health", "Healthcare", "named", "https://acme.example/")
    assert acme.joined == date(2025, 6, 1)
    assert acme.people[0].name == "Ana Ruiz"
    globex = records.customers["globex"]
    assert globex.credit == "anonymous"  # credit_default is anonymous unless portal.yaml says named
    assert (globex.url, globex.joined, globex.people) == ("", None, ())


def test_customer_name_is_required(project):
    project.write(GLOBEX, "segment: Retail\n")
    p = one(project.errors(), "'name': is required", GLOBEX)
    assert "organisation name" in p.hint


def test_customer_name_of_wrong_type(project):
    project.write(GLOBEX, "name: [Globex]\n")
    p = one(project.errors(), "'name': must be text, not a list", GLOBEX)
    assert p.line == 1


@pytest.mark.parametrize(("value", "guess"), [("Named", "named"), ("anon", "anonymous"), ("nmaed", "named"),
                                              ("yes", "")])
def test_customer_credit_choice(project, value, guess):
    project.write(GLOBEX, f"name: Globex\ncredit: {value}\n")
    p = one(project.errors(), "'credit':", GLOBEX)
    assert "is not allowed" in p.message
    assert p.line == 2
    assert "one of: named, anonymous" in p.hint
    assert (f"did you mean '{guess}'?" in p.hint) if guess else ("did you mean" not in p.hint)


@pytest.mark.parametrize("value", ["acme.example", "www.acme.example", "mailto:x@acme.example"])
def test_customer_url_must_be_absolute(project, value):
    project.write(GLOBEX, f"name: Globex\nurl: {value}\n")
    p = one(project.errors(), "'url':", GLOBEX)
    assert "is not an absolute http(s) URL" in p.message
    assert p.line == 2


@pytest.mark.parametrize("value", ["2026/01/01", "01-02-2026", "March 2026", "20260101", "'2026-1-5'",
                                   "2026-1-5", "true", "[2026-01-01]"])
def test_customer_joined_must_be_iso_date(project, value):
    project.write(GLOBEX, f"name: Globex\njoined: {value}\n")
    p = one(project.errors(), "'joined':", GLOBEX)
    assert "is not a date" in p.message
    assert p.line == 2
    assert "YYYY-MM-DD" in p.hint


def test_customer_unknown_key_with_suggestion(project):
    project.write(GLOBEX, "name: Globex\nsegmnt: Retail\n")
    p = one(project.warnings(), "unknown key 'segmnt'", GLOBEX)
    assert p.line == 2
    assert "did you mean 'segment'?" in p.hint


def test_customer_private_is_accepted_and_never_kept(project):
    project.write(GLOBEX, "name: Globex\nprivate:\n  notes: churn risk\n  arr: 120000\n")
    records, problems = project.check()
    assert problems == []
    assert "churn" not in repr(records.customers["globex"])


def test_people_are_read_with_credit_defaulting_to_anonymous(project):
    project.write(PORTAL_PATH, portal(credit_default="named"))
    project.write(ACME, "name: Acme\ncredit: named\npeople:\n  - {name: Ana, role: CTO, credit: named}\n"
                        "  - {name: Bo}\n  - name: Cy\n    credit: anonymous\n")
    records, problems = project.check()
    assert problems == []
    people = records.customers["acme"].people
    assert [(p.name, p.role, p.credit) for p in people] == [
        ("Ana", "CTO", "named"), ("Bo", "", "anonymous"), ("Cy", "", "anonymous")]


def test_a_person_is_public_only_when_both_named(project):
    people = "people:\n  - {name: Ana, credit: named}\n  - {name: Bo, credit: anonymous}\n  - {name: Cy}\n"
    project.write(ACME, "name: Acme\ncredit: named\n" + people)
    project.write(GLOBEX, "name: Globex\ncredit: anonymous\n" + people)
    records, _ = project.check()
    assert [p.name for p in records.customers["acme"].public_people] == ["Ana"]
    assert records.customers["globex"].public_people == ()


def test_a_person_with_a_number_for_a_key_is_a_problem_not_a_crash(project):
    # Found by hypothesis (test_any_front_matter_values_load_or_give_clean_problems): a key YAML
    # reads as a number made the did-you-mean hint crash with a traceback.
    project.write(ACME, "name: Acme\npeople:\n  - {5530624: false}\n  - {name: Ana, 12: x}\n")
    records, problems = project.check()
    unknown = [p.message for p in problems if "unknown key" in p.message]
    assert unknown == ["unknown key 'people[1].5530624'", "unknown key 'people[2].12'"]
    assert [p.name for p in records.customers["acme"].people] == ["Ana"]


def test_people_must_be_a_list(project):
    project.write(ACME, "name: Acme\npeople: Ana Ruiz\n")
    p = one(project.errors(), "'people': must be a list, not a text", ACME)
    assert p.line == 2
    assert "people: [{name:" in p.hint


def test_people_entries_are_checked(project):
    project.write(ACME, "name: Acme\npeople:\n  - {name: Ana, email: ana@acme.example, credit: nmaed}\n"
                        "  - Bob\n  - {role: CTO}\n  - {name: [x]}\n")
    problems = project.problems()
    unknown = one(problems, "unknown key 'people[1].email'", ACME)
    assert unknown.severity is Severity.WARNING
    assert "known keys: name, role, credit" in unknown.hint
    assert one(problems, "'people[1].credit': 'nmaed' is not allowed", ACME).hint.startswith(
        "did you mean 'named'?")
    assert one(problems, "'people[2].name': must be a mapping, not a text", ACME)
    assert one(problems, "'people[3].name': is required", ACME)
    assert one(problems, "'people[4].name': must be text, not a list", ACME)
    assert {p.line for p in problems if p.path == ACME} == {2}  # the line of 'people:'


def test_person_with_unknown_key_suggests_close_key(project):
    project.write(ACME, "name: Acme\npeople:\n  - {name: Ana, rol: CTO}\n")
    assert "did you mean 'role'?" in one(project.warnings(), "unknown key 'people[1].rol'", ACME).hint


# --- feedback -----------------------------------------------------------------------------


def test_feedback_values_are_read(project):
    project.write(FB, feedback(extra="source: CAB meeting 2026-Q1\ntags: [UI, Accessibility, 2026]\n"
                                     "quote: 'My eyes!'\nprivate: internal\n", body="Body text.\n"))
    records, problems = project.check()
    assert problems == []
    fb = records.feedback["dark-mode"]
    assert (fb.title, fb.date, fb.customers, fb.source) == (
        "Dark mode", date(2026, 1, 10), ("acme",), "CAB meeting 2026-Q1")
    assert fb.tags == ("UI", "Accessibility", "2026")
    assert fb.quote == "My eyes!"
    assert (fb.duplicate_of, fb.draft, fb.public) == ("", False, True)
    assert fb.body == "Body text."
    assert "internal" not in repr(fb)


@pytest.mark.parametrize("key", ["title", "date", "from"])
def test_feedback_required_keys(project, key):
    text = feedback()
    project.write(FB, "\n".join(line for line in text.splitlines() if not line.startswith(f"{key}:")))
    p = one(project.errors(), f"'{key}': is required", FB)
    assert p.severity is Severity.ERROR
    assert p.line is None
    assert f"add '{key}:'" in p.hint
    assert "dark-mode" not in project.check()[0].feedback


def test_feedback_required_key_with_empty_value(project):
    project.write(FB, feedback(title=""))
    assert one(project.errors(), "'title': is required", FB)


def test_feedback_text_read_as_boolean(project):
    project.write(FB, feedback(title="no"))
    p = one(project.errors(), "'title': YAML read this as the boolean false", FB)
    assert p.line == 2
    assert p.format() == (f'{FB}:2: error: \'title\': YAML read this as the boolean false'
                          f' — fix: quote the text: title: "..."')


@pytest.mark.parametrize("value", ["10/01/2026", "2026/01/10", "'10 January 2026'", "20260110",
                                   "2026-1-10", "'2026-01-10T00:00:00x'", "yes", "[2026-01-10]"])
def test_feedback_date_in_bad_format(project, value):
    project.write(FB, feedback(when=value))
    p = one(project.errors(), "'date':", FB)
    assert "is not a date" in p.message
    assert p.line == 3
    assert p.hint == "write it as YYYY-MM-DD, e.g. 2026-03-31"


@pytest.mark.parametrize("value", ["2026-01-10", "'2026-01-10'", '"2026-01-10"', "2026-01-10 09:30:00"])
def test_feedback_date_accepted_forms(project, value):
    project.write(FB, feedback(when=value))
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].date == date(2026, 1, 10)


def test_from_accepts_a_single_slug_as_text(project):
    project.write(FB, feedback(who="acme"))
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].customers == ("acme",)


def test_from_must_list_at_least_one(project):
    project.write(FB, feedback(who="[]"))
    p = one(project.errors(), "'from': must list at least one", FB)
    assert p.line == 4


@pytest.mark.parametrize("value", ["[Acme]", "[acme health]", "[1]", "[{a: b}]"])
def test_from_entries_must_be_slugs(project, value):
    project.write(FB, feedback(who=value))
    errors = project.errors()
    p = one(errors, "is not a slug", FB)
    assert p.line == 4
    assert "record file names without extension" in p.hint
    assert one(errors, "'from': must list at least one customer", FB)


def test_from_must_be_a_list(project):
    project.write(FB, feedback(who="{acme: yes}"))
    p = one(project.errors(), "'from': must be a list of slugs, not a mapping", FB)
    assert p.hint == "write from: [first-slug, second-slug]"


def test_unquoted_yes_in_a_slug_list_is_an_error_on_that_line(project):
    # YAML 1.1 reads yes/no/on/off as booleans; a record called yes.md must be quoted.
    project.write("content/decisions/yes.md", decision(title="'Yes'"))
    project.write(CHG, change(extra="decisions: [yes]\n"))
    p = one(project.errors(), "'decisions': true is not a slug", CHG)
    assert p.line == 4
    project.write(CHG, change(extra="decisions: ['yes']\n"))
    assert project.problems() == []


def test_repeated_slug_in_list_warns(project):
    project.write(FB, feedback(who="[acme, globex, acme]"))
    records, problems = project.check()
    p = one(problems, "'from' lists 'acme' twice", FB)
    assert p.severity is Severity.WARNING
    assert records.feedback["dark-mode"].customers == ("acme", "globex")


def test_tags_must_be_a_list(project):
    project.write(FB, feedback(extra="tags: exports\n"))
    p = one(project.errors(), "'tags': must be a list", FB)
    assert p.line == 5
    assert p.hint == "write tags: [exports]"


@pytest.mark.parametrize(("value", "message"), [
    ("{a: b}", "must be a list of text, not a mapping"),
    ("[[a]]", "[a] is not a tag"),  # values are shown as YAML writes them, not as Python prints them
    ("['']", "'' is not a tag"),
    ("[true]", "true is not a tag"),
    ("[" + "x" * 61 + "]", "is longer than 60 characters"),
])
def test_bad_tags(project, value, message):
    project.write(FB, feedback(extra=f"tags: {value}\n"))
    assert one(project.errors(), message, FB).line == 5


def test_tags_are_tidied(project):
    project.write(FB, feedback(extra="tags: ['  Data   export ', Data export, 42]\n"))
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].tags == ("Data export", "42")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("source", "[a, b]", "'source': must be text, not a list"),
    ("quote", "{a: b}", "'quote': must be text, not a mapping"),
    ("quote", "no", "'quote': YAML read this as the boolean false"),
])
def test_feedback_optional_text_types(project, key, value, message):
    project.write(FB, feedback(extra=f"{key}: {value}\n"))
    assert one(project.errors(), message, FB).line == 5


@pytest.mark.parametrize("value", ["'true'", '"false"', "1", "0", "draft", "[true]"])
def test_draft_must_be_boolean(project, value):
    project.write(FB, feedback(extra=f"draft: {value}\n"))
    p = one(project.errors(), "'draft': must be true or false", FB)
    assert p.line == 5
    assert p.hint == "write draft: true"


@pytest.mark.parametrize(("value", "draft"), [("true", True), ("false", False), ("yes", True), ("no", False)])
def test_draft_booleans(project, value, draft):
    project.write(FB, feedback(extra=f"draft: {value}\n"))
    records, problems = project.check()
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    assert records.feedback["dark-mode"].draft is draft


@pytest.mark.parametrize(("value", "guess"), [("privat", "private"), ("Public", "public"),
                                              ("hidden", ""), ("true", "")])
def test_visibility_choice(project, value, guess):
    project.write(FB, feedback(extra=f"visibility: {value}\n"))
    p = one(project.errors(), "'visibility':", FB)
    assert "is not allowed" in p.message
    assert p.line == 5
    assert "one of: public, private" in p.hint
    assert (f"did you mean '{guess}'?" in p.hint) if guess else ("did you mean" not in p.hint)


def test_visibility_private(project):
    project.write(FB, feedback(extra="visibility: private\n"))
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].public is False


@pytest.mark.parametrize(("key", "guess"), [("tag", "tags"), ("titel", "title"), ("duplicate", "duplicate_of"),
                                            ("qoute", "quote"), ("form", "from")])
def test_feedback_unknown_key_did_you_mean(project, key, guess):
    project.write(FB, feedback(extra=f"{key}: x\n"))
    problems = project.problems()
    p = one(problems, f"unknown key '{key}'", FB)
    assert p.severity is Severity.WARNING
    assert p.line == 5
    assert f"did you mean '{guess}'?" in p.hint


# --- references -----------------------------------------------------------------------------


def test_unknown_customer_in_from(project):
    project.write(FB, feedback(who="[acme, globx]"))
    p = one(project.errors(), "'from': no customer 'globx'", FB)
    assert p.line == 4
    assert "did you mean 'globex'?" in p.hint
    assert "create content/customers/globx.yaml or fix the slug" in p.hint


def test_unknown_customer_without_close_match(project):
    project.write(FB, feedback(who="[zzz]"))
    p = one(project.errors(), "'from': no customer 'zzz'", FB)
    assert "did you mean" not in p.hint


def test_unknown_feedback_in_decision(project):
    project.write(DEC, decision(fb="[dark-mod]"))
    p = one(project.errors(), "'feedback': no feedback 'dark-mod'", DEC)
    assert p.line == 4
    assert "did you mean 'dark-mode'?" in p.hint
    assert "create content/feedback/dark-mod.md" in p.hint


def test_unknown_decision_and_feedback_in_change(project):
    project.write(CHG, change(extra="decisions: [dark-mode-plan]\nfeedback: [csv-exports]\n"))
    errors = project.errors()
    d = one(errors, "'decisions': no decision 'dark-mode-plan'", CHG)
    assert d.line == 4
    assert "did you mean 'dark-mode-planned'?" in d.hint
    assert "create content/decisions/dark-mode-plan.md" in d.hint
    f = one(errors, "'feedback': no feedback 'csv-exports'", CHG)
    assert f.line == 5
    assert "did you mean 'csv-export'?" in f.hint


def test_unknown_duplicate_of(project):
    project.write(FB2, feedback("CSV export", "2026-01-20", "[globex]", extra="duplicate_of: darkmode\n"))
    p = one(project.errors(), "'duplicate_of': no feedback 'darkmode'", FB2)
    assert p.line == 5
    assert "did you mean 'dark-mode'?" in p.hint


def test_duplicate_of_must_be_a_slug(project):
    project.write(FB2, feedback("CSV export", "2026-01-20", "[globex]", extra="duplicate_of: [dark-mode]\n"))
    p = one(project.errors(), "'duplicate_of':", FB2)
    assert "is not a slug" in p.message
    assert "e.g. dark-mode" in p.hint


def test_reference_to_a_customer_record_with_errors_is_not_also_unknown(project):
    project.write(GLOBEX, "segment: Retail\n")  # name missing
    problems = project.problems()
    assert one(problems, "'name': is required", GLOBEX)
    assert not [p for p in problems if "no customer" in p.message]


def test_duplicate_of_self(project):
    project.write(FB, feedback(extra="duplicate_of: dark-mode\n"))
    p = one(project.errors(), "cannot be a duplicate of itself", FB)
    assert p.line == 5
    assert "remove duplicate_of" in p.hint


def test_duplicate_of_cycle(project):
    project.write(FB, feedback(extra="duplicate_of: csv-export\n"))
    project.write(FB2, feedback("CSV export", "2026-01-20", "[globex]", extra="duplicate_of: dark-mode\n"))
    p = one(project.errors(), "goes round in a circle", None)
    assert p.path in (FB, FB2)
    assert p.line == 5
    assert "csv-export → dark-mode → csv-export" in p.message or \
        "dark-mode → csv-export → dark-mode" in p.message
    assert "one item must be the original" in p.hint


def test_duplicate_of_longer_cycle_reported_once(project):
    project.write("content/feedback/a.md", feedback("A", extra="duplicate_of: b\n"))
    project.write("content/feedback/b.md", feedback("B", extra="duplicate_of: c\n"))
    project.write("content/feedback/c.md", feedback("C", extra="duplicate_of: a\n"))
    project.write("content/feedback/d.md", feedback("D", extra="duplicate_of: a\n"))
    p = one(project.errors(), "goes round in a circle")
    assert "a → b → c → a" in p.message


def test_duplicate_chain_without_cycle_is_fine(project):
    project.write("content/feedback/a.md", feedback("A", extra="duplicate_of: b\n"))
    project.write("content/feedback/b.md", feedback("B", extra="duplicate_of: dark-mode\n"))
    assert project.problems() == []


def test_public_duplicate_of_a_draft_warns(project):
    project.write(FB, feedback(extra="draft: true\n"))
    project.write(FB2, feedback("CSV export", "2026-01-20", "[globex]", extra="duplicate_of: dark-mode\n"))
    p = one(project.problems(), "is a draft", FB2)
    assert p.severity is Severity.WARNING
    assert p.message == "'duplicate_of': feedback 'dark-mode' is a draft; the link is hidden until it is published"
    assert p.hint == f"publish {FB} or remove the reference"


def test_draft_duplicate_of_a_draft_does_not_warn(project):
    project.write(FB, feedback(extra="draft: true\n"))
    project.write(FB2, feedback("CSV export", "2026-01-20", "[globex]",
                                extra="duplicate_of: dark-mode\ndraft: true\n"))
    assert not [p for p in project.problems() if "is a draft" in p.message and p.path == FB2]


def test_public_decision_about_a_draft_warns(project):
    project.write(FB, feedback(extra="draft: true\n"))
    p = one(project.problems(), "is a draft", DEC)
    assert p.severity is Severity.WARNING
    assert p.line == 4
    assert p.message == "'feedback': feedback 'dark-mode' is a draft; the link is hidden until it is published"
    assert p.hint == f"publish {FB} or remove the reference"


def test_public_change_about_a_draft_decision_or_feedback_warns(project):
    project.write(DEC, decision(extra="draft: true\n"))
    project.write(FB2, feedback("CSV export", "2026-01-20", "[globex]", extra="draft: true\n"))
    project.write(CHG, change(extra="decisions: [dark-mode-planned]\nfeedback: [csv-export]\n"))
    problems = project.problems()
    assert one(problems, "'decisions': decision 'dark-mode-planned' is a draft", CHG).line == 4
    assert one(problems, "'feedback': feedback 'csv-export' is a draft", CHG).line == 5


@pytest.mark.parametrize("source", ["draft: true", "visibility: private"])
def test_unpublished_record_may_refer_to_drafts(project, source):
    project.write(FB, feedback(extra="draft: true\n"))
    project.write(DEC, decision(extra=f"{source}\n"))
    project.write(CHG, change(extra=f"decisions: [dark-mode-planned]\n{source}\n"))
    assert project.problems() == []


def test_reference_to_a_private_record_does_not_warn(project):
    # a private target is never linked, so there is nothing to warn about
    project.write(FB, feedback(extra="visibility: private\n"))
    assert project.problems() == []


def test_duplicate_slugs_across_sub_folders(project):
    project.write("content/feedback/2025/csv-export.md", feedback("CSV export again", "2025-12-01", "[acme]"))
    p = one(project.errors(), "feedback slug 'csv-export' is also used by", None)
    paths = {p.path, p.message.rsplit(" ", 1)[-1]}
    assert paths == {"content/feedback/2025/csv-export.md", FB2}
    assert "slugs are unique within a kind" in p.hint


def test_same_slug_in_different_kinds_is_fine(project):
    project.write("content/decisions/dark-mode.md", decision())
    project.write("content/changes/dark-mode.md", change())
    project.write("content/customers/dark-mode.yaml", "name: Dark Mode Inc\n")
    assert project.problems() == []


# --- decisions ----------------------------------------------------------------------------


def test_decision_values_are_read(project):
    project.write(DEC, decision(outcome="deferred", extra="priority: could\nrevisit: 2026-09-01\n"
                                                          "workaround: Use the **high-contrast** theme.\n",
                                body="Not this quarter.\n"))
    records, problems = project.check()
    assert problems == []
    d = records.decisions["dark-mode-planned"]
    assert (d.title, d.date, d.feedback, d.outcome, d.priority) == (
        "Dark mode", date(2026, 2, 1), ("dark-mode",), "deferred", "could")
    assert d.workaround == "Use the **high-contrast** theme."
    assert d.revisit == date(2026, 9, 1)
    assert d.body == "Not this quarter."


@pytest.mark.parametrize("key", ["title", "date", "feedback", "outcome"])
def test_decision_required_keys(project, key):
    text = decision()
    project.write(DEC, "\n".join(line for line in text.splitlines() if not line.startswith(f"{key}:")))
    p = one(project.errors(), f"'{key}': is required", DEC)
    assert f"add '{key}:'" in p.hint
    assert "dark-mode-planned" not in project.check()[0].decisions


def test_decision_feedback_must_list_one(project):
    project.write(DEC, decision(fb="[]"))
    assert one(project.errors(), "'feedback': must list at least one slug", DEC).line == 4


def test_decision_feedback_as_text_is_one_slug(project):
    project.write(DEC, decision(fb="dark-mode"))
    records, problems = project.check()
    assert problems == []
    assert records.decisions["dark-mode-planned"].feedback == ("dark-mode",)


@pytest.mark.parametrize("outcome", ["under-review", "planned", "in-progress", "already-available"])
def test_outcomes_accepted(project, outcome):
    project.write(DEC, decision(outcome=outcome))
    records, problems = project.check()
    assert problems == []
    assert records.decisions["dark-mode-planned"].outcome == outcome


@pytest.mark.parametrize(("value", "guess"), [("declind", "declined"), ("Planned", "planned"),
                                              ("in progress", "in-progress"), ("under_review", "under-review"),
                                              ("defered", "deferred"), ("already available", "already-available"),
                                              ("maybe", "")])
def test_outcome_did_you_mean(project, value, guess):
    project.write(DEC, decision(outcome=value))
    p = one(project.errors(), "'outcome':", DEC)
    assert f"'{value}' is not allowed" in p.message
    assert p.line == 5
    assert "one of: under-review, planned, in-progress, declined, deferred, already-available" in p.hint
    assert (f"did you mean '{guess}'?" in p.hint) if guess else ("did you mean" not in p.hint)


@pytest.mark.parametrize(("value", "guess"), [("should-have", "should"), ("Must", "must"), ("won't", "wont"),
                                              ("high", "")])
def test_priority_did_you_mean(project, value, guess):
    project.write(DEC, decision(extra=f"priority: \"{value}\"\n"))
    p = one(project.errors(), "'priority':", DEC)
    assert p.line == 6
    assert "one of: must, should, could, wont" in p.hint
    assert (f"did you mean '{guess}'?" in p.hint) if guess else ("did you mean" not in p.hint)


def test_revisit_must_be_a_date(project):
    project.write(DEC, decision(outcome="deferred", extra="revisit: next quarter\n", body="Later.\n"))
    p = one(project.errors(), "'revisit': 'next quarter' is not a date", DEC)
    assert p.line == 6


def test_workaround_must_be_text(project):
    project.write(DEC, decision(extra="workaround: [a, b]\n"))
    assert one(project.errors(), "'workaround': must be text, not a list", DEC).line == 6


@pytest.mark.parametrize("outcome", ["declined", "deferred"])
@pytest.mark.parametrize("body", ["", "\n\n   \n", "<!-- TODO: write why -->\n", "<!--\nmulti\nline\n-->\n\n"])
def test_no_without_reason_is_an_error(project, outcome, body):
    project.write(DEC, decision(outcome=outcome, extra="workaround: x\nrevisit: 2026-09-01\n", body=body))
    p = one(project.errors(), f"a {outcome} decision needs its reasoning in the body", DEC)
    assert p.line == 8  # the closing '---', right above where the reasoning goes
    assert "write below the front matter why we said" in p.hint
    assert "a No is never published without its reason" in p.hint


def test_declined_hint_says_no_and_deferred_says_not_now(project):
    project.write(DEC, decision(outcome="declined", extra="workaround: x\n", body=""))
    assert "why we said no" in one(project.errors(), "reasoning", DEC).hint
    project.write(DEC, decision(outcome="deferred", extra="revisit: 2026-09-01\n", body=""))
    assert "why we said not now" in one(project.errors(), "reasoning", DEC).hint


@pytest.mark.parametrize("outcome", ["declined", "deferred"])
def test_no_with_reason_is_fine(project, outcome):
    project.write(DEC, decision(outcome=outcome, extra="workaround: x\nrevisit: 2026-09-01\n",
                                body="<!-- note -->\nIt would slow every page down.\n"))
    assert project.problems() == []


def test_already_available_needs_a_body(project):
    # The spec makes the body REQUIRED only for declined and deferred; an empty
    # already-available body is reported as a warning (an error with --strict).
    project.write(DEC, decision(outcome="already-available", body="<!-- how? -->\n"))
    p = one(project.problems(), "an already-available decision needs a body saying how to do it today", DEC)
    assert p.severity is Severity.WARNING
    assert "describe the steps" in p.hint
    project.write(DEC, decision(outcome="already-available", body="Use Settings → Theme.\n"))
    assert project.problems() == []


def test_deferred_without_revisit_warns(project):
    project.write(DEC, decision(outcome="deferred", body="Not now.\n"))
    problems = project.problems()
    p = one(problems, "a deferred decision has no 'revisit' date", DEC)
    assert p.severity is Severity.WARNING
    assert p.line == 5
    assert "add revisit: YYYY-MM-DD" in p.hint
    assert [x for x in problems if x.severity is Severity.ERROR] == []


def test_declined_without_workaround_warns(project):
    project.write(DEC, decision(outcome="declined", body="No, because.\n"))
    p = one(project.problems(), "a declined decision has no 'workaround'", DEC)
    assert p.severity is Severity.WARNING
    assert p.line == 5
    assert "add workaround:" in p.hint


@pytest.mark.parametrize("outcome", ["planned", "under-review", "in-progress"])
def test_other_outcomes_may_have_empty_body(project, outcome):
    project.write(DEC, decision(outcome=outcome, body=""))
    assert project.problems() == []


def test_decision_unknown_key(project):
    project.write(DEC, decision(extra="revist: 2026-09-01\n"))
    assert "did you mean 'revisit'?" in one(project.warnings(), "unknown key 'revist'", DEC).hint


# --- changes ----------------------------------------------------------------------------------


def test_change_values_are_read(project):
    project.write(CHG, change(extra="version: '2.10'\ndecisions: [dark-mode-planned]\nfeedback: [csv-export]\n"))
    records, problems = project.check()
    assert problems == []
    c = records.changes["dark-mode-shipped"]
    assert (c.title, c.date, c.version) == ("Dark mode shipped", date(2026, 3, 1), "2.10")
    assert (c.decisions, c.feedback) == (("dark-mode-planned",), ("csv-export",))


@pytest.mark.parametrize("key", ["title", "date"])
def test_change_required_keys(project, key):
    text = change()
    project.write(CHG, "\n".join(line for line in text.splitlines() if not line.startswith(f"{key}:")))
    assert one(project.errors(), f"'{key}': is required", CHG)


def test_change_without_references_is_fine(project):
    project.write(CHG, change())
    records, problems = project.check()
    assert problems == []
    assert records.changes["dark-mode-shipped"].decisions == ()


def test_change_references_must_be_lists_of_slugs(project):
    project.write(CHG, change(extra="decisions: {a: b}\nfeedback: [Dark Mode]\n"))
    errors = project.errors()
    assert one(errors, "'decisions': must be a list of slugs, not a mapping", CHG).line == 4
    assert one(errors, "'feedback': 'Dark Mode' is not a slug", CHG).line == 5


def test_change_publishing_keys(project):
    project.write(CHG, change(extra="draft: true\nvisibility: private\nprivate: secret roadmap\n"))
    records, problems = project.check()
    assert problems == []
    c = records.changes["dark-mode-shipped"]
    assert (c.draft, c.public) == (True, False)


def test_change_unknown_key(project):
    project.write(CHG, change(extra="decision: [dark-mode-planned]\n"))
    p = one(project.warnings(), "unknown key 'decision'", CHG)
    assert "did you mean 'decisions'?" in p.hint


# --- all problems in one run -----------------------------------------------------------------


def test_every_broken_file_is_reported_in_one_run(project):
    project.write(FB, feedback(title="no"))
    project.write(FB2, "no front matter at all\n")
    project.write(DEC, decision(outcome="declined", extra="workaround: x\n", body=""))
    project.write(CHG, change(extra="decisions: [nope]\n"))
    project.write(ACME, "name: Acme\ncredit: maybe\n")
    project.write("content/feedback/Bad Name.md", feedback("Bad"))
    project.write("content/feedback/dup.md", feedback("Dup", extra="title: Again\n"))
    errors = project.errors()
    assert len(errors) >= 7
    assert {p.path for p in errors} >= {FB, FB2, DEC, CHG, ACME, "content/feedback/Bad Name.md",
                                        "content/feedback/dup.md"}


def test_several_problems_in_one_file_are_all_reported(project):
    project.write(FB, feedback(title="no", when="yesterday", who="[nobody]",
                               extra="visibility: secret\ndraft: maybe\ntagz: [x]\n"))
    problems = [p for p in project.problems() if p.path == FB]
    messages = " | ".join(p.message for p in problems)
    for piece in ("'title'", "'date'", "'visibility'", "'draft'", "unknown key 'tagz'"):
        assert piece in messages
    assert len(problems) >= 5


def test_markdown_record_for_customer_reports_lines_after_front_matter(project):
    project.remove(GLOBEX)
    project.write("content/customers/globex.md", md("name: Globex\ncredit: maybe", "About Globex.\n"))
    assert one(project.errors(), "'credit': 'maybe' is not allowed", "content/customers/globex.md").line == 3
