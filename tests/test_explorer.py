"""The explorer's data: which terms, lines and sentences the page holds, and its limits."""

from __future__ import annotations

import json

import pandas as pd

from pipeline.config import load_config
from pipeline.stages.report.explorer import explorer_data, explorer_json

# two documents, one per group; three body sentences and a title
TEXT = {"a1": "Trade grew. Trade talks went on. Ships sailed.", "b1": "Navies met at sea."}
SENTENCES = pd.DataFrame([
    ("a1", 0, 0, 11), ("a1", 1, 12, 32), ("a1", 2, 33, 46), ("b1", 0, 0, 18)],
    columns=["doc_id", "sentence_id", "start_char", "end_char"]).assign(
    text=lambda d: [TEXT[r.doc_id][r.start_char:r.end_char] for r in d.itertuples()])
DOCUMENTS = pd.DataFrame({"doc_id": ["a1", "b1"], "group": ["x", "y"]})
TONE = pd.DataFrame({"doc_id": ["a1", "a1", "a1", "b1"], "sentence_id": [0, 1, 2, 0],
                     "scope": ["body", "body", "heading", "body"],
                     "tone": ["positive", "neutral", "neutral", "negative"]})
FRAMES = pd.DataFrame({"doc_id": ["a1", "a1", "a1", "b1"], "sentence_id": [0, 1, 2, 0],
                       "primary_frame": ["economic", "economic", "none",
                                         "security_and_defense"]})
VOICES = FRAMES[["doc_id", "sentence_id"]].assign(voice="author")
ROLES = pd.DataFrame({"doc_id": ["b1"], "sentence_id": [0], "actor": ["Japan"]})
TERMS = pd.DataFrame([("a1", 0, "lemma", "trade", 0, 5), ("a1", 1, "lemma", "trade", 12, 17),
                      ("a1", 2, "lemma", "ship", 33, 38), ("b1", 0, "lemma", "navy", 0, 6),
                      ("b1", 0, "lemma", "sea", 14, 17)],
                     columns=["doc_id", "sentence_id", "kind", "term", "start_char", "end_char"])
KEYNESS = pd.DataFrame({
    "term": ["trade", "navy", "sea", "ship"], "kind": "lemma", "group_a": "x", "group_b": "y",
    "count_a": [2, 0, 0, 1], "count_b": [0, 1, 1, 0], "rate_a": [40.0, 0, 0, 20.0],
    "rate_b": [0, 100.0, 100.0, 0], "log_odds_z": [1.2, -2.5, -0.8, 0.5],
    "distinctive_for": ["", "y", "", ""]})


def _data(**limits):
    settings = load_config().report.model_copy(update=limits)
    return explorer_data(KEYNESS, TERMS, SENTENCES, DOCUMENTS, FRAMES, TONE, VOICES, ROLES,
                         ("x", "y"), settings)


def test_the_explorer_holds_terms_lines_and_body_sentences_with_their_offsets():
    data = _data()
    (plot,) = data["plots"]
    assert (plot["a"], plot["b"]) == ("x", "y")
    assert [t[0] for t in plot["terms"]] == ["trade", "navy", "sea", "ship"]  # by frequency
    # "ship" is in a heading: no body line
    assert set(data["kwic"]) == {"trade", "navy", "sea"}
    lines = data["kwic"]["trade"]["x"]["lines"]
    assert data["kwic"]["trade"]["x"]["n"] == 2
    for sentence, start, end in lines:
        doc_id, s0, s1, group, *_, text = data["sentences"][sentence]
        assert (doc_id, group) == ("a1", "x")
        assert text == TEXT[doc_id][s0:s1] and TEXT[doc_id][start:end] == "Trade"
    rows = [data["sentences"][i] for i in data["table"]]
    assert [(r[0], r[1], r[4], r[5], r[7]) for r in rows] == [
        ("a1", 0, "economic", "positive", []), ("a1", 12, "economic", "neutral", []),
        ("b1", 0, "security_and_defense", "negative", ["Japan"])]
    assert data["body_sentences"] == 3 and data["actors"] == ["Japan"]


def test_the_limits_keep_distinctive_terms_and_cut_lines_and_rows():
    data = _data(explorer_terms=1, explorer_kwic=1, explorer_sentences=2)
    # the most frequent term, and the distinctive one beyond the limit
    assert [t[0] for t in data["plots"][0]["terms"]] == ["trade", "navy"]
    assert data["kwic"]["trade"]["x"] == {"n": 2, "lines": [[0, 0, 5]]}
    # an equal share of the table for each group: group x's first sentence and group y's
    assert [data["sentences"][i][:2] for i in data["table"]] == [["a1", 0], ["b1", 0]]
    assert data["body_sentences"] == 3


def test_the_json_cannot_end_its_script_element():
    text = explorer_json({"s": "</script><!-- <b>"})
    assert "<" not in text
    assert json.loads(text) == {"s": "</script><!-- <b>"}
