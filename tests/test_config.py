"""site_config.toml: typed, strict, every problem reported at once with its key path."""

from __future__ import annotations

import pytest

from newsarchive.config import ConfigError, load_config
from tests.conftest import ROOT


def _load(tmp_path, text: str):
    path = tmp_path / "site_config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_project_config_loads():
    config = load_config(ROOT / "site_config.toml")
    assert config.site.title
    assert config.content_dir == ROOT / "content"


def test_defaults_fill_what_the_file_leaves_out(tmp_path):
    config = _load(tmp_path, '[site]\ntitle = "Mine"\n')
    assert config.site.title == "Mine" and config.build.output_dir == "site"
    assert config.output_dir == tmp_path / "site"


def test_unknown_key_is_named_with_a_suggestion(tmp_path):
    with pytest.raises(ConfigError, match=r"\[build\]: unknown key 'stict' \(did you mean 'strict'\?\)"):
        _load(tmp_path, "[build]\nstict = true\n")


def test_wrong_type_names_the_key_path(tmp_path):
    with pytest.raises(ConfigError, match=r"\[build\]\.strict: expected a boolean, got 'yes'"):
        _load(tmp_path, '[build]\nstrict = "yes"\n')


def test_every_problem_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, '[site]\ntitel = 1\n[newsletters.x]\naliases = "y"\n')
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert any("[newsletters.x].name: missing" in line for line in lines)
    assert any("[newsletters.x].aliases: expected a list" in line for line in lines)


def test_invalid_toml_names_the_file_and_line(tmp_path):
    with pytest.raises(ConfigError, match=r"site_config.toml: not valid TOML: .*line 2"):
        _load(tmp_path, '[site]\ntitle = \n')


def test_code_styles_must_be_pygments_styles(tmp_path):
    assert _load(tmp_path, '[site]\ncode_style = "monokai"\n').site.code_style == "monokai"
    with pytest.raises(ConfigError, match=r"\[site\]\.code_style_dark: unknown Pygments style 'monokay' \(did you mean 'monokai'\?\)"):
        _load(tmp_path, '[site]\ncode_style_dark = "monokay"\n')


def test_a_tag_page_holds_at_least_one_story(tmp_path):
    assert _load(tmp_path, "[tags]\nper_page = 20\n").tags.per_page == 20
    with pytest.raises(ConfigError, match=r"\[tags\]\.per_page: expected at least 1 story a page, got 0"):
        _load(tmp_path, "[tags]\nper_page = 0\n")
