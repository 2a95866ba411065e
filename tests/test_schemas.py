"""Lexicon file schemas: every mistake of a file in one line, files pass through as written."""

import pytest

from pipeline.corpus.lexicons import PACKAGE_DATA, read_lexicon_file
from pipeline.corpus.schemas import SCHEMAS, check_lexicon
from pipeline.errors import CorpusError


@pytest.mark.parametrize("name", sorted(p.name for p in PACKAGE_DATA.glob("*.toml")))
def test_every_shipped_lexicon_has_a_schema_and_passes_it(name):
    assert name in SCHEMAS
    read_lexicon_file(PACKAGE_DATA / name)


def test_all_mistakes_of_an_entity_file_in_one_message():
    data = {"person_title": ["Mr"],
            "entity": [{"canonical": "Japan International Cooperation Agency",
                        "label": "ORGANISATION", "aliases": "JICA"},
                       {"label": "ORG", "alias": ["X"]}],
            "demonyms": {"Japanese": 3}}
    with pytest.raises(CorpusError) as err:
        check_lexicon("entities.toml", data, "corpus/entities.toml")
    message = str(err.value)
    assert message.startswith("6 problem(s)") and "corpus/entities.toml" in message
    assert "entry 1 ('Japan International Cooperation Agency') 'aliases' must be a list of " \
           "strings, got 'JICA'" in message
    assert "'label' must be one of" in message and "got 'ORGANISATION'" in message
    assert "[[entity]] entry 2 'canonical' is missing" in message
    assert "unknown key [[entity]] entry 2 'alias'. Did you mean 'aliases'?" in message
    assert "unknown key 'person_title'. Did you mean 'person_titles'?" in message
    assert "'demonyms' 'Japanese' must be a string, got 3" in message
    assert "\n" not in message


def test_cue_files_check_nested_categories_and_list_items():
    with pytest.raises(CorpusError, match=r"unknown key 'category' 'hedges' 'lemmaz'. "
                                          r"Did you mean 'lemmas'\?"):
        check_lexicon("stance.toml", {"category": {"hedges": {"lemmaz": ["x"]}}}, "stance.toml")
    with pytest.raises(CorpusError, match=r"\[\[frame\]\] entry 1 \('trade'\) 'lemmas' item 2 "
                                          r"must be a string, got 7"):
        check_lexicon("frames.toml", {"frame": [{"name": "trade", "lemmas": ["x", 7]}]}, "f")
    with pytest.raises(CorpusError, match=r"'counts' 'japan': Input should be greater than or "
                                          r"equal to 0, got -1"):
        check_lexicon("background.toml", {"counts": {"japan": -1}}, "background.toml")


def test_a_file_passes_through_with_only_the_keys_written():
    # a corpus frames.toml that adds lemmas must not blank the general file's other keys
    data = {"frame": [{"name": "economic", "lemmas": ["yen"]}]}
    assert check_lexicon("frames.toml", data, "corpus/frames.toml") == data
    # files no schema knows are left alone
    assert check_lexicon("notes.toml", {"anything": 1}, "notes.toml") == {"anything": 1}
