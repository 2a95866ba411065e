"""Agency of actor mentions: active, passive, coordinated and possessive."""

import pytest

from pipeline.nlp.roles import mention_role


def role(nlp, text, name):
    doc = nlp(text)
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    r = mention_role(span)
    return r.role, r.verb, r.voice, r.via


@pytest.mark.parametrize("text,name,expected", [
    ("Japan signed the agreement.", "Japan", ("agent", "sign", "active", "direct")),
    ("The agreement was signed by Japan.", "Japan", ("agent", "sign", "passive", "direct")),
    ("Pakistan was invited by Japan.", "Pakistan", ("patient", "invite", "passive", "direct")),
    ("Tokyo criticised Pakistan.", "Pakistan", ("patient", "criticise", "active", "direct")),
    ("Pakistan and Japan agreed on a plan.", "Japan",
     ("agent", "agree", "active", "coordination")),
    ("Pakistan and Japan agreed on a plan.", "Pakistan", ("agent", "agree", "active", "direct")),
    ("Japan's government approved the loan.", "Japan",
     ("agent", "approve", "active", "possessive")),
    ("The minister travelled to Japan.", "Japan", ("other", "travel", "", "direct")),
])
def test_roles(nlp, text, name, expected):
    assert role(nlp, text, name) == expected


@pytest.mark.parametrize("text,name", [
    ("Japan is a key partner for Pakistan.", "Japan"),
    ("Pakistan remains important to Japan.", "Pakistan"),
])
def test_copulas_and_predicates_are_neither_agent_nor_patient(nlp, text, name):
    assert role(nlp, text, name)[0] == "predicate"


def test_agency_needs_enough_roles_and_predicates_count_for_neither(nlp):
    import pandas as pd

    from pipeline.stages.framing.actors import actor_table

    rows = [("d", i, 0, 5, "Japan", "GPE", "Japan", "Japan", r, "sign", "active", "direct")
            for i, r in enumerate(["agent", "agent", "patient", "predicate", "other"])]
    roles = pd.DataFrame(rows, columns=["doc_id", "sentence_id", "start_char", "end_char",
                                        "text", "label", "canonical", "actor", "role", "verb",
                                        "voice", "via"])
    sentences = pd.DataFrame({"doc_id": "d", "sentence_id": range(5), "group": "g",
                              "scope": "body"})
    tone = pd.DataFrame({"doc_id": "d", "sentence_id": range(5), "compound": 0.0})
    few = actor_table(roles, tone, sentences, min_roles=4).iloc[0]
    assert (few.agent, few.patient, few.predicate, few.other) == (2, 1, 1, 1)
    assert pd.isna(few.agency)  # 3 agent/patient roles < 4
    assert actor_table(roles, tone, sentences, min_roles=3).iloc[0].agency == round(2 / 3, 4)



@pytest.fixture(scope="module")
def place_cues():
    from pipeline.corpus.entity_lexicon import place_cues
    from pipeline.corpus.lexicons import PACKAGE_DATA, Lexicon, read_lexicon_file

    path = PACKAGE_DATA / "entities.toml"
    return place_cues([Lexicon(str(path), read_lexicon_file(path))])


@pytest.mark.parametrize("text,name,place", [
    ("Tokyo announced new aid for Pakistan.", "Tokyo", False),
    ("Beijing's influence in the region is growing.", "Beijing", False),
    ("Islamabad has long had close ties with Tokyo.", "Tokyo", False),
    ("Tokyo is worried about the talks.", "Tokyo", False),
    ("A statement from Tokyo welcomed the deal.", "Tokyo", False),
    ("The ministers met in Tokyo on Monday.", "Tokyo", True),
    ("The foreign minister flew from Islamabad to Tokyo.", "Islamabad", True),
    ("The foreign minister flew from Islamabad to Tokyo.", "Tokyo", True),
    ("The Tokyo summit ended without a statement.", "Tokyo", True),
    ("Tokyo hosted the summit last year.", "Tokyo", True),
    ("Kyiv was shelled again overnight.", "Kyiv", True),
    ("Missile strikes on Kyiv continued.", "Kyiv", True),
])
def test_a_capital_names_the_place_unless_it_acts(nlp, place_cues, text, name, place):
    from pipeline.nlp.roles import names_the_place

    doc = nlp(text)
    start = text.index(name)
    assert names_the_place(doc.char_span(start, start + len(name)), place_cues) is place
