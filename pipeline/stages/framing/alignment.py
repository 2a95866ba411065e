"""Sentence alignment across the two groups: shared claims, one-sided claims, their differences.

Each body sentence of one group is paired with its most similar body sentence
of the other that shares at least ``align_min_shared`` content terms (word
lemmas, an entity name counting as one term: :mod:`pipeline.nlp.terms`).
Similarity is the cosine of the two sentences' sets of content terms,
|A ∩ B| / sqrt(|A| |B|) (Ochiai's coefficient): it needs no corpus statistics,
so a threshold means the same on two articles as on a million. A pair at or
above ``align_threshold`` is taken to state the same claim; a sentence with no
such partner is a claim of its own group only.

The default threshold (0.4) was calibrated on 160 sentence pairs written for
the purpose (tests/data/claim_pairs.jsonl: paraphrases, contradictions of the
same claim, same-topic different claims, unrelated), read with the bundled
model: see ``bench/claim_threshold.py`` for the figures. Lexical overlap cannot
see a paraphrase that shares no words ("Tokyo pledged $500 million" / "Japan
promised half a billion dollars"); such pairs stay unaligned.

For aligned pairs the table gives the difference in tone, hedging and primary
frame, and compares the numbers both sentences state (dates, amounts):
``agree`` (the same numbers), ``partly`` (some shared), ``differ`` (none
shared) or empty (one of them states none). A pair whose numbers differ is
the same claim told with other figures: the report lists it as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from pipeline.config import FramingSettings

ALIGNMENT_COLUMNS = ["group", "doc_id", "sentence_id", "start_char", "end_char", "match_group",
                     "match_doc_id", "match_sentence_id", "match_start_char", "match_end_char",
                     "similarity", "shared_terms", "shared", "aligned", "mutual", "frame", "match_frame", "same_frame",
                     "compound", "match_compound", "tone_difference", "hedges", "match_hedges",
                     "numbers", "match_numbers", "numbers_agree", "compared_with"]
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


def term_matrix(term_lists: list[list[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    """Binary sentence x term matrix (one column per distinct term, sorted) and the terms."""
    vocabulary = sorted({t for terms in term_lists for t in terms})
    column = {t: j for j, t in enumerate(vocabulary)}
    rows, cols = [], []
    for i, terms in enumerate(term_lists):
        for j in sorted({column[t] for t in terms}):
            rows.append(i)
            cols.append(j)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                               shape=(len(term_lists), len(vocabulary)))
    return matrix, vocabulary


def term_set_similarity(a: set[str], b: set[str]) -> float:
    """Cosine of two sets of terms: shared / sqrt(|a| |b|), 0 when either is empty.

    >>> term_set_similarity({"japan", "loan", "pledge"}, {"japan", "loan", "credit", "promise"})
    0.57735
    """
    if not a or not b:
        return 0.0
    return round(len(a & b) / float(np.sqrt(len(a) * len(b))), 6)


def best_matches(x_from: sparse.csr_matrix, x_to: sparse.csr_matrix, min_shared: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row of ``x_from`` (binary): the index, set cosine and number of shared
    terms of its most similar row of ``x_to`` among those sharing at least ``min_shared``
    (>= 1) terms (index -1 when none does). Ties go to the earliest row.

    Only the pairs that share a term are ever formed (the sparse product works as an
    inverted index from terms to the sentences that hold them), so the cost grows with
    the number of such pairs, not with the product of the two groups' sizes."""
    n = x_from.shape[0]
    index, score, shared = np.full(n, -1), np.zeros(n), np.zeros(n, dtype=int)
    if x_to.shape[0] == 0 or n == 0:
        return index, score, shared
    size_to = np.asarray(x_to.sum(axis=1)).ravel()
    to_t = x_to.T.tocsc()
    for start in range(0, n, BLOCK):
        common = (x_from[start:start + BLOCK] @ to_t).tocoo()
        size_from = np.asarray(x_from[start:start + BLOCK].sum(axis=1)).ravel()
        keep = common.data >= min_shared
        rows, cols, counts = common.row[keep], common.col[keep], common.data[keep]
        if not len(rows):
            continue
        sims = counts / np.sqrt(size_from[rows] * size_to[cols])
        # per row: the highest similarity, the earliest column among equals
        order = np.lexsort((cols, -sims, rows))
        first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
        index[start + rows[first]] = cols[first]
        score[start + rows[first]] = sims[first]
        shared[start + rows[first]] = counts[first].astype(int)
    return index, score, shared


def align_sentences(body: pd.DataFrame, occurrences: pd.DataFrame, frames: pd.DataFrame,
                    tone: pd.DataFrame, markers: pd.DataFrame, places: pd.DataFrame,
                    compare: tuple[str, str], settings: FramingSettings) -> pd.DataFrame:
    """One row per body sentence of the compared groups with its best partner in the other
    (the partner columns empty when no sentence shares ``align_min_shared`` terms)."""
    key = ["doc_id", "sentence_id"]
    sents = body[body["group"].isin(compare)].sort_values(["group", *key]).reset_index(drop=True)
    terms = occurrences[occurrences["kind"] == "word"].groupby(key)["term"].agg(list)
    term_lists = [terms.get((d, s), []) for d, s in zip(sents["doc_id"], sents["sentence_id"],
                                                          strict=True)]
    if not any(term_lists) or sents["group"].nunique() < 2:
        return pd.DataFrame(columns=ALIGNMENT_COLUMNS)
    matrix, _ = term_matrix(term_lists)
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
    sets = [set(t) for t in term_lists]
    masks = [info["group"].to_numpy() == g for g in compare]
    idx = [np.flatnonzero(m) for m in masks]
    best = {i: best_matches(matrix[idx[i]], matrix[idx[j]], settings.align_min_shared)
            for i, j in ((0, 1), (1, 0))}
    rows = []
    for i, j in ((0, 1), (1, 0)):
        match_index, similarity, shared = best[i]
        for pos, row_i in enumerate(idx[i]):
            me = info.iloc[row_i]
            head = (me["group"], me["doc_id"], int(me["sentence_id"]), int(me["start_char"]),
                    int(me["end_char"]))
            if match_index[pos] < 0:
                rows.append((*head, None, None, None, None, None, 0.0, 0, "", False, False,
                             me["primary_frame"], None, None, me["compound"], None, None,
                             int(me["hedges"]), None, me["numbers"], None, ""))
                continue
            row_j = idx[j][match_index[pos]]
            other = info.iloc[row_j]
            mutual = best[j][0][match_index[pos]] == pos
            aligned = bool(similarity[pos] >= settings.align_threshold)
            rows.append((*head, other["group"], other["doc_id"], int(other["sentence_id"]),
                         int(other["start_char"]), int(other["end_char"]),
                         round(float(similarity[pos]), 6), int(shared[pos]),
                         "; ".join(sorted(sets[row_i] & sets[row_j])), aligned, bool(mutual),
                         me["primary_frame"], other["primary_frame"],
                         me["primary_frame"] == other["primary_frame"], me["compound"],
                         other["compound"], round(other["compound"] - me["compound"], 4),
                         int(me["hedges"]), int(other["hedges"]), me["numbers"], other["numbers"],
                         _numbers_agree(me["numbers"], other["numbers"]) if aligned else ""))
    table = pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS[:-1])
    table["compared_with"] = np.where(table["group"] == compare[0], compare[1], compare[0])
    for column in ("match_sentence_id", "match_start_char", "match_end_char", "match_hedges"):
        table[column] = table[column].astype("Int64")
    return table
