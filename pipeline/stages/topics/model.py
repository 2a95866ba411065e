"""Stage ``topics``: themes of the article bodies, from a topic model over paragraphs.

Units are the body segments of ``[topics] unit_parts`` (paragraphs and list
items); each unit is a bag of terms (:mod:`pipeline.nlp.terms`). The model is
scikit-learn's NMF over TF-IDF (or LDA over counts), fitted on the article
units only; reader comments are scored with the fitted model afterwards.

The number of topics is chosen over ``n_topics_range`` by two scores per
candidate ``k``:

* **coherence**: mean NPMI of the pairs of each topic's top terms, counted over
  the corpus' sentences (Bouma 2009; Lau, Newman & Baldwin 2014; Röder, Both &
  Hinneburg 2015). NPMI is 1 for terms that always occur together, 0 for
  independent ones, -1 for terms never seen together.
* **stability**: the model is refitted on ``seeds - 1`` random 80% subsamples of
  the units; each topic of the full model is matched to one of each refit
  (Hungarian assignment on the Jaccard overlap of their top terms) and the
  mean overlap is the stability (Greene, O'Callaghan & Cunningham 2014).

The chosen ``k`` is the most coherent one whose stability reaches
``min_stability``, else the most stable one; ties go to the smaller ``k``.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from threadpoolctl import threadpool_limits

from pipeline.config import TopicSettings
from pipeline.corpus.entity_lexicon import NAME_LABELS
from pipeline.errors import ConfigError
from pipeline.nlp.terms import as_terms, name_mentions, stop_words, term_occurrences
from pipeline.stages.topics.keyterms import textrank_keyterms, tfidf_keyterms
from pipeline.stats.streams import measure_stream

log = logging.getLogger(__name__)

SUBSAMPLE = 0.8
SELECTION_COLUMNS = ["n_topics", "coherence", "stability", "chosen"]
TOPIC_COLUMNS = ["topic_id", "label", "rank", "term", "weight", "coherence", "stability"]
SEGMENT_TOPIC_COLUMNS = ["doc_id", "segment_id", "part", "start_char", "end_char", "topic_id",
                         "weight", "dominant"]
DOC_TOPIC_COLUMNS = ["doc_id", "group", "scope", "topic_id", "label", "share", "share_low",
                     "share_high", "units"]


@dataclass
class TopicModel:
    """A fitted topic model: vectoriser, estimator and the topics' order and labels."""

    vectorizer: TfidfVectorizer | CountVectorizer
    estimator: NMF | LatentDirichletAllocation
    order: np.ndarray  # estimator component index of topic_id 0, 1, ...
    labels: list[str]

    @property
    def terms_(self) -> np.ndarray:
        return self.vectorizer.get_feature_names_out()

    def components(self) -> np.ndarray:
        """Topic-term weights, one row per topic_id, each row summing to 1."""
        h = self.estimator.components_[self.order]
        return h / np.maximum(h.sum(axis=1, keepdims=True), 1e-12)

    def unit_weights(self, unit_terms: list[list[str]]) -> np.ndarray:
        """Topic weights of units, one row per unit summing to 1 (0 for units with no term)."""
        if not unit_terms:
            return np.zeros((0, len(self.order)))
        x = self.vectorizer.transform(unit_terms)
        w = self.estimator.transform(x)[:, self.order]
        w[np.asarray(x.sum(axis=1)).ravel() == 0] = 0.0
        return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)


class TooLittleText(ConfigError):
    """The corpus has too little text (terms or units) for a topic model."""


def make_vectorizer(settings: TopicSettings, n_units: int) -> TfidfVectorizer | CountVectorizer:
    """TF-IDF (NMF) or count (LDA) vectoriser over pre-extracted term lists."""
    cls = TfidfVectorizer if settings.method == "nmf" else CountVectorizer
    return cls(analyzer=as_terms, min_df=min(settings.min_df, max(n_units, 1)),
               max_df=settings.max_df)


def fit_matrix(unit_terms: list[list[str]], settings: TopicSettings):
    """Vectorise the units; a clear error when no term survives the filters."""
    vectorizer = make_vectorizer(settings, len(unit_terms))
    try:
        x = vectorizer.fit_transform(unit_terms)
    except ValueError as err:
        raise TooLittleText(
            f"No terms are left for topics after filtering ({len(unit_terms)} units; "
            f"[topics] min_df = {settings.min_df}, max_df = {settings.max_df}): {err}",
            fix="lower [topics] min_df, raise max_df, keep more POS tags in [topics] pos, "
                "or add more text to the corpus",
        ) from None
    return vectorizer, x


