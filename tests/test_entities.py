from collections import Counter
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

from pipeline.config import EntitySettings
from pipeline.corpus.entity_lexicon import LexiconEntry, lexicon_entries
from pipeline.corpus.lexicons import Lexicon
from pipeline.errors import CorpusError
from pipeline.stages.entities.corrections import alias_persons, heading_support
from pipeline.stages.entities.ruler import LexiconRuler, segment_mentions
from pipeline.stages.entities.spans import Mention, clean_span, merge_adjacent_persons
from pipeline.stages.entities.tables import cooccurrence_table, entity_comparison
from pipeline.stats.ratios import log_ratio

LABELS = set(EntitySettings().labels)


def span(doc, start, end, label):
    return Span(doc, start, end, label=label)


def test_clean_drops_determiner_possessive_and_open_parenthesis(nlp):
    doc = nlp.make_doc("the Asia-Pacific region’s power and a Memorandum of Understanding (MoU")
    region = clean_span(span(doc, 0, 6, "LOC"))  # the Asia - Pacific region ’s
    assert region.text == "Asia-Pacific region"
    mou = clean_span(span(doc, 8, len(doc), "WORK_OF_ART"))
    assert mou.text == "Memorandum of Understanding"


def test_amounts_keep_the_currency_sign_and_magnitude_written_against_them(nlp):
    doc = nlp.make_doc("GM pays $2bn to Fiat; Ford saved £6m, and it costs $ 5 now.")
    tokens = [t.text for t in doc]
    assert tokens[2:4] == ["$", "2bn"] and tokens[9:12] == ["£", "6", "m"]
    assert clean_span(span(doc, 3, 4, "MONEY")).text == "$2bn"
    assert clean_span(span(doc, 10, 11, "MONEY")).text == "£6m"
    assert clean_span(span(doc, 17, 18, "MONEY")).text == "5"  # a sign set apart stays apart
    assert clean_span(span(doc, 10, 11, "CARDINAL")).text == "6"  # only amounts of money


def test_adjacent_person_spans_are_one_name(nlp):
    doc = nlp.make_doc("Bilawal Bhutto Zardari visited Japan")
    merged = merge_adjacent_persons([span(doc, 0, 2, "PERSON"), span(doc, 2, 3, "PERSON"),
                                      span(doc, 4, 5, "GPE")])
    assert [(s.text, s.label_) for s in merged] == [("Bilawal Bhutto Zardari", "PERSON"),
                                                    ("Japan", "GPE")]


def test_generic_head_after_a_place_name_is_not_part_of_it(nlp):
    from pipeline.stages.entities.spans import without_generic_head

    heads = frozenset({"region", "area"})
    doc = nlp.make_doc("the Asia-Pacific region and the Bay Area and the Tokyo area")
    # tokens: the Asia - Pacific region and the Bay Area and the Tokyo area
    assert without_generic_head(span(doc, 1, 5, "LOC"), heads).text == "Asia-Pacific"
    assert without_generic_head(span(doc, 7, 9, "LOC"), heads).text == "Bay Area"  # capital
    assert without_generic_head(span(doc, 11, 13, "GPE"), heads).text == "Tokyo"
    assert without_generic_head(span(doc, 11, 13, "ORG"), heads).text == "Tokyo area"  # no place


def test_titles_and_laws_named_with_a_or_an_are_kinds_of_documents(nlp):
    from pipeline.stages.entities.spans import a_type_not_a_title

    doc = nlp("They signed a Memorandum of Understanding and read A Room With A View.")
    # tokens: They signed a Memorandum of Understanding and read A Room With A View .
    assert a_type_not_a_title(span(doc, 2, 6, "WORK_OF_ART"))  # the model took "a" in
    assert a_type_not_a_title(span(doc, 3, 6, "LAW"))  # "a" before, determining "Memorandum"
    assert not a_type_not_a_title(span(doc, 8, 13, "WORK_OF_ART"))  # a title's own capital A
    assert not a_type_not_a_title(span(doc, 3, 6, "ORG"))


def test_canonical_names_differing_in_hyphens_or_case_areone_spelling():
    from pipeline.stages.entities.corrections import one_spelling

    mentions = [m("Middle East", "LOC", 0), m("Middle-East", "LOC", 20),
                m("Middle East", "LOC", 40), m("Asia pacific", "LOC", 60),
                m("Asia-Pacific", "LOC", 80), m("Middle East", "ORG", 100)]
    out = one_spelling(mentions)
    assert [x.canonical for x in out] == ["Middle East", "Middle East", "Middle East",
                                          "Asia pacific", "Asia pacific",  # tie: the first
                                          "Middle East"]
    assert [x.text for x in out] == [x.text for x in mentions]  # texts untouched


