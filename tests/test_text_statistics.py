import math

import pytest

from pipeline.stages.parse.text_statistics import ReadabilityScorer, mtld


def test_mtld_full_factor_by_hand():
    # forward: a(1/1) b(2/2) a(2/3 = 0.67 <= 0.72, one factor, reset) b -> partial (1-1)/0.28 = 0
    # 4 words / 1 factor = 4; the backward pass is the same.
    assert mtld(["a", "b", "a", "b"]) == 4.0


def test_mtld_partial_factor_by_hand():
    # TTR never drops to 0.72: at the end 3 types / 4 tokens = 0.75;
    # partial factor (1 - 0.75) / (1 - 0.72) = 0.892857..., MTLD = 4 / 0.892857 = 4.48
    assert mtld(["a", "b", "c", "a"]) == pytest.approx(4.48)


def test_mtld_of_nothing_is_nan():
    assert math.isnan(mtld([]))
    assert math.isnan(mtld(["a", "b", "c"]))  # no repetition: no factor to divide by


def test_flesch_by_hand():
    # 2 sentences, 8 words, 1 syllable each: ASL 4, ASW 1.
    # FRE = 206.835 - 1.015*4 - 84.6*1 = 118.175 ; FKGL = 0.39*4 + 11.8*1 - 15.59 = -2.23
    scores = ReadabilityScorer().scores([["The", "cat", "sat", "on", "the", "mat"],
                                         ["It", "slept"]])
    assert scores["flesch_reading_ease"] == pytest.approx(118.175)
    assert scores["flesch_kincaid_grade"] == pytest.approx(-2.23)
    assert math.isnan(ReadabilityScorer().scores([])["flesch_reading_ease"])


# Syllables counted by hand (one of us, from the spoken word, before running the code).
HAND_COUNTED = {"diplomacy": 4, "cooperation": 5, "economic": 4, "strategic": 3, "security": 4,
                "technology": 4, "agreement": 3, "people": 2, "Pakistan": 3, "international": 5,
                "opportunities": 5, "government": 3, "the": 1, "visit": 2,
                "people-to-people": 5, "Asia-Pacific": 5, "long-term": 2}


def test_syllables_match_hand_counts():
    scorer = ReadabilityScorer()
    assert {w: scorer.syllables(w) for w in HAND_COUNTED} == HAND_COUNTED


def test_hyphenation_alone_undercounts_long_words():
    """The old count (pyphen's points + 1) misses syllables the dictionary has."""
    hyphenation = ReadabilityScorer(source="hyphenation")
    wrong = {w for w, n in HAND_COUNTED.items() if hyphenation.syllables(w) != n}
    assert {"diplomacy", "economic", "people", "Pakistan"} <= wrong
    with pytest.raises(ValueError):
        ReadabilityScorer(source="guess")


def test_words_missing_from_the_dictionary_fall_back_to_hyphenation():
    from pipeline.stages.parse.text_statistics import dictionary_syllables

    assert dictionary_syllables("blorptastic") is None
    assert ReadabilityScorer().syllables("blorptastic") >= 2


def test_dictionary_makes_the_bundled_articles_harder_to_read(nlp):
    from pipeline.stages.parse.text_statistics import readability_words

    from .conftest import OPED, OVERVIEW, original_text

    for doc_id in (OPED, OVERVIEW):
        doc = nlp(" ".join(original_text(doc_id).split("One thought on")[0].split()))
        sentences = [readability_words(s) for s in doc.sents]
        new = ReadabilityScorer().scores(sentences)["flesch_reading_ease"]
        old = ReadabilityScorer(source="hyphenation").scores(sentences)["flesch_reading_ease"]
        assert old - new > 5  # news prose is denser in syllables than hyphenation points say


def test_hyphenation_scores_equal_textdescriptives_on_the_bundled_articles(nlp):
    """With ``source="hyphenation"`` we give textdescriptives' own numbers (same words,
    same syllables), so the word and sentence counts are theirs.

    White space runs are collapsed first: textdescriptives counts space tokens
    as words, we do not.
    """
    import spacy
    import textdescriptives  # noqa: F401  (registers the component)

    from pipeline.stages.parse.text_statistics import readability_words

    from .conftest import OPED, OVERVIEW, original_text

    component = spacy.blank("en").add_pipe("textdescriptives/readability")
    scorer = ReadabilityScorer(source="hyphenation")
    for doc_id in (OPED, OVERVIEW):
        body = original_text(doc_id).split("One thought on")[0]
        doc = nlp(" ".join(body.split()))
        theirs = component(doc)._.readability
        ours = scorer.scores([readability_words(s) for s in doc.sents])
        assert ours["flesch_reading_ease"] == pytest.approx(theirs["flesch_reading_ease"])
        assert ours["flesch_kincaid_grade"] == pytest.approx(theirs["flesch_kincaid_grade"])
