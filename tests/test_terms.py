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
    assert [phrase_key(p) for p in phrases] == ["asia-pacific region", "rapid economic growth"]


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


def _segment(nlp, text):
    doc = nlp(text)
    doc.user_data.update(doc_id="t", segment_id=0, part="paragraph", first_sentence_id=0,
                         first_token_id=0, start_char=0)
    return doc


def _terms(doc, names=None, kind="word"):
    from pipeline.nlp.terms import TermOptions, sentence_terms

    options = TermOptions(POS, frozenset())
    rows = [r for k, s in enumerate(doc.sents) for r in sentence_terms(doc, k, s, options,
                                                                        None, names)]
    return [r[7] for r in rows if r[6] == kind]


def test_hyphenated_compounds_are_one_term(nlp):
    doc = _segment(nlp, "People-to-people contacts and long-term plans matter to people.")
    words = _terms(doc)
    assert "people-to-people" in words and "long-term" in words
    assert words.count("people") == 1  # only the last word, not the compound's parts
    assert "plan" in words and "term" not in words


def test_a_name_is_one_term_under_its_canonical_name(nlp):
    from pipeline.nlp.terms import name_spans

    text = "Bhutto Zardari arrived in Tokyo. Bilawal Bhutto Zardari met the press."
    doc = _segment(nlp, text)
    mentions = [(text.index("Bhutto"), text.index(" arrived"), "Bilawal Bhutto Zardari"),
                (text.index("Tokyo"), text.index("Tokyo") + 5, "Tokyo"),
                (text.index("Bilawal"), text.index(" met"), "Bilawal Bhutto Zardari")]
    words = _terms(doc, name_spans(doc, mentions))
    assert words.count("bilawal bhutto zardari") == 2
    assert not {"bhutto", "zardari", "bilawal"} & set(words)
    assert "tokyo" in words


def test_noun_phrases_split_at_coordination(nlp):
    from pipeline.nlp.terms import name_spans

    text = "Trade and investment ties between Pakistan and Japan grew."
    doc = _segment(nlp, text)
    names = name_spans(doc, [(text.index("Pakistan"), text.index(" and Japan"), "Pakistan"),
                             (text.index("Japan"), text.index("Japan") + 5, "Japan")])
    phrases = _terms(doc, names, kind="phrase")
    assert "pakistan and japan" not in phrases and "pakistan japan" not in phrases
    assert "investment tie" in phrases
    assert not any(" and " in p for p in phrases)


def test_a_phrase_that_is_one_name_is_not_a_phrase(nlp):
    from pipeline.nlp.terms import name_spans

    text = "The Japan International Cooperation Agency funds Japanese aid projects."
    doc = _segment(nlp, text)
    start = text.index("Japan International")
    end = text.index(" funds")
    names = name_spans(doc, [(start, end, "Japan International Cooperation Agency")])
    assert "japan international cooperation agency" in _terms(doc, names)
    assert "japan international cooperation agency" not in _terms(doc, names, kind="phrase")


def test_bundled_terms_keep_names_whole_and_split_coordination(bundled_run):
    from pipeline.engine.catalog import read_table

    keyness = read_table(bundled_run / "tables" / "keyness.csv")
    keyterms = read_table(bundled_run / "tables" / "keyterms.csv")
    terms = set(keyness["term"]) | set(keyterms["term"])
    assert "bilawal bhutto zardari" in terms
    assert not {"bhutto", "zardari", "bhutto zardari", "hop"} & terms
    assert not [t for t in terms if " and " in t]  # "pakistan and japan" is two names
    assert "people-to-people" in terms
