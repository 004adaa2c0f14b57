"""Front matter is written without PyYAML's emitter, and must read back as what was written."""

import datetime as dt
import random

import pytest
import yaml

from newsarchive import frontmatter

TRICKY = ["", " ", "yes", "No", "null", "~", "true", "ON", "2020-12-07", "226", "0x1f", "1e3", ".inf",
          "-", "- item", "? key", ": value", "a: b", "a:", "a #b", "a#b", "#tag", "@user", "&anchor",
          "*alias", "!tag", "|", ">", "'quoted'", '"quoted"', "%directive", "`code`", "[list]", "{map}",
          "trailing ", " leading", "line\nbreak", "tab\there", "Protéine", "日本語", "emoji 🤖",
          "nel\x85", "ls\u2028", "ps\u2029", "bom\ufeff", "del\x7f", "bell\x07", "back\\slash",
          "http://example.com/a?b=c#d", "../a/index.md", "./a", "/a", ".5", "..", ".nan", ".",
          "AlphaFold 2: a milestone", "=", "<<"]


@pytest.mark.parametrize("text", TRICKY)
def test_every_string_reads_back_as_itself(text):
    assert yaml.safe_load(frontmatter.dump({"value": text})) == {"value": text}


def test_random_strings_read_back_as_themselves():
    alphabet = "ab Z9:#-'\"\\\n\t\x00\x1f\x7f\x85\xa0é\u2028\ufeff日🤖[]{},&*!|>%@`?~="
    chance = random.Random(8)
    for _ in range(2000):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 12)))
        assert yaml.safe_load(frontmatter.dump({"value": text})) == {"value": text}, repr(text)


def test_nested_values_read_back_in_order():
    meta = {
        "id": "import-ai/226/alphafold",
        "date": dt.date(2020, 12, 7),
        "number": 226,
        "rating": 4.5,
        "truncated": False,
        "dek": None,
        "tags": ["deepmind", "protein-folding"],
        "empty": [],
        "none": {},
        "sources": [{"title": "Paper", "url": ""}, {"title": "Blog: a post", "url": "https://x.org/"}],
        "note": {"file": "notes/a.md", "see_also": ["b", "c"], "more": {"deep": [[1, 2], []]}},
    }
    text = frontmatter.dump(meta)
    assert yaml.safe_load(text) == meta
    assert list(yaml.safe_load(text)) == list(meta)


def test_ordinary_values_are_written_as_people_write_them():
    text = frontmatter.dump({"title": "AlphaFold cracks protein folding", "date": dt.date(2020, 12, 7),
                             "tags": ["deepmind"], "sources": [{"title": "Paper", "url": ""}], "related": []})
    assert text == ("title: AlphaFold cracks protein folding\n"
                    "date: 2020-12-07\n"
                    "tags:\n- deepmind\n"
                    "sources:\n- title: Paper\n  url: ''\n"
                    "related: []\n")
    assert frontmatter.dump({"link": "../../226/x/index.md"}) == "link: ../../226/x/index.md\n"


def test_long_values_stay_on_one_line():
    title = "word " * 100 + "end"
    assert frontmatter.dump({"title": title}) == f"title: {title}\n"


@pytest.mark.parametrize("value", [object(), float("nan"), dt.datetime(2020, 1, 1), b"bytes"])
def test_values_front_matter_cannot_hold_are_refused(value):
    with pytest.raises(TypeError):
        frontmatter.dump({"value": value})


def test_keys_must_be_plain_names():
    with pytest.raises(TypeError):
        frontmatter.dump({"a: b": 1})
