"""`build.py parse FILE --explain`: the chosen form and every form's score, highest first; each
story's first line and title; each dropped block with its line and rule; intro, outro and other
issues. On a seed, a sample of a config-described form, and an email export."""

from __future__ import annotations

import re

from tests.expectations import SAMPLES
from tests.helpers import run_cli


def _scores(output: str) -> list[tuple[float, str]]:
    return [(float(score), name) for score, name in re.findall(r"^    (\d\.\d\d)  (\S+)", output, re.M)]


def test_explain_shows_scores_highest_first_stories_and_dropped_blocks_with_rules(seeds):
    result = run_cli("parse", str(seeds / "001_86a7f5e727db1b33.txt"), "--explain")
    assert result.returncode == 0, result.stderr
    scores = _scores(result.stdout)
    assert scores == sorted(scores, key=lambda item: -item[0]) and len(scores) >= 9
    assert re.search(r"^    1\.00  import-ai   <- chosen$", result.stdout, re.M)
    assert "issue: Import AI 226 · date unknown" in result.stdout
    assert re.search(r"^    line +9  DeepMind cracks the protein folding problem$", result.stdout, re.M)
    section = r"^    line +\d+  section-heading +AI Policy with Matthew van der Merwe:"
    assert re.search(section, result.stdout, re.M)
    assert re.search(r"^    line +\d+  older-messages +Older messages  \(\+\d+ lines\)$", result.stdout, re.M)
    assert "other issues (5):" in result.stdout


def test_explain_names_a_configured_form_and_its_rules():
    folder = SAMPLES / "described"
    result = run_cli("parse", str(folder / "circuit-notes-88.txt"), "--explain",
                     "--config", str(folder / "circuit-notes-88.forms.toml"))
    assert result.returncode == 0, result.stderr
    assert _scores(result.stdout)[0] == (1.0, "circuit-notes")
    assert "read as circuit-notes; ingested as circuit-notes/88" in result.stdout
    for rule in ("masthead", "issue-title", "sponsor", "forward", "unsubscribe"):
        assert re.search(rf"^    line +\d+  {rule} ", result.stdout, re.M)
    assert "intro: 26 words · outro: 13 words" in result.stdout


def test_explain_shows_how_a_wrapped_issue_was_read():
    result = run_cli("parse", str(SAMPLES / "email" / "inference-ledger-7.eml"), "--explain")
    assert "read as email/web-page/markdown-post" in result.stdout
    assert re.search(r"^    line +69  Caldera Cloud cuts token prices by 60 per cent$", result.stdout, re.M)
    assert re.search(r"^    line +14  alternative-part ", result.stdout, re.M)


def test_explain_and_json_do_not_go_together():
    result = run_cli("parse", str(SAMPLES / "hugo" / "gradient-notes-14.md"), "--explain", "--json")
    assert result.returncode == 2 and "not allowed with" in result.stderr