def fit_estimator(x, k: int, seed: int, method: str) -> NMF | LatentDirichletAllocation:
    """One fitted NMF (nndsvda start) or LDA (batch) model with ``k`` topics."""
    if method == "nmf":
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    else:
        model = LatentDirichletAllocation(n_components=k, learning_method="batch",
                                          random_state=seed, max_iter=50)
    return model.fit(x)


def top_term_ids(components: np.ndarray, n: int) -> list[list[int]]:
    """Indices of each row's ``n`` largest weights, largest first (ties: lower index)."""
    return [list(np.lexsort((np.arange(len(row)), -row))[:n]) for row in components]


def npmi_coherence(top_ids: list[list[int]], occurrence: sparse.csc_matrix) -> list[float]:
    """Mean NPMI over the pairs of each topic's top terms.

    ``occurrence`` is a binary reference-unit x term matrix. NPMI(i, j) =
    log(p_ij / (p_i p_j)) / -log(p_ij), -1 when the pair never co-occurs.

    >>> m = sparse.csc_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]]))
    >>> [round(v, 3) for v in npmi_coherence([[0, 1], [0, 2]], m)]
    [1.0, -1.0]
    """
    n = occurrence.shape[0]
    scores = []
    for ids in top_ids:
        sub = occurrence[:, ids]
        co = (sub.T @ sub).toarray().astype(float) / n
        values = []
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                p_ab, p_a, p_b = co[a, b], co[a, a], co[b, b]
                if p_ab == 0:
                    values.append(-1.0)
                elif p_ab == 1:
                    values.append(1.0)
                else:
                    values.append(math.log(p_ab / (p_a * p_b)) / -math.log(p_ab))
        scores.append(float(np.mean(values)) if values else 0.0)
    return scores


def matched_overlap(reference: list[list[int]], other: list[list[int]]) -> list[float]:
    """Per reference topic: Jaccard overlap of top terms with its match in ``other``.

    >>> matched_overlap([[1, 2], [3, 4]], [[3, 4], [1, 5]])
    [0.3333333333333333, 1.0]
    """
    sets_a, sets_b = [set(t) for t in reference], [set(t) for t in other]
    jac = np.array([[len(a & b) / len(a | b) for b in sets_b] for a in sets_a])
    rows, cols = linear_sum_assignment(-jac)
    matched = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return [float(jac[i, matched[i]]) if i in matched else 0.0 for i in range(len(sets_a))]


@dataclass
class Candidate:
    """Scores of one number of topics."""

    k: int
    estimator: NMF | LatentDirichletAllocation
    coherence: list[float]
    stability: list[float]

    @property
    def mean_coherence(self) -> float:
        return float(np.mean(self.coherence))

    @property
    def mean_stability(self) -> float:
        return float(np.mean(self.stability))


def score_candidate(x, occurrence, k: int, settings: TopicSettings) -> Candidate:
    """Fit ``k`` topics on all units and on subsamples; coherence and stability."""
    full = fit_estimator(x, k, settings.random_state, settings.method)
    top = top_term_ids(full.components_, settings.top_terms)
    coherence = npmi_coherence(top, occurrence)
    overlaps = []
    for i in range(1, settings.seeds):
        rng = np.random.default_rng(settings.random_state + i)
        size = max(k, int(round(SUBSAMPLE * x.shape[0])))
        rows = np.sort(rng.choice(x.shape[0], size=size, replace=False))
        refit = fit_estimator(x[rows], k, settings.random_state + i, settings.method)
        overlaps.append(matched_overlap(top, top_term_ids(refit.components_,
                                                          settings.top_terms)))
    stability = np.mean(np.array(overlaps), axis=0).tolist() if overlaps else [1.0] * k
    return Candidate(k, full, coherence, stability)


def choose(candidates: list[Candidate], min_stability: float) -> Candidate:
    """Most coherent candidate that is stable enough, else the most stable one."""
    stable = [c for c in candidates if round(c.mean_stability, 6) >= min_stability]
    if stable:
        return max(stable, key=lambda c: (round(c.mean_coherence, 6), -c.k))
    return max(candidates, key=lambda c: (round(c.mean_stability, 6), -c.k))


def topic_label(terms: list[str], n: int = 3) -> str:
    """A readable label: the first ``n`` top terms, a word skipped when a chosen phrase holds it.

    >>> topic_label(["trade", "trade imbalance", "export", "import"])
    'trade imbalance / export / import'
    """
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words <= set(c.split()) for c in chosen):
            continue
        chosen = [c for c in chosen if not set(c.split()) <= words]
        chosen.append(term)
        if len(chosen) == n:
            break
    return " / ".join(chosen)


