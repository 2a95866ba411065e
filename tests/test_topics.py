"""Topic model and key terms: hand-checkable scores, a two-theme corpus, the bundled run."""


import numpy as np
import pytest
from scipy import sparse

from pipeline.config import TopicSettings, load_config
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.errors import ConfigError
from pipeline.stages import STAGES
from pipeline.stages.topics.model import (
    Candidate,
    TooLittleText,
    candidate_sizes,
    choose,
    document_shares,
    fit_matrix,
    matched_overlap,
    npmi_coherence,
    topic_label,
)

from .conftest import OPED, OVERVIEW, original_text, rerun_matches, write_corpus

TOPIC_STAGES = [s for s in STAGES if s.name in ("ingest", "parse", "entities", "topics")]

FOOTBALL = [
    "The striker scored a goal and the football club won the league match at the stadium.",
    "Fans in the stadium cheered when the goalkeeper saved a penalty in the football match.",
    "The coach praised the striker and the goalkeeper after the club won the league match.",
    "A penalty by the striker gave the football club a league win in front of the fans.",
    "The club coach said the goalkeeper and the striker played a great match at the stadium.",
    "After the league match the football fans waited outside the stadium for the coach.",
]
BAKING = [
    "The baker kneaded the dough, put the bread in the oven and baked a cake with sugar.",
    "The baker mixed flour, butter and sugar into a dough for the bread and the cake.",
    "Bake the cake and the bread in a hot oven, then brush the dough with melted butter.",
    "Good bread and a good cake need flour, butter, sugar and an oven that the baker trusts.",
    "The baker sold fresh bread and cake baked in the oven from butter, flour and sugar.",
    "Sift the flour and sugar, fold in the butter, and bake the dough in the baker's oven.",
]


def two_theme_corpus(root):
    """Two documents, each mixing football and baking paragraphs, one with a reader comment."""
    doc_a = "\n\n".join(p for pair in zip(FOOTBALL[:3], BAKING[:3]) for p in pair)
    doc_b = "\n\n".join(p for pair in zip(BAKING[3:], FOOTBALL[3:]) for p in pair)
    doc_b += ("\n\n2 thoughts on “Match day”\n\nThe stadium was cold but the striker was great."
              "\n\nReply")
    return write_corpus(root, {"doc-a": ("overview", doc_a), "doc-b": ("op-ed", doc_b)})


def run_topics(nlp, corpus, out, config_text=""):
    config_file = out.parent / f"{out.name}.toml"
    config_file.write_text(config_text, encoding="utf-8")
    runner = Runner(TOPIC_STAGES, load_config(config_file), corpus, out, nlp=nlp)
    runner.run()
    return out


@pytest.fixture(scope="module")
def two_themes(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("themes")
    corpus = two_theme_corpus(root / "corpus")
    return corpus, run_topics(nlp, corpus, root / "out",
                              "[topics]\nn_topics_range = [2, 4]\n")


def test_npmi_by_hand():
    # four sentences: a and b together in one, a alone in one, b alone in one, c alone in one
    m = sparse.csc_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]))
    # p(a)=p(b)=1/2, p(ab)=1/4: log(0.25/0.25) = 0 -> NPMI 0; a and c never together -> -1
    assert npmi_coherence([[0, 1], [0, 2]], m) == [0.0, -1.0]
    # a, b and c: mean of 0, -1, -1
    assert npmi_coherence([[0, 1, 2]], m) == [pytest.approx(-2 / 3)]


def test_topic_overlap_is_matched_one_to_one():
    # {1,2,3} best matches {1,2,4} (2 of 4 shared); {5,6} then takes {5,7} (1 of 3)
    assert matched_overlap([[1, 2, 3], [5, 6]], [[5, 7], [1, 2, 4]]) == [0.5, pytest.approx(1 / 3)]