def test_lexicon_later_file_wins_and_general_can_be_skipped():
    general = Lexicon("pipeline/data/entities.toml", {"entity": [
        {"canonical": "Tokyo", "label": "GPE", "aliases": ["Tokyo"], "refers_to": "Japan"}]})
    own = Lexicon("corpus/entities.toml", {"entity": [
        {"canonical": "Tokyo Metropolis", "label": "GPE", "aliases": ["Tokyo"]}]})
    assert lexicon_entries([general, own])[0].canonical == "Tokyo Metropolis"
    assert lexicon_entries([general, own], use_general=False)[0].refers_to == ""
    assert [e.aliases for e in lexicon_entries([general])] == [("Tokyo",)]


def test_ruler_sets_lexicon_spans_and_yields_inside_longer_model_entities(nlp):
    entries = [LexiconEntry("Washington", "GPE", ("Washington",), "United States"),
               LexiconEntry("United States", "GPE", ("US",))]
    ruler = LexiconRuler(nlp, entries)
    doc = nlp("The Washington Post says the US and Washington disagree.")
    doc.set_ents([span(doc, 1, 3, "ORG")], default="outside")  # "Washington Post" as ORG
    found = {(s.text, s.label_, src) for s, src in segment_mentions(doc, ruler, nlp, LABELS)}
    assert ("Washington Post", "ORG", "model") in found
    assert ("US", "GPE", "ruler") in found and ("Washington", "GPE", "ruler") in found
    assert not any(text == "Washington" and src == "ruler" and label != "GPE"
                   for text, label, src in found)


def m(text, label, start, part="paragraph", source="model", doc_id="d"):
    return Mention(doc_id, part, 0, start, start + len(text), text, label, text, "", source)


def test_partial_person_names_take_the_one_full_name():
    mentions = [m("Bilawal Bhutto Zardari", "PERSON", 0), m("Bhutto Zardari", "PERSON", 40),
                m("Bilawal", "ORG", 80), m("Hayashi Yoshimasa", "PERSON", 100),
                m("Hayashi", "ORG", 130), m("Pakistan", "GPE", 150),
                m("Zardari", "PERSON", 5, doc_id="other")]
    out = {(x.doc_id, x.text): x for x in alias_persons(mentions, corpus_wide=True)}
    assert out[("d", "Bhutto Zardari")].canonical == "Bilawal Bhutto Zardari"
    assert (out[("d", "Bilawal")].label, out[("d", "Bilawal")].source) == ("PERSON", "alias")
    assert out[("d", "Hayashi")].canonical == "Hayashi Yoshimasa"
    assert out[("d", "Pakistan")].canonical == "Pakistan"  # places are never people
    assert out[("other", "Zardari")].canonical == "Bilawal Bhutto Zardari"  # across documents
    local = {(x.doc_id, x.text): x for x in alias_persons(mentions, corpus_wide=False)}
    assert local[("other", "Zardari")].canonical == "Zardari"


def test_ambiguous_partial_name_is_left_alone():
    mentions = [m("Imran Khan", "PERSON", 0), m("Ayub Khan", "PERSON", 20), m("Khan", "PERSON", 40)]
    out = alias_persons(mentions, corpus_wide=True)
    assert out[2].canonical == "Khan"


def test_heading_entities_need_body_support_and_body_names_are_found_in_headings():
    text = "Pakistan FM Visit To Japan\n\nMajor Takeaways\n\nPakistan and Japan met."
    mentions = [m("Pakistan FM Visit To Japan", "ORG", 0, part="title"),
                m("Takeaways", "PERSON", 34, part="heading"),
                m("Pakistan", "GPE", 45), m("Japan", "GPE", 58)]
    segments = {"d": [("title", 0, text[:26], [(0, 26, 0)]),
                      ("heading", 28, text[28:43], [(0, 15, 1)]),
                      ("paragraph", 45, text[45:], [(0, 23, 2)])]}
    out = heading_support(mentions, segments, {"d": text}, [])
    got = sorted((x.part, x.text, x.source) for x in out)
    assert got == [("paragraph", "Japan", "model"), ("paragraph", "Pakistan", "model"),
                   ("title", "Japan", "propagated"), ("title", "Pakistan", "propagated")]


