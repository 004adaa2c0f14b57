"""Newsletter forms described in site_config.toml (`[forms.<name>]`): the schema and its errors,
how a described form reads an issue, that configured forms are asked first, that wrappers (an email
export) hand their body to them, and that ingest uses them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from newsarchive.config import ConfigError, load_config
from newsarchive.diagnostics import Diagnostics
from newsarchive.formats import choose, forms_from_config, markdown_post, parse_text
from newsarchive.formats.described import DescribedForm, FormSpec
from newsarchive.ingest import read_and_plan

CONFIG = r"""
[forms.relay]
newsletter = "Relay"
recognise = ['^RELAY WEEKLY$', '^=> ']
separator = '^-{3,}$'
headline = '^=>\s*(?P<title>.+)$'
section = '^\[(?P<title>[A-Z ]+)\]$'
number = '^No\. (?P<number>\d+)$'
date = '^(?P<date>\d{4}-\d{2}-\d{2})$'
subheads = ['^Why:']

[[forms.relay.drop]]
rule = "masthead"
pattern = '^RELAY WEEKLY$'

[[forms.relay.drop]]
rule = "ad"
pattern = '^AD:'
scope = "block"

[[forms.relay.drop]]
rule = "footer"
pattern = '^--$'
scope = "section"
"""

TEXT = """\
RELAY WEEKLY
No. 12
2026-01-19

Hello.

[RESEARCH]

=> Models read maps
Text A.
Why: Maps are hard.

AD: Buy things
and more things.

=> Robots fold
Text B.

---

Bye for now.

--
Footer line one
Footer line two
"""

HEADERS = "From: Relay <relay@example.org>\nSubject: Relay No. 12\nDate: Mon, 19 Jan 2026 08:00:00 +0000\n"
EMAIL = HEADERS + "\n" + TEXT


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "site_config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _forms(tmp_path: Path):
    return forms_from_config(load_config(_config(tmp_path)))


def test_a_described_form_reads_stories_sections_subheads_chrome_and_metadata(tmp_path):
    issue = parse_text(TEXT, "relay-12.txt", _forms(tmp_path))
    assert issue.format == "relay"
    assert (issue.newsletter, issue.number, issue.date) == ("Relay", "12", dt.date(2026, 1, 19))
    assert [story.title for story in issue.stories] == ["Models read maps", "Robots fold"]
    assert [story.line for story in issue.stories] == [9, 16]
    assert issue.stories[0].body == "Text A.\n\n**Why:** Maps are hard."
    assert (issue.intro, issue.outro) == ("Hello.", "Bye for now.")
    assert [(block.line, block.rule) for block in issue.dropped] == [
        (1, "masthead"), (2, "issue-number"), (3, "issue-date"),
        (7, "section-heading"), (13, "ad"), (23, "footer"),
    ]
    assert issue.dropped[-1].text == "--\nFooter line one\nFooter line two"


def test_configured_forms_are_asked_first_and_win_ties():
    text = "# Notes 1\n\n## A\n\nx\n\n## B\n\ny\n"
    score = markdown_post.ADAPTER.sniff(text, "notes.md")
    tied = DescribedForm(FormSpec(name="mine", recognise=(re.compile(r"^## ", re.M),), score=score))
    choice = choose(text, "notes.md", (tied,))
    assert choice.adapter is tied and choice.scores[0] == ("mine", score)
    assert dict(choice.scores)["markdown-post"] == score > 0


def test_an_email_export_of_a_configured_form_hands_its_body_to_that_form(tmp_path):
    forms = _forms(tmp_path)
    assert forms[0].sniff(EMAIL, "relay.eml") == 0.0  # the email form opens it
    issue = parse_text(EMAIL, "relay.eml", forms)
    assert issue.format == "email/relay"
    assert [story.title for story in issue.stories] == ["Models read maps", "Robots fold"]
    assert issue.stories[0].line == 13  # the file's line: four header lines and a blank come first


def test_ingest_reads_with_the_forms_of_the_config(tmp_path):
    config = load_config(_config(tmp_path))
    (tmp_path / "content" / "newsletters").mkdir(parents=True)
    path = tmp_path / "content" / "newsletters" / "relay-12.txt"
    path.write_text(TEXT, encoding="utf-8")
    plan = read_and_plan(path, config, Diagnostics())
    assert plan.parsed.format == "relay" and plan.issue_id == "relay/12"


@pytest.mark.parametrize(
    "table,message",
    [
        ("recognise = ['x']\nheadline = '^(?P<title>.+'",
         "[forms.bad].headline: not a valid regular expression: missing ), unterminated subpattern"),
        ("recognise = ['x', '[']", "[forms.bad].recognise[1]: not a valid regular expression"),
        ("recognise = ['x']\ndrop = [{ rule = 'a', pattern = '(' }]",
         "[forms.bad].drop[0].pattern: not a valid regular expression"),
        ("recognise = ['x']\ndrop = [{ rule = 'a', pattern = 'b', scope = 'para' }]",
         "[forms.bad].drop[0].scope: expected one of line, block, section, got 'para'"),
        ("recognise = ['x']\ndrop = [{ rule = 'a', patern = 'b' }]",
         "[forms.bad].drop[0]: unknown key 'patern' (did you mean 'pattern'?)"),
        ("recognise = []", "[forms.bad].recognise: give at least one pattern"),
        ("headline = 'x'", "[forms.bad].recognise: missing (required)"),
        ("recognise = ['x']\nheadlines = 'x'",
         "[forms.bad]: unknown key 'headlines' (did you mean 'headline'?)"),
    ],
)
def test_config_errors_in_a_form_name_their_key(tmp_path, table, message):
    with pytest.raises(ConfigError) as error:
        load_config(_config(tmp_path, f"[forms.bad]\n{table}\n"))
    assert message in str(error.value)


def test_every_problem_in_the_forms_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as error:
        text = "[forms.a]\nrecognise = ['(']\n[forms.b]\nrecognise = ['x']\nseparator = '['\n"
        load_config(_config(tmp_path, text))
    assert str(error.value).count("not a valid regular expression") == 2