def test_choice_prefers_coherence_among_stable_models():
    def cand(k, coherence, stability):
        return Candidate(k, None, [coherence], [stability])
    cands = [cand(2, 0.1, 0.9), cand(3, 0.4, 0.7), cand(4, 0.5, 0.3)]
    assert choose(cands, 0.6).k == 3       # 4 is more coherent but unstable
    assert choose(cands, 0.95).k == 2      # none stable enough: the most stable


def test_labels_prefer_phrases_over_their_words():
    assert topic_label(["trade", "trade imbalance", "export", "import"]) == \
        "trade imbalance / export / import"
    assert topic_label(["security", "regional", "regional stability", "asia"]) == \
        "security / regional stability / asia"


def test_document_shares_weight_units_by_size_and_bootstrap_brackets_them():
    weights = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    share, lo, hi = document_shares(weights, np.array([2.0, 1.0, 2.0]), bootstrap=500,
                                    rng=np.random.default_rng(1))
    assert share.tolist() == [0.6, 0.4]  # (2 + 1) / 5 and (1 + 1) / 5
    assert (lo <= share).all() and (share <= hi).all() and (hi - lo > 0).all()


def test_too_many_topics_for_the_units_is_too_little_text_not_a_failure():
    # TooLittleText (a ConfigError) is caught by the stage: empty topic tables, the run goes on
    with pytest.raises(TooLittleText) as err:
        candidate_sizes(TopicSettings(n_topics_range=(10, 12)), n_units=9, n_terms=40)
    message = str(err.value)
    assert "n_topics_range = [10, 12] asks for 10 or more topics" in message
    assert "only 9 topic units" in message and "n_topics_range = [2, 8]" in err.value.fix
    with pytest.raises(ConfigError):
        candidate_sizes(TopicSettings(n_topics=12), n_units=9, n_terms=40)
    # a range reaching past the units is cut at the number of units
    assert candidate_sizes(TopicSettings(n_topics_range=(2, 12)), n_units=5, n_terms=40) == \
        [2, 3, 4, 5]


def test_empty_vocabulary_after_filtering_is_a_clear_error():
    units = [["goal"], ["cake"], ["oven"]]  # every term in one unit only
    with pytest.raises(ConfigError) as err:
        fit_matrix(units, TopicSettings(min_df=2))
    assert "No terms are left for topics" in str(err.value)
    assert "min_df" in err.value.fix


def test_two_themes_are_split_into_two_topics(two_themes):
    _, out = two_themes
    selection = read_table(out / "tables" / "topic_selection.csv")
    assert selection[selection.chosen].n_topics.tolist() == [2]
    topics = read_table(out / "tables" / "topics.csv")
    top = {t: set(g.nsmallest(5, "rank").term) for t, g in topics.groupby("topic_id")}
    football = {"striker", "goalkeeper", "match", "club", "league", "stadium", "football",
                "penalty", "fan", "coach"}
    baking = {"dough", "bread", "oven", "loaf", "cake", "pastry", "flour", "butter", "sugar",
              "baker"}
    assert sorted([len(terms & football) >= 4 and not terms & baking,
                   len(terms & baking) >= 4 and not terms & football]
                  for terms in top.values()) == [[False, True], [True, False]]
    # every paragraph's dominant topic is its theme
    seg = read_table(out / "tables" / "segment_topics.csv")
    segments = read_table(out / "tables" / "segments.csv").set_index(["doc_id", "segment_id"])
    dominant = seg[seg.dominant & (seg.part == "paragraph")]
    theme_topic = {}
    for row in dominant.itertuples():
        text = segments.loc[(row.doc_id, row.segment_id), "text"]
        theme = "football" if text in FOOTBALL else "baking"
        assert text in FOOTBALL + BAKING
        assert theme_topic.setdefault(theme, row.topic_id) == row.topic_id
    assert len(dominant) == 12 and len(set(theme_topic.values())) == 2


