"""Sentence alignment across the two groups: shared claims, one-sided claims, their differences.

Each body sentence of one group is paired with its most similar body sentence
of the other: cosine similarity of TF-IDF vectors of their terms (content-word
lemmas and noun phrases). A pair at or above ``align_threshold`` is taken to
state the same claim; a sentence with no such partner is a claim of its own
group only. For aligned pairs the table gives the difference in tone, hedging
and primary frame, and compares the numbers both sentences state (dates,
amounts): ``agree`` (the same numbers), ``partly`` (some shared),
``differ`` (none shared) or empty (one of them states none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.config import FramingSettings
from pipeline.nlp.terms import as_terms

ALIGNMENT_COLUMNS = ["group", "doc_id", "sentence_id", "start_char", "end_char", "match_group",
                     "match_doc_id", "match_sentence_id", "match_start_char", "match_end_char",
                     "similarity", "aligned", "mutual", "frame", "match_frame", "same_frame",
                     "compound", "match_compound", "tone_difference", "hedges", "match_hedges",
                     "numbers", "match_numbers", "numbers_agree"]
BLOCK = 2000



def _numbers_agree(a: str, b: str) -> str:
    """agree, partly, differ, or "" when either side states no number.

    >>> _numbers_agree("1952; 2023", "2023; 1952"), _numbers_agree("4", "5"), _numbers_agree("", "4")
    ('agree', 'differ', '')
    """
    sa, sb = set(filter(None, a.split("; "))), set(filter(None, b.split("; ")))
    if not sa or not sb:
        return ""
    if sa == sb:
        return "agree"
    return "partly" if sa & sb else "differ"


def best_matches(x_from, x_to) -> tuple[np.ndarray, np.ndarray]:
    """Index and cosine similarity of each row's most similar row of ``x_to`` (l2-normed rows)."""
    index, score = np.zeros(x_from.shape[0], dtype=int), np.zeros(x_from.shape[0])
    for start in range(0, x_from.shape[0], BLOCK):
        sims = (x_from[start:start + BLOCK] @ x_to.T).toarray()
        # ties: the earliest sentence
        index[start:start + BLOCK] = sims.argmax(axis=1)
        score[start:start + BLOCK] = sims.max(axis=1) if sims.shape[1] else 0.0
    return index, score


def align_sentences(body: pd.DataFrame, occurrences: pd.DataFrame, frames: pd.DataFrame,
                    tone: pd.DataFrame, markers: pd.DataFrame, places: pd.DataFrame,
                    compare: tuple[str, str], settings: FramingSettings) -> pd.DataFrame:
    """One row per body sentence of the compared groups with its best partner in the other."""
    key = ["doc_id", "sentence_id"]
    sents = body[body["group"].isin(compare)].sort_values(["group", *key]).reset_index(drop=True)
    terms = occurrences[occurrences["kind"].isin(["word", "phrase"])] \
        .groupby(key)["term"].agg(list)
    term_lists = [terms.get((d, s), []) for d, s in zip(sents["doc_id"], sents["sentence_id"],
                                                          strict=True)]
    if not any(term_lists) or sents["group"].nunique() < 2:
        return pd.DataFrame(columns=ALIGNMENT_COLUMNS)
    matrix = TfidfVectorizer(analyzer=as_terms).fit_transform(term_lists).tocsr()
    info = sents[key + ["group", "start_char", "end_char"]]
    info = info.merge(frames[key + ["primary_frame"]], on=key, how="left") \
        .merge(tone[key + ["compound"]], on=key, how="left")
    hedges = markers[markers["category"] == "hedges"].groupby(key).size()
    info["hedges"] = [int(hedges.get(k, 0)) for k in zip(info["doc_id"], info["sentence_id"],
                                                         strict=True)]
    numbers = places[places["actor"] == "#number"].groupby(key)["text"] \
        .agg(lambda s: "; ".join(sorted(set(t.replace(",", "") for t in s))))
    info["numbers"] = [numbers.get(k, "") for k in zip(info["doc_id"], info["sentence_id"],
                                                       strict=True)]
    rows = []
    masks = [info["group"].to_numpy() == g for g in compare]
    idx = [np.flatnonzero(m) for m in masks]
    best = {}
    for i, j in ((0, 1), (1, 0)):
        best[i] = best_matches(matrix[idx[i]], matrix[idx[j]])
    for i, j in ((0, 1), (1, 0)):
        match_index, similarity = best[i]
        for pos, row_i in enumerate(idx[i]):
            me, other = info.iloc[row_i], info.iloc[idx[j][match_index[pos]]]
            mutual = best[j][0][match_index[pos]] == pos
            aligned = bool(similarity[pos] >= settings.align_threshold)
            rows.append((me["group"], me["doc_id"], int(me["sentence_id"]), int(me["start_char"]),
                         int(me["end_char"]), other["group"], other["doc_id"],
                         int(other["sentence_id"]), int(other["start_char"]),
                         int(other["end_char"]), round(float(similarity[pos]), 6), aligned,
                         bool(mutual), me["primary_frame"], other["primary_frame"],
                         me["primary_frame"] == other["primary_frame"], me["compound"],
                         other["compound"], round(other["compound"] - me["compound"], 4),
                         int(me["hedges"]), int(other["hedges"]), me["numbers"], other["numbers"],
                         _numbers_agree(me["numbers"], other["numbers"]) if aligned else ""))
    return pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)
