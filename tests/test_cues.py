"""Cue lexicons: lemmas and multi-word cues, never substrings."""

from pipeline.corpus.lexicons import PACKAGE_DATA, Lexicon, read_lexicon_file
from pipeline.nlp.cues import compile_cues, merge_lexicons
from pipeline.stages.framing.frames import frame_definitions, sentence_frames
from pipeline.stages.framing.stance import sentence_stance, stance_categories


def data(name):
    return [Lexicon(name, read_lexicon_file(PACKAGE_DATA / name))]


def test_lemmas_match_inflections_and_not_substrings(nlp):
    cues = compile_cues({"trade": {"lemmas": ["export"], "phrases": []}}, nlp)
    doc = nlp("Pakistan exported rice; the exporters and exportation are not exports of cues.")
    found = [doc[m.start:m.end].text for m in cues.matches(doc[:])]
    assert found == ["exported", "exports"]


def test_phrases_are_lemmatised_and_win_over_their_words(nlp):
    cues = compile_cues({"legal": {"lemmas": ["law"], "phrases": ["human rights", "rule of law"]},
                         "capacity": {"lemmas": ["human"], "phrases": []}}, nlp)
    doc = nlp("Both defend the rule of law and a human right to food, said one human.")
    found = [(m.category, m.cue, doc[m.start:m.end].text) for m in cues.matches(doc[:])]
    assert found == [("legal", "rule of law", "rule of law"),
                     ("legal", "human rights", "human right"),
                     ("capacity", "human", "human")]


def test_frames_primary_frame_and_none(nlp):
    frames = compile_cues(frame_definitions(data("frames.toml")), nlp)
    doc = nlp("The two navies held joint military exercises to deter a nuclear threat.")
    primary, scores, _ = sentence_frames(doc[:], frames)
    assert primary == "security_and_defense" and scores["security_and_defense"] >= 3
    doc = nlp("Trade and investment between the two economies grew by ten percent.")
    assert sentence_frames(doc[:], frames)[0] == "economic"
    doc = nlp("The foreign minister paid an official visit to strengthen bilateral ties.")
    assert sentence_frames(doc[:], frames)[0] == "external_regulation_and_reputation"
    doc = nlp("It rained on Tuesday.")
    assert sentence_frames(doc[:], frames)[0] == "none"


def test_stance_markers_counted_per_category(nlp):
    cues = compile_cues(stance_categories(data("stance.toml")), nlp)
    doc = nlp("We believe this could perhaps help, according to officials who said it "
              "would “matter”. Will it?")
    first, second = list(doc.sents)
    counts, matches = sentence_stance(first, cues)
    assert counts["self_mentions"] == 1            # we
    assert counts["boosters"] == 1                 # believe
    assert counts["hedges"] == 3                   # could, perhaps, would
    assert counts["modal_verbs"] == 2              # could, would (Will is a second sentence)
    assert counts["attributed_speech"] == 2        # according to, said
    assert counts["quotations"] == 1
    assert sentence_stance(second, cues)[0]["questions"] == 1
    assert counts["questions"] == 0


def test_attributed_speech_needs_a_verb(nlp):
    cues = compile_cues(stance_categories(data("stance.toml")), nlp)
    doc = nlp("The report on the state of the economy was long.")
    assert sentence_stance(doc[:], cues)[0]["attributed_speech"] == 0


def test_corpus_lexicon_adds_cues_to_the_general_one(tmp_path):
    extra = Lexicon("corpus/frames.toml", {"frame": [{"name": "economic",
                                                       "lemmas": ["rupee", "begging bowl"]}]})
    merged = merge_lexicons([*data("frames.toml"), extra], "frame")
    assert "trade" in merged["economic"]["lemmas"]
    assert merged["economic"]["lemmas"].count("rupee") == 1
    assert "begging bowl" in merged["economic"]["lemmas"]


def test_self_mentions_are_pronouns_not_the_us(nlp):
    cues = compile_cues(stance_categories(data("stance.toml")), nlp)
    doc = nlp("The US told us that our country and the US should talk, and we agreed.")
    counts, matches = sentence_stance(doc[:], cues)
    found = [doc[m.start:m.end].text for m in matches if m.category == "self_mentions"]
    assert found == ["us", "our", "we"]
    assert counts["self_mentions"] == 3


def test_a_cue_spacy_lemmatises_away_still_matches_as_written(nlp):
    from pipeline.nlp.cues import compile_cues

    cues = compile_cues({"security": {"lemmas": ["arms", "treaty"]},
                         "body": {"lemmas": ["arm"]}}, nlp)
    doc = nlp("Both states signed treaties limiting arms sales, and he broke his arm.")
    assert [t.lemma_ for t in doc if t.lower_ == "arms"] == ["arm"]  # spaCy's reading
    found = [(m.category, m.cue, doc[m.start:m.end].text) for m in cues.matches(doc[:])]
    # "arms": its lemma "arm" is a cue of another category, so the lemma wins there;
    # "treaties" matches through its lemma
    assert ("security", "treaty", "treaties") in found
    assert ("body", "arm", "arm") in found
    only_as_written = compile_cues({"security": {"lemmas": ["arms"]}}, nlp)
    assert [(m.cue, doc[m.start:m.end].text) for m in only_as_written.matches(doc[:])] == [
        ("arms", "arms")]