def test_log_ratio_and_comparison_by_hand():
    # the one log ratio of every table (Hardie's: only a zero count becomes 0.5)
    assert log_ratio(8, 1000, 2, 1000) == 2.0  # log2((8/1000)/(2/1000)) = log2(4)
    # log2((0.5/500)/(3/1000)) = log2(1/3) = -1.585
    assert log_ratio(0, 500, 3, 1000) == pytest.approx(-1.585, abs=1e-3)
    summary = pd.DataFrame({
        "doc_id": ["a", "a", "b"], "scope": ["body"] * 3, "canonical": ["Japan", "China", "Japan"],
        "label": ["GPE"] * 3, "mentions": [8, 3, 2], "per_1k_words": [0, 0, 0],
        "first_position": [0, 0, 0], "sentence_share": [0, 0, 0]})
    documents = pd.DataFrame({"doc_id": ["a", "b"], "group": ["op-ed", "overview"],
                              "n_words": [1000, 1000]})
    table = entity_comparison(summary, documents, ("overview", "op-ed")).set_index("canonical")
    assert table.loc["Japan", ["mentions_a", "mentions_b"]].tolist() == [2, 8]
    assert table.loc["Japan", "rate_b"] == 8.0
    assert table.loc["Japan", "log_ratio"] == -2.0  # overview 2, op-ed 8, per 1,000 words each
    assert table.loc["China", "only_in"] == "op-ed"


def test_cooccurrence_counts_distinct_sentences():
    counted = pd.DataFrame({"doc_id": ["d"] * 5, "sentence_id": [0, 0, 0, 1, 1],
                            "canonical": ["Japan", "Pakistan", "Japan", "Japan", "Pakistan"],
                            "scope": ["body"] * 5})
    table = cooccurrence_table(counted)
    assert table.values.tolist() == [["d", "Japan", "Pakistan", 2]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["d1", "d2", "d3"]), st.integers(0, 4),
                          st.sampled_from(["Abe", "Bhutto", "China", "Japan", "Sharif"]),
                          st.sampled_from(["body", "body", "comment"])), max_size=40))
def test_cooccurrence_by_sparse_product_counts_as_pairs_within_sentences(rows):
    """The sparse product against counting the pairs of each sentence one by one."""
    counted = pd.DataFrame(rows, columns=["doc_id", "sentence_id", "canonical", "scope"])
    expected = Counter()
    body = [r for r in rows if r[3] == "body"]
    for doc_id, sentence_id in {(r[0], r[1]) for r in body}:
        names = sorted({r[2] for r in body if (r[0], r[1]) == (doc_id, sentence_id)})
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                expected[(doc_id, a, b)] += 1
    table = cooccurrence_table(counted)
    assert list(table.columns) == ["doc_id", "entity_a", "entity_b", "sentences"]
    assert [tuple(r[:3]) + (int(r[3]),) for r in table.values.tolist()] == \
        [(*k, n) for k, n in sorted(expected.items())]


# ---- on the bundled corpus -------------------------------------------------------------

def _tables(out):
    from pipeline.engine.catalog import read_table

    return {n: read_table(out / "tables" / f"{n}.csv")
            for n in ("entities", "entity_summary", "entity_comparison", "cooccurrence")}


def test_bundled_mentions_point_at_their_text_and_are_minimal(bundled_run):
    from .conftest import OPED, OVERVIEW, original_text

    ents = _tables(bundled_run)["entities"]
    texts = {d: original_text(d) for d in (OPED, OVERVIEW)}
    for row in ents.itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    assert not ents.text.str.contains(r"(?:'s|’s)$").any()
    assert not ents.text.str.match(r"(?i)the ").any()
    assert "Takeaways" not in set(ents.text)  # a heading word is no person


def test_bundled_person_names_are_one_canonical_person(bundled_run):
    ents = _tables(bundled_run)["entities"]
    zardari = ents[ents.text.str.contains("Zardari") | (ents.text == "Bilawal")]
    assert len(zardari) >= 8
    assert set(zardari.canonical) == {"Bilawal Bhutto Zardari"}
    assert set(zardari.label) == {"PERSON"}
    hayashi = ents[ents.text.str.startswith("Hayashi")]
    assert set(hayashi.canonical) == {"Hayashi Yoshimasa"} and set(hayashi.label) == {"PERSON"}


