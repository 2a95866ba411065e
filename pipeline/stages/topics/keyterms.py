"""Key terms of each document, by two methods (written by the ``topics`` stage).

* ``tfidf``: the document's terms (words, noun phrases, n-grams) ranked by
  TF-IDF across the corpus' documents (scikit-learn's smoothed idf, l2 norm).
* ``textrank``: TextRank (Mihalcea & Tarau 2004). Nouns, proper nouns and
  adjectives among the word terms are nodes (the paper's best syntactic
  filter), linked when they occur within ``window`` such words of each other
  in a sentence; PageRank (damping 0.85) scores the words; a candidate (a noun
  phrase, or a single noun, proper noun or name) scores the sum of its words'
  scores (the word terms inside it: a name is one), as textacy's implementation does.

Both work on the rows of :func:`pipeline.nlp.terms.term_occurrences`, so every key
term carries the offsets of its first occurrence.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.nlp.terms import as_terms

KEYTERM_COLUMNS = ["doc_id", "method", "rank", "term", "score", "count", "example", "start_char",
                   "end_char"]
DAMPING = 0.85
GRAPH_POS = ("NOUN", "PROPN", "ADJ")



def _first_and_example(rows: pd.DataFrame) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(doc_id, term) -> (most frequent surface form, offsets of the first occurrence)."""
    key = ["doc_id", "term"]
    forms = rows.groupby([*key, "text"], sort=False).size().rename("n").reset_index() \
        .sort_values([*key, "n", "text"], ascending=[True, True, False, True], kind="stable") \
        .drop_duplicates(key).set_index(key)["text"]
    first = rows.drop_duplicates(key)
    form_of = dict(zip(forms.index, forms.to_numpy(), strict=True))  # not a MultiIndex lookup
    return {k: (form_of[k], int(a), int(b)) for k, a, b in zip(
        zip(first["doc_id"], first["term"], strict=True), first["start_char"], first["end_char"],
        strict=True)}


def _rows(doc_id: str, method: str, scored: list[tuple[str, float]], counts: Counter,
          where: dict[tuple[str, str], tuple[str, int, int]]) -> list[tuple]:
    return [(doc_id, method, rank, term, round(score, 6), counts[term], *where[(doc_id, term)])
            for rank, (term, score) in enumerate(scored, start=1)]


def tfidf_keyterms(occurrences: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Each document's ``top_n`` terms by TF-IDF over the corpus' documents."""
    if occurrences.empty:
        return pd.DataFrame(columns=KEYTERM_COLUMNS)
    doc_ids = sorted(occurrences["doc_id"].unique())
    by_doc = {d: g for d, g in occurrences.groupby("doc_id", sort=True)}
    vectorizer = TfidfVectorizer(analyzer=as_terms)
    matrix = vectorizer.fit_transform([list(by_doc[d]["term"]) for d in doc_ids]).tocsr()
    names = vectorizer.get_feature_names_out()
    rows = []
    where = _first_and_example(occurrences)
    for i, doc_id in enumerate(doc_ids):
        row = matrix.getrow(i)
        scores = np.round(row.data, 9)
        order = np.lexsort((names[row.indices], -scores))[:top_n]
        scored = [(str(names[row.indices[j]]), float(row.data[j])) for j in order]
        rows += _rows(doc_id, "tfidf", scored, Counter(by_doc[doc_id]["term"]), where)
    return pd.DataFrame(rows, columns=KEYTERM_COLUMNS)


def pagerank(edges: dict[tuple[str, str], float], *, damping: float = DAMPING,
             iterations: int = 100, tol: float = 1e-10) -> dict[str, float]:
    """PageRank scores of an undirected weighted graph given as {(a, b): weight}.

    >>> s = pagerank({("a", "b"): 1.0, ("b", "c"): 1.0})
    >>> round(s["b"], 3) > round(s["a"], 3) == round(s["c"], 3)
    True
    """
    nodes = sorted({n for pair in edges for n in pair})
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    w = np.zeros((len(nodes), len(nodes)))
    for (a, b), weight in edges.items():
        w[index[a], index[b]] += weight
        w[index[b], index[a]] += weight
    out = w.sum(axis=0)
    transition = w / np.where(out > 0, out, 1.0)  # column-stochastic
    score = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(iterations):
        new = (1 - damping) / len(nodes) + damping * transition @ score
        if np.abs(new - score).sum() < tol:
            score = new
            break
        score = new
    return dict(zip(nodes, score.tolist(), strict=True))


def cooccurrence_edges(words: pd.DataFrame, window: int) -> dict[tuple[str, str], float]:
    """Counts of word-term pairs within ``window`` kept words of each other in a sentence."""
    edges: dict[tuple[str, str], float] = defaultdict(float)
    terms, sentences = words["term"].tolist(), words["sentence_id"].tolist()
    for i, a in enumerate(terms):
        for j in range(i + 1, min(i + window, len(terms))):
            b = terms[j]
            if sentences[j] != sentences[i]:
                break
            if a != b:
                edges[(a, b) if a < b else (b, a)] += 1.0
    return edges


def _component_words(candidates: pd.DataFrame, words: pd.DataFrame) -> dict[str, list[str]]:
    """Each candidate's word terms: those inside its first occurrence (a name is one word)."""
    starts, ends = words["start_char"].to_numpy(), words["end_char"].to_numpy()
    terms = words["term"].to_numpy()
    out = {}
    for term, a, b in zip(candidates["term"], candidates["start_char"], candidates["end_char"],
                          strict=True):
        inside = (starts >= a) & (ends <= b)
        out[term] = [str(w) for w in terms[inside]] or [term]
    return out


def textrank_keyterms(occurrences: pd.DataFrame, window: int, top_n: int) -> pd.DataFrame:
    """Each document's ``top_n`` noun phrases and nouns by TextRank."""
    rows = []
    candidates_all = occurrences[(occurrences["kind"] == "phrase") |
                                 ((occurrences["kind"] == "word") &
                                  occurrences["pos"].isin(["NOUN", "PROPN"]))]
    where = _first_and_example(candidates_all)
    for doc_id, doc in occurrences.groupby("doc_id", sort=True):
        words = doc[(doc["kind"] == "word") & doc["pos"].isin(GRAPH_POS)]
        scores = pagerank(cooccurrence_edges(words, window))
        candidates = doc[(doc["kind"] == "phrase") |
                         ((doc["kind"] == "word") & doc["pos"].isin(["NOUN", "PROPN"]))]
        counts = Counter(candidates["term"])
        parts = _component_words(candidates.drop_duplicates("term"), words)
        scored = sorted(((t, sum(scores.get(w, 0.0) for w in parts[t])) for t in counts),
                        key=lambda ts: (-round(ts[1], 9), ts[0]))[:top_n]
        rows += _rows(doc_id, "textrank", scored, counts, where)
    return pd.DataFrame(rows, columns=KEYTERM_COLUMNS)
