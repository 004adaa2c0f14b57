"""The command line as users meet it: help, parse output, exit codes and one-line errors."""

from __future__ import annotations

import json

from tests.helpers import copy_samples, run_cli


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "ingest", "parse"):
        assert command in result.stdout


def test_each_command_has_its_own_help():
    for command in ("build", "ingest", "parse"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "--config" in result.stdout


def test_parse_json_follows_the_schema(seeds):
    files = sorted(str(p) for p in seeds.glob("0*.txt"))
    result = run_cli("parse", *files, "--json")
    assert result.returncode == 0, result.stderr
    issues = json.loads(result.stdout)
    assert len(issues) == len(files)
    for issue in issues:
        assert set(issue) == {"file", "newsletter", "issue", "title", "date", "url", "stories"}
        assert issue["date"] is None or len(issue["date"]) == 10
        for story in issue["stories"]:
            assert set(story) == {"id", "title", "text"}
            assert story["id"].count("/") == 2


def test_parse_names_every_seed_newsletter(seeds):
    result = run_cli("parse", *sorted(str(p) for p in seeds.glob("0*.txt")), "--json")
    names = [issue["newsletter"] for issue in json.loads(result.stdout)]
    assert names == ["Dynamically Typed", "Import AI", "ML6 blog", "The Batch", "Import AI"]


def test_parse_human_form_shows_issue_and_stories(seeds):
    result = run_cli("parse", str(seeds / "001_86a7f5e727db1b33.txt"))
    assert result.returncode == 0
    assert "Import AI" in result.stdout and "226" in result.stdout
    assert "DeepMind cracks the protein folding problem" in result.stdout


def test_missing_content_dir_is_one_line_exit_2(tmp_path):
    result = run_cli("build", "--content", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nowhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_key_is_named_exit_2(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[site]\ntitel = "Archive"\n')
    result = run_cli("build", "--config", str(config), "--content", str(copy_samples(tmp_path / "c")))
    assert result.returncode == 2
    assert "titel" in result.stderr and "did you mean 'title'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_config_is_exit_2(tmp_path):
    config = tmp_path / "broken.toml"
    config.write_text("[site\n")
    result = run_cli("build", "--config", str(config))
    assert result.returncode == 2 and "not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr
