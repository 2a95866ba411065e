"""The entity tables: mentions with sentence ids, per document, per group, co-occurrence."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import sparse

from pipeline.stages.entities.spans import Mention
from pipeline.stats.ratios import log_ratio

ENTITY_COLUMNS = ["doc_id", "part", "sentence_id", "start_char", "end_char", "text", "label",
                  "canonical", "refers_to", "source", "in_duplicate_sentence"]


def entity_table(mentions: list[Mention], sentences: pd.DataFrame) -> pd.DataFrame:
    """Mentions as a table, with whether each stands in a repeated sentence."""
    dup = {(r.doc_id, int(r.sentence_id)) for r in sentences.itertuples()
           if pd.notna(r.duplicate_of)}
    rows = [(m.doc_id, m.part, m.sentence_id, m.start_char, m.end_char, m.text, m.label,
             m.canonical, m.refers_to, m.source, (m.doc_id, m.sentence_id) in dup)
            for m in mentions]
    return pd.DataFrame(rows, columns=ENTITY_COLUMNS)


SUMMARY_COLUMNS = ["doc_id", "scope", "canonical", "label", "mentions", "per_1k_words",
                   "first_position", "sentence_share"]


COMPARISON_COLUMNS = ["canonical", "label", "group_a", "mentions_a", "rate_a", "group_b",
                      "mentions_b", "rate_b", "log_ratio", "only_in"]


COOCCURRENCE_COLUMNS = ["doc_id", "entity_a", "entity_b", "sentences"]


def counted_mentions(table: pd.DataFrame, body_parts: Iterable[str], *,
                     keep_duplicates: bool) -> pd.DataFrame:
    """Mentions that count, with a ``scope``: ``body`` or ``comment`` (others dropped)."""
    scope = table["part"].map(lambda p: "body" if p in set(body_parts) else
                              "comment" if p == "comment" else "")
    kept = table.assign(scope=scope)[scope != ""]
    if not keep_duplicates:
        kept = kept[~kept["in_duplicate_sentence"].astype(bool)]
    return kept


def _majority_label(labels: Iterable[str], weights: Iterable[int] | None = None) -> str:
    """The most frequent label (weighted), the alphabetically first on a tie."""
    counts: Counter = Counter()
    for label, weight in zip(labels, weights if weights is not None else itertools.repeat(1)):
        counts[label] += weight
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _groups(table: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """``table`` sorted by ``keys`` (stable) and the row ranges of its groups, in key order:
    what ``groupby(keys, sort=True)`` iterates, without building a frame per group."""
    ordered = table.sort_values(keys, kind="stable")
    if ordered.empty:
        return ordered, []
    columns = [ordered[k].to_numpy() for k in keys]
    change = np.zeros(len(ordered) - 1, dtype=bool)
    for values in columns:
        change |= values[1:] != values[:-1]
    edges = [0, *(np.flatnonzero(change) + 1).tolist(), len(ordered)]
    return ordered, list(zip(edges[:-1], edges[1:], strict=True))


def entity_summary(counted: pd.DataFrame, documents: pd.DataFrame, sentences: pd.DataFrame,
                   lengths: dict[str, int], body_parts: Iterable[str], *,
                   keep_duplicates: bool) -> pd.DataFrame:
    """Per document and scope: mentions, rate per 1,000 words, first position, sentence share."""
    docs = documents.set_index("doc_id")
    words_of = {"body": dict(zip(docs.index, docs["n_words"].to_numpy(), strict=True)),
                "comment": dict(zip(docs.index, docs["n_comment_words"].to_numpy(),
                                    strict=True))}
    sents = sentences if keep_duplicates else sentences[sentences["duplicate_of"].isna()]
    n_sent = {("body", d): int(n) for d, n in docs["n_sentences"].items()}
    comment_sents = sents[sents["part"] == "comment"].groupby("doc_id").size()
    n_sent.update({("comment", d): int(n) for d, n in comment_sents.items()})
    ordered, ranges = _groups(counted, ["doc_id", "scope", "canonical"])
    doc_ids, scopes = ordered["doc_id"].to_numpy(), ordered["scope"].to_numpy()
    canonicals, labels = ordered["canonical"].to_numpy(), ordered["label"].to_numpy()
    starts, sentence_ids = ordered["start_char"].to_numpy(), ordered["sentence_id"].to_numpy()
    rows = []
    for lo, hi in ranges:
        doc_id, scope, n = doc_ids[lo], scopes[lo], hi - lo
        words = words_of["body" if scope == "body" else "comment"][doc_id]
        rows.append((doc_id, scope, canonicals[lo], _majority_label(labels[lo:hi]), n,
                     round(1000 * n / words, 4) if words else float("nan"),
                     round(starts[lo:hi].min() / lengths[doc_id], 4),
                     round(len(np.unique(sentence_ids[lo:hi])) / n_sent.get((scope, doc_id), 1),
                           4)))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def entity_comparison(summary: pd.DataFrame, documents: pd.DataFrame,
                      compare: tuple[str, str]) -> pd.DataFrame:
    """Body mentions and rates of each entity in the two groups, with log ratio."""
    group_of = documents.set_index("doc_id")["group"]
    words = documents.groupby("group")["n_words"].sum()
    body = summary[summary["scope"] == "body"].assign(group=lambda t: t["doc_id"].map(group_of))
    body = body[body["group"].isin(compare)]
    a, b = compare
    ordered, ranges = _groups(body, ["canonical"])
    canonicals, groups = ordered["canonical"].to_numpy(), ordered["group"].to_numpy()
    mentions, labels = ordered["mentions"].to_numpy(), ordered["label"].to_numpy()
    rows = []
    for lo, hi in ranges:
        in_group = groups[lo:hi]
        ma = int(mentions[lo:hi][in_group == a].sum())
        mb = int(mentions[lo:hi][in_group == b].sum())
        label = _majority_label(labels[lo:hi], mentions[lo:hi].tolist())
        n_a, n_b = words.get(a, 0), words.get(b, 0)  # a group of no words: no rate (NaN)
        rows.append((canonicals[lo], label, a, ma, round(1000 * ma / n_a, 4) if n_a else np.nan,
                     b, mb, round(1000 * mb / n_b, 4) if n_b else np.nan,
                     round(log_ratio(ma, n_a, mb, n_b), 4),
                     a if mb == 0 else b if ma == 0 else ""))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def cooccurrence_table(counted: pd.DataFrame) -> pd.DataFrame:
    """Pairs of entities named in the same body sentence, with how many sentences.

    One sparse product: a 0/1 matrix of body sentences by (document, entity) columns,
    times its transpose, counts for every pair of columns the sentences naming both;
    a sentence names only its own document's columns, so pairs never cross documents.
    Its time grows with the pairs named together, not with entities squared.
    """
    body = counted[counted["scope"] == "body"]
    if body.empty:
        return pd.DataFrame(columns=COOCCURRENCE_COLUMNS)
    keys = pd.MultiIndex.from_arrays([body["doc_id"].astype(str), body["canonical"].astype(str)])
    columns = keys.unique().sort_values()  # (doc_id, name) order: a < b within a document
    col = columns.get_indexer(keys)
    row = body.groupby(["doc_id", "sentence_id"], sort=True).ngroup().to_numpy()
    named = sparse.csr_matrix((np.ones(len(col)), (row, col)),
                              shape=(int(row.max()) + 1, len(columns)))
    named.data[:] = 1.0  # a sentence naming an entity twice counts once
    together = sparse.triu(named.T @ named, k=1).tocoo()
    docs = columns.get_level_values(0).to_numpy()
    names = columns.get_level_values(1).to_numpy()
    table = pd.DataFrame({"doc_id": docs[together.row], "entity_a": names[together.row],
                          "entity_b": names[together.col],
                          "sentences": np.rint(together.data).astype(np.int64)},
                         columns=COOCCURRENCE_COLUMNS)
    return table.sort_values(COOCCURRENCE_COLUMNS[:3], kind="stable").reset_index(drop=True)