def test_comment_is_scored_but_never_fitted(two_themes, nlp, tmp_path):
    corpus, out = two_themes
    seg = read_table(out / "tables" / "segment_topics.csv")
    comment = seg[seg.part == "comment"]
    assert not comment.empty and comment.weight.sum() == pytest.approx(1.0, abs=1e-5)
    doc_topics = read_table(out / "tables" / "doc_topics.csv")
    assert set(doc_topics.scope) == {"body", "comment"}
    # the same corpus without parsing the comment gives the same topics
    parts = '["title", "heading", "paragraph", "list_item"]'
    without = run_topics(nlp, corpus, tmp_path / "without",
                         f"[parse]\nparts = {parts}\n[topics]\nn_topics_range = [2, 4]\n")
    for name in ("topics.csv", "topic_selection.csv"):
        assert (without / "tables" / name).read_bytes() == (out / "tables" / name).read_bytes()


def test_bundled_shares_sum_to_one_and_tables_point_at_text(bundled_run):
    doc_topics = read_table(bundled_run / "tables" / "doc_topics.csv")
    sums = doc_topics.groupby(["doc_id", "scope"]).share.sum()
    assert set(sums.index.get_level_values(0)) == {OPED, OVERVIEW}
    assert np.allclose(sums, 1.0, atol=1e-5)
    assert (doc_topics.share_low <= doc_topics.share + 1e-9).all()
    assert (doc_topics.share <= doc_topics.share_high + 1e-9).all()
    seg = read_table(bundled_run / "tables" / "segment_topics.csv")
    segments = read_table(bundled_run / "tables" / "segments.csv")
    merged = seg.merge(segments, on=["doc_id", "segment_id", "part", "start_char", "end_char"])
    assert len(merged) == len(seg)
    assert set(seg.part) == {"paragraph", "list_item", "comment"}
    selection = read_table(bundled_run / "tables" / "topic_selection.csv")
    assert selection.n_topics.tolist() == list(range(2, 9)) and selection.chosen.sum() == 1
    topics = read_table(bundled_run / "tables" / "topics.csv")
    assert topics.topic_id.nunique() == selection[selection.chosen].n_topics.iloc[0]


def test_keyterm_counts_match_the_tokens(bundled_run):
    keyterms = read_table(bundled_run / "tables" / "keyterms.csv")
    tokens = read_table(bundled_run / "tables" / "tokens.csv")
    entities = read_table(bundled_run / "tables" / "entities.csv")
    sentences = read_table(bundled_run / "tables" / "sentences.csv")
    body = sentences[sentences.part.isin(["title", "heading", "paragraph", "list_item"]) &
                     sentences.duplicate_of.isna()]
    for doc_id in (OPED, OVERVIEW):
        text = original_text(doc_id)
        doc_terms = keyterms[keyterms.doc_id == doc_id]
        assert set(doc_terms.method) == {"tfidf", "textrank"}
        assert (doc_terms.groupby("method").size() == 15).all()
        for row in doc_terms.itertuples():
            # a name counts under its canonical name: "Pak-Japan relations" is the term
            # "pakistan japan relation"; the offsets still point at what is written
            assert text[row.start_char:row.end_char].lower()[:3] == row.term[:3]
        ids = set(body[body.doc_id == doc_id].sentence_id)
        japan = tokens[(tokens.doc_id == doc_id) & tokens.sentence_id.isin(ids) &
                       (tokens.text == "Japan")]
        # a "Japan" inside a longer name ("Japan International Cooperation Agency") belongs
        # to that name's term, not to "japan"
        names = entities[(entities.doc_id == doc_id) & (entities.canonical != "Japan")]
        inside = sum(((names.start_char <= t.start_char) & (names.end_char >= t.end_char)).any()
                     for t in japan.itertuples())
        row = doc_terms[(doc_terms.method == "tfidf") & (doc_terms.term == "japan")]
        assert row["count"].tolist() == [len(japan) - inside]
        if doc_id == OVERVIEW:  # the overview names the Japan International Cooperation Agency
            assert inside == 1


