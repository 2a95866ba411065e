"""Shared claims: set cosine of content terms, at least two shared, a calibrated threshold."""

import importlib.util
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from pipeline.config import load_config
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.stages import STAGES
from pipeline.stages.framing.alignment import best_matches, term_matrix, term_set_similarity
from tests.conftest import REPO

PAIRS = [json.loads(line) for line in
         (REPO / "tests" / "data" / "claim_pairs.jsonl").read_text("utf-8").splitlines()]


def _bench():
    spec = importlib.util.spec_from_file_location("claim_threshold",
                                                  REPO / "bench" / "claim_threshold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_set_cosine_by_hand():
    # 2 shared of 3 and 4 terms: 2 / sqrt(12)
    assert term_set_similarity({"loan", "japan", "pledge"}, {"loan", "japan", "x", "y"}) == \
        pytest.approx(2 / 12 ** 0.5, abs=1e-6)
    assert term_set_similarity(set(), {"x"}) == 0.0
    assert term_set_similarity({"a", "b"}, {"b", "a"}) == 1.0


def test_one_shared_word_is_never_a_match_however_short_the_sentences():
    # "minister" alone: cosine 1/sqrt(2) = 0.71, above any threshold, yet one word
    matrix, _ = term_matrix([["minister", "visit"], ["minister", "resign"],
                             ["minister", "visit", "tokyo", "trade", "talk"]])
    x = sparse.csr_matrix(matrix)
    index, score, shared = best_matches(x[[0]], x[[1, 2]], min_shared=2)
    assert index.tolist() == [1] and shared.tolist() == [2]
    assert score[0] == pytest.approx(2 / 10 ** 0.5)
    index, _, _ = best_matches(x[[1]], x[[0, 2]], min_shared=2)
    assert index.tolist() == [-1]  # "minister resign" shares one word with each


def _all_pairs(x_from, x_to, min_shared):
    """Every pair compared, as a dense matrix: what best_matches must agree with."""
    a, b = x_from.toarray(), x_to.toarray()
    common = a @ b.T
    norm = np.sqrt(np.outer(a.sum(axis=1), b.sum(axis=1)))
    sims = np.divide(common, norm, out=np.zeros_like(common), where=norm > 0)
    sims[common < min_shared] = -1.0
    best = sims.argmax(axis=1) if b.shape[0] else np.zeros(a.shape[0], dtype=int)
    rows = np.arange(a.shape[0])
    found = sims[rows, best] >= 0 if b.shape[0] else np.zeros(a.shape[0], dtype=bool)
    return (np.where(found, best, -1), np.where(found, sims[rows, best] if b.shape[0] else 0, 0.0),
            np.where(found, common[rows, best] if b.shape[0] else 0, 0))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sets(st.integers(0, 11), max_size=6), max_size=14),
       st.lists(st.sets(st.integers(0, 11), max_size=6), max_size=14),
       st.integers(1, 3))
def test_only_pairs_that_share_a_term_are_formed_and_the_best_is_the_all_pairs_best(
        left, right, min_shared):
    """The sparse search (an inverted index from terms to sentences) finds exactly what
    comparing every pair finds, ties to the earliest sentence included."""
    def matrix(sets):
        rows = [i for i, s in enumerate(sets) for _ in s]
        cols = [j for s in sets for j in sorted(s)]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), 12))

    x_from, x_to = matrix(left), matrix(right)
    index, score, shared = best_matches(x_from, x_to, min_shared)
    want_index, want_score, want_shared = _all_pairs(x_from, x_to, min_shared)
    assert index.tolist() == want_index.tolist()
    assert score.tolist() == want_score.tolist()
    assert shared.tolist() == want_shared.astype(int).tolist()


@pytest.fixture(scope="module")
def pair_run(tmp_path_factory, nlp):
    bench = _bench()
    root = tmp_path_factory.mktemp("pairs")
    corpus = bench.write_pair_corpus(PAIRS, root / "corpus")
    (root / "config.toml").write_text('compare = ["a", "b"]\n', encoding="utf-8")
    out = root / "out"
    analysis = [s for s in STAGES if not s.name.endswith("_charts") and s.name != "report"]
    Runner(analysis, load_config(root / "config.toml"), corpus, out, nlp=nlp).run()
    return out, bench.pair_scores(out, PAIRS)


def test_written_pairs_were_labelled_as_asked():
    labels = [p["label"] for p in PAIRS]
    assert {lab: labels.count(lab) for lab in set(labels)} == {
        "paraphrase": 40, "contradiction": 40, "same_topic": 40, "unrelated": 40}


def test_default_threshold_separates_same_claims_from_same_topic(pair_run):
    """The threshold was chosen on these pairs, so these figures are optimistic; the
    held-out estimate (bench/claim_threshold.py, half chosen / half scored) was
    precision 0.95, recall 0.76."""
    _, scores = pair_run
    settings = load_config().framing
    result = _bench().scores_at(scores, settings.align_threshold, settings.align_min_shared)
    assert result["precision"] >= 0.95 and result["recall"] >= 0.65
    assert result["same_topic_passed"] <= 1 and result["unrelated_passed"] == 0
    # the old rule (any overlap, TF-IDF 0.3) let a same-topic pair through on one word:
    # with a single shared term no pair passes, whatever its cosine
    one_word = scores[scores["shared"] == 1]
    assert len(one_word) > 10 and not _bench().scores_at(
        one_word, settings.align_threshold, settings.align_min_shared)["recall"]


def test_contradicting_numbers_are_reported_as_differing(pair_run):
    out, _ = pair_run
    alignment = read_table(out / "tables" / "alignment.csv")
    sentences = read_table(out / "tables" / "sentences.csv")
    paragraph = {(d, s): g for d, s, g in zip(sentences["doc_id"], sentences["sentence_id"],
                                               sentences["segment_id"], strict=True)}
    order = {d: sorted(sentences.loc[sentences["doc_id"] == d, "segment_id"].unique())
             for d in ("a", "b")}
    rows = alignment[(alignment["group"] == "a") & alignment["aligned"]]
    verdicts = {"contradiction": [], "paraphrase": []}
    for r in rows.itertuples():
        i = order["a"].index(paragraph[("a", r.sentence_id)])
        j = order["b"].index(paragraph[("b", int(r.match_sentence_id))])
        label = PAIRS[i]["label"]
        if i == j and label in verdicts and isinstance(r.numbers_agree, str) and r.numbers_agree:
            verdicts[label].append(r.numbers_agree)
    contra, para = verdicts["contradiction"], verdicts["paraphrase"]
    # written contradictions of a figure: the numbers differ (wholly or partly)
    assert len(contra) >= 12 and np.mean([v in ("differ", "partly") for v in contra]) >= 0.9
    # paraphrases keep their figures (one wrote "$500 million" as "half a billion")
    assert len(para) >= 10 and np.mean([v == "agree" for v in para]) >= 0.85
