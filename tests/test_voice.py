"""Whose voice: direct quotes, indirect speech, 'according to', speakers, scare quotes."""

import pytest

from pipeline.stages.framing.voice import opens_with_quote, voice_map

REPORTING = frozenset({"say", "tell", "remark", "add", "warn", "state"})


def voices(nlp, text, persons=(), runs_on=False):
    doc = nlp(text)
    mentions = []
    for name in persons:
        start = text.index(name)
        mentions.append((start, start + len(name), name, "PERSON", name, name))
    return doc, voice_map(doc, REPORTING, mentions, runs_on=runs_on)


def word_voice(doc, vmap, word, nth=0):
    tokens = [t for t in doc if t.text == word]
    return vmap.token(tokens[nth].i)


def test_direct_quote_with_its_speaker_after_it(nlp):
    text = "“We will invest more in our partners,” said Fumio Kishida on Monday."
    doc, vmap = voices(nlp, text, ["Fumio Kishida"])
    assert word_voice(doc, vmap, "We") == ("quoted", "Fumio Kishida")
    assert word_voice(doc, vmap, "our") == ("quoted", "Fumio Kishida")
    assert word_voice(doc, vmap, "Monday") == ("author", "")
    sentence = vmap.sentence(next(doc.sents))
    assert (sentence.voice, sentence.speaker, sentence.verb) == ("quoted", "Fumio Kishida", "say")


def test_he_takes_the_person_named_before(nlp):
    text = "Bilawal Bhutto Zardari arrived in Tokyo. “We have agreed to deepen our ties,” he said."
    doc, vmap = voices(nlp, text, ["Bilawal Bhutto Zardari"])
    assert word_voice(doc, vmap, "our") == ("quoted", "Bilawal Bhutto Zardari")
    first, second = list(doc.sents)[:2]
    assert vmap.sentence(first).voice == "author"
    assert vmap.sentence(second).voice == "quoted"


def test_indirect_speech_and_according_to(nlp):
    doc, vmap = voices(nlp, "The foreign minister said that Japan would probably increase aid.")
    assert word_voice(doc, vmap, "probably") == ("quoted", "foreign minister")
    assert word_voice(doc, vmap, "minister")[0] == "author"
    doc, vmap = voices(nlp, "According to the Foreign Office, the talks were very productive.")
    assert word_voice(doc, vmap, "very") == ("quoted", "Foreign Office")
    assert vmap.sentence(next(doc.sents)).cue == "according to"


@pytest.mark.parametrize("text,word", [
    ("We said that the treaty would surely fail.", "surely"),  # first person: the author
    ("Pakistan is Japan’s so-called “all-weather” partner, we think.", "we"),  # scare quotes
])
def test_the_authors_own_words_stay_the_authors(nlp, text, word):
    doc, vmap = voices(nlp, text)
    assert word_voice(doc, vmap, word) == ("author", "")


def test_an_open_quote_ends_with_its_sentence_unless_the_next_paragraph_continues_it(nlp):
    text = "The envoy told reporters, “Japan will help us. Our trade will grow. We are sure."
    doc, vmap = voices(nlp, text)
    assert word_voice(doc, vmap, "us") == ("quoted", "envoy")
    assert word_voice(doc, vmap, "Our") == ("author", "")
    doc, vmap = voices(nlp, text, runs_on=True)
    assert word_voice(doc, vmap, "Our")[0] == word_voice(doc, vmap, "We")[0] == "quoted"
    assert opens_with_quote("\n\n“And more,” he added.") and not opens_with_quote("\n\nAnd more.")


def test_a_quote_without_a_reporting_verb_is_unattributed(nlp):
    doc, vmap = voices(nlp, "“This is the start of a new chapter for both of our nations.”")
    assert word_voice(doc, vmap, "our") == ("quoted", "")
