"""Word and phrase terms, with offsets, from real parses."""

import pandas as pd

from pipeline.nlp.terms import is_term_token, phrase_key, phrase_spans, term_occurrences, word_key

from .conftest import OPED, original_text

POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})


def test_word_keys_are_lower_case_lemmas_without_possessive_or_numbers():
    assert word_key("Japan’s") == "japan"
    assert word_key("Talks", "talk") == "talk"
    assert word_key("1950") is None
    assert word_key("-") is None


def test_stop_words_numbers_and_extra_stop_words_are_not_terms(nlp):
    doc = nlp("The ministers said that the two countries signed 3 agreements in 2023.")
    keys = [is_term_token(t, POS, frozenset({"say"})) for t in doc]
    kept = [k for k in keys if k]
    assert kept == ["minister", "country", "sign", "agreement"]


def test_noun_phrases_lose_determiner_and_possessive_and_keep_hyphenated_names(nlp):
    doc = nlp("He praised the Asia-Pacific region’s rapid economic growth.")
    phrases = [p for c in doc.noun_chunks for p in phrase_spans(c, frozenset())]
    assert [p.text for p in phrases] == ["Asia-Pacific region", "rapid economic growth"]
    assert [phrase_key(p) for p in phrases] == ["asia pacific region", "rapid economic growth"]


def test_every_term_points_at_its_text_and_skips_repeated_sentences(bundled_run, nlp):
    from pipeline.engine.catalog import read_table
    from pipeline.nlp.docs import ParsedDocs

    sentences = read_table(bundled_run / "tables" / "sentences.csv")
    docs = ParsedDocs(bundled_run / "cache" / "docs.spacy", nlp.vocab)
    occ = term_occurrences(docs, sentences, parts=["paragraph"], pos=POS, stop=frozenset(),
                           ngram_max=2)
    text = original_text(OPED)
    oped = occ[occ.doc_id == OPED]
    assert len(oped) > 300
    for row in oped.itertuples():
        assert text[row.start_char:row.end_char] == row.text
    assert {"word", "phrase", "ngram"} <= set(oped.kind)
    repeated = sentences[(sentences.doc_id == OPED) & sentences.duplicate_of.notna()]
    assert not set(repeated.sentence_id) & set(oped.sentence_id)
    kept = term_occurrences(docs, sentences, parts=["paragraph"], pos=POS, stop=frozenset(),
                            keep_duplicates=True)
    assert set(repeated.sentence_id) <= set(kept[kept.doc_id == OPED].sentence_id)
    # n-grams join adjacent words only: "foreign minister" but not across a gap
    bigrams = set(oped[oped.kind == "ngram"].term)
    assert "foreign minister" in bigrams
    assert isinstance(oped, pd.DataFrame)