def test_bundled_metonyms_abbreviations_and_headlines(bundled_run):
    from .conftest import OPED

    ents = _tables(bundled_run)["entities"]
    assert set(ents[ents.text == "Tokyo"].refers_to) == {"Japan"}
    assert set(ents[ents.text == "Islamabad"].refers_to) == {"Pakistan"}
    jica = ents[ents.text == "JICA"]
    assert len(jica) == 1 and jica.iloc[0].canonical == "Japan International Cooperation Agency"
    title = ents[(ents.doc_id == OPED) & (ents.part == "title")]
    assert sorted(title.text) == ["Japan", "Pakistan"]


def test_bundled_comment_is_counted_apart(bundled_run):
    from .conftest import OPED

    t = _tables(bundled_run)
    comment = t["entities"][t["entities"].part == "comment"]
    assert "India" in set(comment.text) and "IMF" in set(comment.text)
    summary = t["entity_summary"]
    body = summary[(summary.doc_id == OPED) & (summary.scope == "body")]
    assert "International Monetary Fund" not in set(body.canonical)  # named only in the comment
    in_comment = summary[(summary.doc_id == OPED) & (summary.scope == "comment")]
    assert "International Monetary Fund" in set(in_comment.canonical)


def test_bundled_comparison_and_charts(bundled_run):
    t = _tables(bundled_run)
    comp = t["entity_comparison"].set_index("canonical")
    assert comp.loc["China", "only_in"] == "op-ed" and comp.loc["China", "mentions_a"] == 0
    assert comp.loc["Japan International Cooperation Agency", "only_in"] == "overview"
    assert comp.loc["Japan", "mentions_a"] > 10 and comp.loc["Japan", "mentions_b"] > 20
    pairs = t["cooccurrence"]
    assert ((pairs.entity_a == "Japan") & (pairs.entity_b == "Pakistan")).any()
    for name in ("top_entities", "entity_networks"):
        for suffix in (".png", ".svg"):
            assert (bundled_run / "figures" / f"{name}{suffix}").stat().st_size > 5000


def test_lower_case_names_dropped_and_plural_nationality_agrees():
    from pipeline.stages.entities.corrections import label_agreement

    out = label_agreement([m("democratic", "NORP", 0), m("Pakistani", "NORP", 20),
                            m("Pakistanis", "ORG", 40), m("July 4", "DATE", 60),
                            m("two years", "DATE", 80)])
    assert [(x.text, x.label, x.canonical) for x in out] == [
        ("Pakistani", "NORP", "Pakistani"), ("Pakistanis", "NORP", "Pakistani"),
        ("July 4", "DATE", "July 4"), ("two years", "DATE", "two years")]


def test_titled_names_are_persons_without_the_title(nlp):
    from pipeline.corpus.entity_lexicon import person_titles
    from pipeline.stages.entities.spans import without_title

    titles = person_titles([Lexicon("pipeline/data/entities.toml",
                                    {"person_titles": ["Dr", "Ms", "Mr."]})])
    assert titles == {"Dr", "Ms", "Mr"}
    doc = nlp.make_doc("Dr Nielsen and Mr. Smith met Ms Jane Roe and Drew Barrymore.")
    assert (without_title(span(doc, 0, 2, "ORG"), titles).text,
            without_title(span(doc, 0, 2, "ORG"), titles).label_) == ("Nielsen", "PERSON")
    # tokens: Dr Nielsen and Mr. Smith met Ms Jane Roe and Drew Barrymore .
    assert without_title(span(doc, 3, 5, "PERSON"), titles).text == "Smith"
    assert without_title(span(doc, 6, 9, "PERSON"), titles).text == "Jane Roe"
    assert without_title(span(doc, 10, 12, "PERSON"), titles).text == "Drew Barrymore"
    assert without_title(span(doc, 0, 1, "ORG"), titles).text == "Dr"  # nothing left after it


