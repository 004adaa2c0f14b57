"""Enrich's fast paths give what the plain rules give: phrase matching on ASCII and other text,
names begun in lower case, related stories whatever the order of the stories, each story's
strongest terms however they are sorted."""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pytest

from newsarchive.enrich import memo, related
from newsarchive.enrich import tags as tagging
from newsarchive.model import Story

PHRASES = {"protein folding": ("protein-folding",), "U.S.": ("united-states",), "Google X": ("x",),
           "Google": ("google",), "chips": ("chips",)}


def test_phrases_score_alike_in_ascii_text_and_in_other_text():
    matcher = tagging.PhraseMatcher(PHRASES)
    body = ("Protein Folding, protein-folding and PROTEIN FOLDING. The U.S. and U.S.A. chips; "
            "Google Xylophone, Google X. chipset")
    scores = matcher.scores("", body)
    assert scores == {"protein-folding": 4, "united-states": 2, "google": 1, "x": 2, "chips": 1}
    assert matcher.scores("", body + " café") == scores


def test_entity_mentions_find_names_begun_in_lower_case():
    text = "Apple sold the iPhone and eBay sold it, not x2aPhone or Big iPad2."
    names = tagging.names_in(text) + tagging.single_names_in(text)
    assert "iPhone" in names and "eBay" in names
    assert not any("Phone" in n and n != "iPhone" for n in names)
    assert "iPad2" not in names


def _story(n: int, words: str) -> Story:
    return Story(id=f"news/{n // 3}/s{n}", issue=f"news/{n // 3}", newsletter="news", position=n % 3,
                 title=words.split()[0], body=words, date=dt.date(2026, 1, 1 + n % 28), path=f"s{n}.md")


def _terms(stories: list[Story]):
    return memo.facts(stories, tagging.Taxonomy({}, {}, {}), None).terms


def test_related_stories_do_not_depend_on_the_order_of_the_stories():
    topics = ["protein folding structure", "chip export controls", "robot grasping benchmark"]
    stories = [_story(n, f"{topics[n % 3]} story{n} detail{n % 5} words") for n in range(30)]
    shuffled = random.Random(4).sample(stories, len(stories))
    found = related.relate(stories, {}, _terms(stories))
    assert found == related.relate(shuffled, {}, _terms(shuffled))
    topic = {s.id: n % 3 for n, s in enumerate(stories)}
    assert all(found.values()) and all(topic[r.story] == topic[sid] for sid, rs in found.items() for r in rs)


@pytest.mark.parametrize("key_bits", [related._KEY_BITS, 8])  # one packed sort key, or three keys
def test_each_story_keeps_its_strongest_terms_first_ties_to_the_first_term(monkeypatch, key_bits):
    monkeypatch.setattr(related, "_KEY_BITS", key_bits)
    draw = random.Random(7)
    cells = sorted({(draw.randrange(60), draw.randrange(50)) for _ in range(900)})  # by row, then column
    rows, cols = (np.array(column, dtype=np.int64) for column in zip(*cells, strict=True))
    tf = np.array([draw.choice([1, 1, 2, 3]) for _ in cells], dtype=np.int64)  # many equal weights
    documents = np.bincount(cols, minlength=50)
    expected = sorted(((r, -(1 + math.log(t)) * math.log(1 + 60 / documents[c]), c)
                       for r, c, t in zip(rows.tolist(), cols.tolist(), tf.tolist(), strict=True)))
    found = related._strongest_first(rows, cols, tf, documents, (60, 50))
    assert list(zip(*(a.tolist() for a in found), strict=True)) == [(r, c, -w) for r, w, c in expected]


def test_a_capital_dotted_i_in_the_text_does_not_break_tagging():
    matcher = tagging.PhraseMatcher({"image": ("images",)})
    assert matcher.scores("İmage models", "Some İmage text and an image here.") is not None