def candidate_sizes(settings: TopicSettings, n_units: int, n_terms: int) -> list[int]:
    """The numbers of topics to try, up to the number of units and terms.

    Candidates above that limit are dropped (with a warning); a clear error when
    none is left, or when a fixed ``n_topics`` is above it.
    """
    limit = min(n_units, n_terms)
    if limit < 2:
        raise TooLittleText(f"only {n_units} topic units with terms and {n_terms} terms; a "
                            "topic model needs at least two of each",
                            fix="add more text to the corpus, or lower [topics] min_df")
    if settings.n_topics:
        sizes, what = [settings.n_topics], f"n_topics = {settings.n_topics}"
    else:
        low, high = settings.n_topics_range
        sizes, what = list(range(low, high + 1)), f"n_topics_range = [{low}, {high}]"
    possible = [k for k in sizes if k <= limit]
    if not possible or settings.n_topics > limit:
        raise TooLittleText(
            f"[topics] {what} asks for {min(sizes)} or more topics, but the corpus has only "
            f"{n_units} topic units with terms and {n_terms} terms",
            fix=f"set [topics] n_topics_range = [2, {max(2, min(limit, 8))}] or lower (or "
                "n_topics), or use a larger corpus",
        )
    if len(possible) < len(sizes):
        log.warning("topics: only %d units and %d terms; trying %d to %d topics, not up to %d",
                    n_units, n_terms, possible[0], possible[-1], sizes[-1])
    return possible


def _scored(k: int, x, occurrence, settings: TopicSettings) -> Candidate:
    """:func:`score_candidate` with one maths thread: the same fit on every worker."""
    with threadpool_limits(limits=1):
        return score_candidate(x, occurrence, k, settings)


def fit_topics(unit_terms: list[list[str]], reference_terms: list[list[str]],
               settings: TopicSettings, engine=None
               ) -> tuple[TopicModel, list[Candidate], Candidate]:
    """Fit the topic model, choosing the number of topics; returns model and all candidates.
    ``engine`` (the runner's) fits the candidates in parallel; None: one after another."""
    vectorizer, x = fit_matrix(unit_terms, settings)
    vocabulary = vectorizer.vocabulary_
    n_units = int((np.asarray(x.sum(axis=1)).ravel() > 0).sum())
    sizes = candidate_sizes(settings, n_units, len(vocabulary))
    occurrence = _occurrence_matrix(reference_terms, vocabulary)
    scored = (engine.map(_scored, sizes, x=x, occurrence=occurrence, settings=settings)
              if engine is not None else
              (_scored(k, x, occurrence, settings) for k in sizes))
    candidates = []
    for candidate in scored:
        candidates.append(candidate)
        log.info("topics: k=%d coherence %.3f stability %.3f", candidate.k,
                 candidate.mean_coherence, candidate.mean_stability)
    best = choose(candidates, settings.min_stability)
    w = best.estimator.transform(x)
    order = np.lexsort((np.arange(best.k), -np.round(w.sum(axis=0), 9)))
    model = TopicModel(vectorizer, best.estimator, order, [])
    names = model.terms_
    model.labels = [topic_label([names[i] for i in ids])
                    for ids in top_term_ids(model.components(), settings.top_terms)]
    return model, candidates, best


def _occurrence_matrix(reference_terms: list[list[str]], vocabulary: dict[str, int]):
    rows, cols = [], []
    for r, terms in enumerate(reference_terms):
        for c in {vocabulary[t] for t in terms if t in vocabulary}:
            rows.append(r)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.int32)
    shape = (max(len(reference_terms), 1), len(vocabulary))
    return sparse.csc_matrix((data, (rows, cols)), shape=shape)


def selection_table(candidates: list[Candidate], best: Candidate) -> pd.DataFrame:
    """One row per candidate number of topics."""
    return pd.DataFrame([(c.k, round(c.mean_coherence, 6), round(c.mean_stability, 6),
                          c.k == best.k) for c in candidates], columns=SELECTION_COLUMNS)


