"""Lemmas checked against the tag, on words chosen for it (not taken from the corpus)."""

import pytest

from pipeline.nlp.lemmas import checked_lemma, regular_forms, token_lemma


@pytest.mark.parametrize(("word", "lemma", "tag", "expected"), [
    ("hopes", "hop", "VBZ", "hope"),     # hop + VBZ is "hops"
    ("hoped", "hop", "VBD", "hope"),     # hop + VBD is "hopped"
    ("hoping", "hop", "VBG", "hope"),    # hop + VBG is "hopping"
    ("hopped", "hop", "VBD", "hop"),     # right as it is
    ("stopped", "stop", "VBD", "stop"),
    ("visited", "visit", "VBD", "visit"),  # two syllables: no doubling needed
    ("tried", "try", "VBD", "try"),
    ("leaves", "leaf", "NNS", "leaf"),
    ("taxes", "taxis", "NNS", "tax"),    # -es read as a Greek plural; "tax" is far commoner
    ("crises", "crisis", "NNS", "crisis"),  # a Greek plural indeed: no commoner "cris(e)"
    ("bases", "basis", "NNS", "basis"),  # "base" is not far commoner: the model's stays
    ("went", "go", "VBD", "go"),         # irregular: the model's exception table decides
    ("said", "say", "VBD", "say"),
    ("men", "man", "NNS", "man"),
    ("talks", "talk", "NNS", "talk"),
    ("bigger", "big", "JJR", "big"),
    ("Japan", "Japan", "NNP", "japan"),  # no inflection: not checked
])
def test_checked_lemma(word, lemma, tag, expected):
    assert checked_lemma(word, lemma, tag) == expected


def test_a_wrong_stem_with_no_regular_alternative_falls_back_to_the_word():
    # "zorb" + VBZ is "zorbs" (no sibilant before -es), and "zorbe" is not an English word
    assert checked_lemma("zorbes", "zorb", "VBZ") == "zorbes"


def test_regular_forms_follow_the_spelling_rules():
    assert "boxes" in regular_forms("box", "NNS") and "hopes" not in regular_forms("hop", "VBZ")
    assert "cities" in regular_forms("city", "NNS")
    assert regular_forms("plan", "VBG") == {"planning"}
    assert regular_forms("make", "VBG") == {"making", "makeing"}


def test_the_model_tags_hopes_as_a_verb_and_the_term_is_hope(nlp):
    doc = nlp("Pakistan hopes to deepen ties, and Japan hoped so too.")
    assert [token_lemma(t) for t in doc if t.lower_.startswith("hop")] == ["hope", "hope"]