def test_topic_tables_are_byte_identical_on_a_second_run(bundled_run, nlp, tmp_path):
    assert rerun_matches(bundled_run, tmp_path, nlp, "topics", ("topics", "topic_selection", "segment_topics", "doc_topics", "keyterms")) == []


def test_lda_option_also_separates_the_two_themes():
    from pipeline.stages.topics.model import fit_topics

    def words(text):
        return [w.strip(".,'").lower() for w in text.split() if len(w) > 3]

    units = [words(t) for t in FOOTBALL + BAKING]
    settings = TopicSettings(method="lda", n_topics=2, min_df=2, max_df=0.9)
    model, candidates, best = fit_topics(units, units, settings)
    weights = model.unit_weights(units)
    football, baking = weights[:6].argmax(axis=1), weights[6:].argmax(axis=1)
    assert len(set(football)) == 1 and len(set(baking)) == 1 and football[0] != baking[0]
    assert [c.k for c in candidates] == [2]


def _run_whole(tmp_path, corpus, nlp):
    """Run every stage on a small corpus of groups g1 and g2; each must run."""
    config = tmp_path / "c.toml"
    config.write_text('compare = ["g1", "g2"]\n', encoding="utf-8")
    out = tmp_path / "out"
    results = Runner(STAGES, load_config(config), corpus, out, nlp=nlp).run()
    assert [r.status for r in results] == ["ran"] * len(STAGES)
    return out


@pytest.mark.parametrize("first", [
    "the cat sat on the mat and it was warm.\n\nthen it slept for a while in the sun.\n",
    "\u2003\u00a0\u2003\n\u2002\n",  # a document of Unicode spaces only
])
def test_too_little_text_is_a_result_and_the_run_goes_on(tmp_path, nlp, first):
    corpus = write_corpus(tmp_path / "corpus", {
        "x": ("g1", first),
        "y": ("g2", "a dog ran in the park and barked at birds.\n\n"
                    "it was a nice day for a long walk.\n")})
    out = _run_whole(tmp_path, corpus, nlp)
    topics = read_table(out / "tables" / "topics.csv")
    assert topics.empty and {"topic_id", "label", "term", "weight"} <= set(topics.columns)
    assert read_table(out / "tables" / "doc_topics.csv").empty
    # what the other stages find still stands: key terms of the dog text, its sentences
    keyterms = read_table(out / "tables" / "keyterms.csv")
    assert "park" in set(keyterms.loc[keyterms["doc_id"] == "y", "term"])
    frames = read_table(out / "tables" / "frames_sentences.csv")
    assert (frames["doc_id"] == "y").sum() == 2
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No topic model for this corpus: too little text" in page


def test_a_corpus_that_names_nothing_runs_to_the_end(tmp_path, nlp):
    # no person, place, organisation, date or amount anywhere
    corpus = write_corpus(tmp_path / "corpus", {
        "x": ("g1", "the cat sat on the mat and it was warm in the house.\n\n"
                    "then it slept in the sun and dreamt of fish and milk.\n\n"
                    "the cat woke up and ate its food and drank some water.\n"),
        "y": ("g2", "a dog ran in the park and barked at birds.\n\n"
                    "the dog came home and slept on the warm rug by the fire.\n\n"
                    "the dog chased a ball across the grass and then rested.\n")})
    out = _run_whole(tmp_path, corpus, nlp)
    assert read_table(out / "tables" / "entities.csv").empty
    assert (out / "figures" / "entity_networks.png").is_file()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No person, place, organisation or other name was found" in page


def test_asking_for_more_topics_than_units_gives_empty_topic_tables(bundled_run, tmp_path, nlp):
    from pipeline.engine.catalog import read_table

    from .conftest import rerun_copy

    config = tmp_path / "c.toml"
    config.write_text("[topics]\nn_topics = 500\n", encoding="utf-8")
    out = rerun_copy(bundled_run, tmp_path / "out", nlp, "topics", config)
    topics = read_table(out / "tables" / "topics.csv")
    assert topics.empty and "topic_id" in topics.columns