def test_hyphenated_compound_of_names_is_split_into_its_names(nlp):
    from pipeline.stages.entities.corrections import compound_partners

    entries = [LexiconEntry("Pakistan", "GPE", ("Pak",))]  # one entry per alias, as read
    ruler = LexiconRuler(nlp, entries)
    doc = nlp("Pak-India relations improved.")
    doc.set_ents([span(doc, 0, 3, "ORG")], default="outside")  # the model: "Pak-India" ORG
    found = {(s.text, s.label_, src) for s, src in segment_mentions(doc, ruler, nlp, LABELS)}
    assert ("Pak", "GPE", "ruler") in found and ("Pak-India", "ORG", "model") not in found
    # the other half is named where the document names it elsewhere as an entity
    text = "India and Pakistan met. Pak-India relations improved."
    mentions = [m("India", "GPE", 0), m("Pakistan", "GPE", 10), m("Pak", "GPE", 24, source="ruler")]
    added = [x for x in compound_partners(mentions, {"d": text}) if x.source == "compound"]
    assert [(x.text, x.label, x.start_char) for x in added] == [("India", "GPE", 28)]
    assert text[28:33] == "India"
    # a capitalised word the document never names as an entity is left alone
    assert [x for x in compound_partners([m("Pak", "GPE", 0)], {"d": "Pak-Rail"})
            if x.source == "compound"] == []


def test_organisations_in_mistagged_person_names_stay_organisations():
    mentions = [m("Labour MPs", "PERSON", 0, doc_id="a"), m("Labour", "ORG", 20, doc_id="a"),
                m("BBC Sport Wales", "PERSON", 40, doc_id="a"), m("BBC", "ORG", 60, doc_id="a"),
                *(m("Labour", "ORG", 0, doc_id=d) for d in "bcd"),
                m("Bilawal Bhutto Zardari", "PERSON", 0, doc_id="e"),
                m("Bilawal", "ORG", 30, doc_id="e"), m("Zardari", "PERSON", 50, doc_id="f")]
    out = {(x.doc_id, x.start_char): x for x in alias_persons(mentions, corpus_wide=True)}
    # "Labour" is named 4 times on its own as an ORG; "BBC" and "MPs" are acronyms
    assert (out[("a", 20)].label, out[("a", 20)].canonical) == ("ORG", "Labour")
    assert (out[("a", 60)].label, out[("a", 60)].canonical) == ("ORG", "BBC")
    assert all(out[(d, 0)].label == "ORG" for d in "bcd")
    # a real full name still owns its parts: in its document, and across the corpus
    assert (out[("e", 30)].label, out[("e", 30)].canonical) == ("PERSON", "Bilawal Bhutto Zardari")
    assert out[("f", 50)].canonical == "Bilawal Bhutto Zardari"


def test_one_label_per_name_within_a_document():
    from pipeline.stages.entities.corrections import one_label_per_document

    mentions = [m("Labour", "ORG", 0), m("Labour", "ORG", 20), m("Labour", "PERSON", 40),
                m("Jordan", "GPE", 0, doc_id="e"), m("Jordan", "PERSON", 9, doc_id="e"),
                m("Labour", "PERSON", 0, doc_id="f")]
    out = one_label_per_document(mentions)
    assert [x.label for x in out] == ["ORG", "ORG", "ORG", "GPE", "PERSON", "PERSON"]


def test_nationality_words_refer_to_their_country():
    from pipeline.corpus.entity_lexicon import demonyms
    from pipeline.stages.entities.corrections import with_demonym_countries

    table = demonyms([Lexicon("pipeline/data/entities.toml",
                              {"demonyms": {"Japanese": "Japan", "Pakistani": "Pakistan"}}),
                      Lexicon("corpus/entities.toml", {"demonyms": {"Japanese": "Nippon"}})])
    assert table == {"Japanese": "Nippon", "Pakistani": "Pakistan"}  # the later file wins
    mentions = [m("Pakistanis", "NORP", 0), m("Japanese", "NORP", 20), m("Korean", "NORP", 40),
                m("Pakistani", "ORG", 60), replace(m("Pakistani", "NORP", 80), refers_to="X")]
    out = with_demonym_countries(mentions, table)
    assert [x.refers_to for x in out] == ["Pakistan", "Nippon", "", "", "X"]
    assert [x.canonical for x in out] == [x.canonical for x in mentions]  # names unchanged
    with pytest.raises(CorpusError, match=r"\[demonyms\] must map"):
        demonyms([Lexicon("corpus/entities.toml", {"demonyms": {"Japanese": 3}})])


def test_bundled_nationality_words_refer_to_countries(bundled_run):
    mentions = _tables(bundled_run)["entities"]
    norp = mentions[mentions.label == "NORP"].set_index("text")["refers_to"]
    assert set(norp[["Japanese"]]) == {"Japan"} and set(norp[["Pakistanis"]]) == {"Pakistan"}
    assert set(norp[["Asian"]]) == {""}  # a continent's adjective names no country