def topic_table(model: TopicModel, best: Candidate, top_n: int) -> pd.DataFrame:
    """Top terms of each topic with their share of the topic's weight."""
    h = model.components()
    names = model.terms_
    rows = []
    for topic_id, ids in enumerate(top_term_ids(h, top_n)):
        source = int(model.order[topic_id])
        for rank, i in enumerate(ids, start=1):
            rows.append((topic_id, model.labels[topic_id], rank, names[i], round(float(h[topic_id, i]), 6),
                         round(best.coherence[source], 6), round(best.stability[source], 6)))
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def segment_topic_table(units: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """One row per unit and topic: the unit's topic weights (summing to 1, or all 0)."""
    k = weights.shape[1]
    rep = units.loc[units.index.repeat(k), ["doc_id", "segment_id", "part", "start_char",
                                            "end_char"]].reset_index(drop=True)
    rep["topic_id"] = np.tile(np.arange(k), len(units))
    rep["weight"] = np.round(weights.ravel(), 6)
    top = weights.argmax(axis=1) if weights.size else np.zeros(len(weights), dtype=int)
    has = weights.sum(axis=1) > 0
    rep["dominant"] = (rep["topic_id"].to_numpy() == np.repeat(top, k)) & np.repeat(has, k)
    return rep[SEGMENT_TOPIC_COLUMNS]


def document_shares(weights: np.ndarray, sizes: np.ndarray, *, bootstrap: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Topic shares of one document: unit weights averaged by unit size; 95% bootstrap interval.

    >>> s, lo, hi = document_shares(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([3, 1]),
    ...                             bootstrap=0, rng=np.random.default_rng(0))
    >>> s.tolist()
    [0.75, 0.25]
    """
    mass = sizes @ weights
    share = mass / mass.sum()
    if bootstrap == 0 or len(sizes) < 2:
        return share, share.copy(), share.copy()
    draws = rng.integers(0, len(sizes), size=(bootstrap, len(sizes)))
    masses = np.stack([sizes[d] @ weights[d] for d in draws])
    shares = masses / np.maximum(masses.sum(axis=1, keepdims=True), 1e-12)
    lo, hi = np.percentile(shares, [2.5, 97.5], axis=0)
    return share, lo, hi


def document_topic_table(units: pd.DataFrame, weights: np.ndarray, labels: list[str],
                         groups: dict[str, str], settings: TopicSettings) -> pd.DataFrame:
    """Each document's topic shares in its body and in its reader comments."""
    rows = []
    units = units.assign(row=np.arange(len(units)))
    for (doc_id, scope), part in units.groupby(["doc_id", "scope"], sort=True):
        idx = part["row"].to_numpy()
        w = weights[idx]
        has = w.sum(axis=1) > 0
        if not has.any():
            continue
        share, lo, hi = document_shares(w[has], part["n_terms"].to_numpy()[has].astype(float),
                                        bootstrap=settings.bootstrap,
                                        rng=measure_stream(settings.random_state, "doc_topics",
                                                           doc_id, scope))
        for topic_id in range(len(labels)):
            rows.append((doc_id, groups.get(doc_id, ""), scope, topic_id, labels[topic_id],
                         round(float(share[topic_id]), 6), round(float(lo[topic_id]), 6),
                         round(float(hi[topic_id]), 6), int(has.sum())))
    return pd.DataFrame(rows, columns=DOC_TOPIC_COLUMNS)


def _feature_rows(occurrences: pd.DataFrame, settings: TopicSettings) -> pd.DataFrame:
    lo, hi = settings.ngram_range
    keep = (occurrences["kind"] == "word") & (lo == 1)
    keep |= (occurrences["kind"] == "ngram") & occurrences["n_tokens"].between(max(lo, 2), hi)
    if settings.noun_phrases:
        keep |= occurrences["kind"] == "phrase"
    return occurrences[keep]


def topic_units(segments: pd.DataFrame, occurrences: pd.DataFrame, settings: TopicSettings,
                parsed_parts: tuple[str, ...]) -> tuple[pd.DataFrame, list[list[str]]]:
    """The topic units (body units, then nothing else mixed in) and their term lists.

    Units are segments of ``unit_parts`` (scope ``body``) and of part ``comment``
    (scope ``comment``), if those parts are parsed.
    """
    wanted = (set(settings.unit_parts) | {"comment"}) & set(parsed_parts)
    units = segments[segments["part"].isin(wanted)].copy()
    units["scope"] = np.where(units["part"] == "comment", "comment", "body")
    features = _feature_rows(occurrences, settings)
    terms = features.groupby(["doc_id", "segment_id"], sort=False)["term"].agg(list)
    words = occurrences[occurrences["kind"] == "word"].groupby(["doc_id", "segment_id"]).size()
    keys = list(zip(units["doc_id"], units["segment_id"], strict=True))
    unit_terms = [terms.get(key, []) for key in keys]
    units["n_terms"] = [int(words.get(key, 0)) for key in keys]
    return units.reset_index(drop=True), unit_terms


def reference_texts(occurrences: pd.DataFrame, units: pd.DataFrame, unit_terms: list[list[str]],
                    settings: TopicSettings) -> list[list[str]]:
    """The term sets NPMI counts co-occurrence in: body sentences, or body units."""
    body = units["scope"].to_numpy() == "body"
    if settings.coherence_unit == "unit":
        return [t for t, b in zip(unit_terms, body, strict=True) if b]
    in_body = occurrences.set_index(["doc_id", "segment_id"]).index.isin(
        list(zip(units.loc[body, "doc_id"], units.loc[body, "segment_id"], strict=True)))
    features = _feature_rows(occurrences[in_body], settings)
    return features.groupby(["doc_id", "sentence_id"], sort=True)["term"].agg(list).tolist()


def topics_map(docs, sentences: pd.DataFrame, entities: pd.DataFrame, stopwords_lexicon, *,
               topics: TopicSettings, parse) -> dict[str, pd.DataFrame]:
    """The stage's per-document work (the runner's map): the term occurrences of these
    documents and their TextRank key terms."""
    settings = topics
    parts = (set(settings.unit_parts) | set(parse.body_parts) | {"comment"}) & set(parse.parts)
    occurrences = term_occurrences(
        docs, sentences, parts=parts, pos=settings.pos, stop=stop_words(stopwords_lexicon),
        noun_phrases=settings.noun_phrases, ngram_max=settings.ngram_range[1],
        keep_duplicates=parse.keep_duplicates, mentions=name_mentions(entities, NAME_LABELS))
    textrank = textrank_keyterms(occurrences[occurrences["part"].isin(parse.body_parts)],
                                 settings.textrank_window, settings.keyterms_top_n)
    return {"occurrences": occurrences, "textrank": textrank}


def topic_tables(docs, segments: pd.DataFrame, sentences: pd.DataFrame, documents: pd.DataFrame,
                 entities: pd.DataFrame, stopwords_lexicon, *, topics: TopicSettings, parse,
                 compare: tuple[str, str], mapped: dict[str, pd.DataFrame] | None = None,
                 engine=None) -> dict[str, object]:
    """Stage function, the reduce: topic model over paragraphs and key terms per document,
    from the term occurrences of :func:`topics_map` (``mapped``; computed here over all
    docs when not given). ``engine``: the runner's, which fits the candidate numbers of
    topics in parallel."""
    settings = topics
    if mapped is None:
        mapped = topics_map(docs, sentences, entities, stopwords_lexicon, topics=topics,
                            parse=parse)
    occurrences = mapped["occurrences"]
    units, unit_terms = topic_units(segments, occurrences, settings, parse.parts)
    body = units["scope"].to_numpy() == "body"
    body_terms = [t for t, b in zip(unit_terms, body, strict=True) if b]
    log.info("topics: %d article units, %d comment units", int(body.sum()),
             int((~body).sum()))
    began = time.perf_counter()
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    try:
        model, candidates, best = fit_topics(
            body_terms, reference_texts(occurrences, units, unit_terms, settings), settings,
            engine)
    except TooLittleText as err:
        # too little text is a result: empty topic tables, and the report says why
        log.warning("topics: no topic model for this corpus: %s", err)
        model = None
    if model is None:
        weights = np.zeros((len(units), 0))
        topic_rows = pd.DataFrame(columns=TOPIC_COLUMNS)
        selection = pd.DataFrame(columns=SELECTION_COLUMNS)
        doc_topics = pd.DataFrame(columns=DOC_TOPIC_COLUMNS)
    else:
        log.info("topics: %d topics chosen; %d candidates fitted %d times each in %.1f s",
                 best.k, len(candidates), settings.seeds, time.perf_counter() - began)
        weights = model.unit_weights(unit_terms)
        topic_rows = topic_table(model, best, settings.top_terms)
        selection = selection_table(candidates, best)
        doc_topics = document_topic_table(units, weights, model.labels, groups, settings)
    body_occurrences = _feature_rows(
        occurrences[occurrences["part"].isin(parse.body_parts)], settings)
    keyterms = pd.concat([
        tfidf_keyterms(body_occurrences, settings.keyterms_top_n),
        mapped["textrank"],
    ]).sort_values(["doc_id", "method", "rank"], kind="stable").reset_index(drop=True)

    return {"topics": topic_rows, "topic_selection": selection,
            "segment_topics": segment_topic_table(units, weights), "doc_topics": doc_topics,
            "keyterms": keyterms}