def test_groups_are_the_sorted_runs_of_equal_keys_and_majority_breaks_ties_by_name():
    from pipeline.stages.entities.tables import _groups, _majority_label

    table = pd.DataFrame({"doc": ["b", "a", "b", "a", "a"], "name": ["X", "Y", "X", "X", "Y"],
                          "row": [0, 1, 2, 3, 4]})
    ordered, ranges = _groups(table, ["doc", "name"])
    runs = [(ordered["doc"].iloc[lo], ordered["name"].iloc[lo], ordered["row"].iloc[lo:hi].tolist())
            for lo, hi in ranges]
    assert runs == [("a", "X", [3]), ("a", "Y", [1, 4]), ("b", "X", [0, 2])]
    assert _groups(table.iloc[:0], ["doc"])[1] == []
    assert _majority_label(["ORG", "PERSON", "PERSON"]) == "PERSON"
    assert _majority_label(["PERSON", "ORG"]) == "ORG"  # a tie: the first name
    assert _majority_label(["ORG", "PERSON"], [1, 3]) == "PERSON"  # weighted by mentions


def test_amount_bounds_and_periods_named_with_a(nlp):
    doc = nlp.make_doc("It sold for less than $10bn and at least £1.5bn within a decade.")
    words = [t.text for t in doc]
    less, at, a = words.index("less"), words.index("at"), words.index("a")
    assert clean_span(span(doc, less, less + 4, "MONEY")).text == "$10bn"
    assert clean_span(span(doc, at, at + 4, "MONEY")).text == "£1.5bn"
    assert clean_span(span(doc, a, a + 2, "DATE")).text == "a decade"  # "a" is one here
    assert clean_span(span(doc, a, a + 2, "ORG")).text == "decade"


def test_vague_periods_are_not_dates(nlp):
    from pipeline.stages.entities.spans import vague_period

    doc = nlp.make_doc("over the years , within days , in 2005 , a year , the present day")
    assert vague_period(span(doc, 1, 3, "DATE")) and vague_period(span(doc, 5, 6, "DATE"))
    assert vague_period(span(doc, 13, 16, "DATE"))
    assert not vague_period(span(doc, 8, 9, "DATE")) and not vague_period(span(doc, 10, 12, "DATE"))


def test_a_name_after_a_title_is_a_person(nlp):
    from pipeline.stages.entities.spans import after_a_title

    doc = nlp.make_doc("Mr Camus met Dr. Forgeard in Paris")
    titles = frozenset({"Mr", "Dr"})
    assert after_a_title(span(doc, 1, 2, "NORP"), titles).label_ == "PERSON"
    assert after_a_title(span(doc, 4, 5, "ORG"), titles).label_ == "PERSON"
    assert after_a_title(span(doc, 6, 7, "GPE"), titles).label_ == "GPE"


@pytest.mark.parametrize("text,name,expected", [
    ("Shares in oil giant Yukos fell sharply.", "Yukos", True),
    ("It was sold to a firm called Baikal last year.", "Baikal", True),
    ("Companies such as Yukos paid back taxes.", "Yukos", True),
    ("He told the Kommersant newspaper that prices would rise.", "Kommersant", True),
    ("Israeli firms won free access to American markets.", "Israeli", False),
    ("Mr Gref met Yukos managers on Monday.", "Gref", False),
])
def test_the_text_can_call_a_name_an_organisation(nlp, text, name, expected):
    from pipeline.corpus.entity_lexicon import organisation_heads
    from pipeline.corpus.lexicons import PACKAGE_DATA, read_lexicon_file
    from pipeline.stages.entities.spans import named_as_organisation

    path = PACKAGE_DATA / "entities.toml"
    heads = organisation_heads([Lexicon(str(path), read_lexicon_file(path))])
    doc = nlp(text)
    start = text.index(name)
    assert named_as_organisation(doc.char_span(start, start + len(name)), heads) is expected


def test_an_organisation_named_so_once_is_one_in_the_whole_document():
    from pipeline.stages.entities.corrections import organisations_by_head_noun

    out = organisations_by_head_noun([m("Yukos", "ORG", 10, source="head_noun"),
                                      m("Yukos", "PERSON", 50), m("Yukos", "PERSON", 70,
                                                                   doc_id="other")])
    assert [x.label for x in out] == ["ORG", "ORG", "PERSON"]
