"""Stance and hedging markers of sentences (Hyland 2005 and more), from an editable lexicon.

Categories come from ``stance.toml`` (pipeline/data/ plus the corpus
folder's); each is matched independently on lemmas, so one word can be, say, a
hedge and a modal verb. Two more categories are counted by rule: ``questions``
(a sentence ending in "?") and ``quotations`` (quoted passages: pairs of
quotation marks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd
from spacy.tokens import Span

from pipeline.corpus.lexicons import Lexicon
from pipeline.nlp.cues import CueMatch, CueSet, merge_lexicons
from pipeline.stages.framing.units import BODY

RULE_CATEGORIES = ("questions", "quotations")
_OPENING = {"“", "‘‘"}
_STRAIGHT = {'"', "''", "``"}


def stance_categories(lexicons: Iterable[Lexicon]) -> dict[str, dict]:
    """Categories of the stance lexicon files, merged."""
    return merge_lexicons(lexicons, "category")


def quotation_count(sentence: Span) -> int:
    """Quoted passages: opening curly quotes, or pairs of straight ones."""
    curly = sum(1 for t in sentence if t.text in _OPENING)
    straight = sum(1 for t in sentence if t.text in _STRAIGHT)
    return curly + straight // 2


def sentence_stance(sentence: Span, cues: CueSet) -> tuple[Counter, list[CueMatch]]:
    """Marker counts per category (lexicon and rule categories) and the lexicon matches."""
    matches = cues.matches(sentence, exclusive=False)
    counts = Counter({c: 0 for c in (*cues.categories, *RULE_CATEGORIES)})
    counts.update(m.category for m in matches)
    last = [t for t in sentence if not t.is_space and t.text not in ('"', "”", "’", "'", ")")]
    counts["questions"] = int(bool(last) and last[-1].text == "?")
    counts["quotations"] = quotation_count(sentence)
    return counts, matches


VOICES = ("author", "quoted", "all")


def stance_table(markers: pd.DataFrame, sent: pd.DataFrame, categories: list[str],
                  compare: tuple[str, str]) -> pd.DataFrame:
    """Counts and rates per 1,000 words per category and voice (the author's words, the
    quoted words, all words), per document and scope, and per group.

    ``sent`` needs ``n_words`` and ``quoted_words``; ``markers`` a ``voice`` column."""
    all_categories = [*categories, *RULE_CATEGORIES]
    base = sent[["doc_id", "sentence_id", "scope", "group"]]
    words_of = {"author": sent["n_words"] - sent["quoted_words"],
                "quoted": sent["quoted_words"], "all": sent["n_words"]}
    long = pd.concat([base.assign(voice=v, words=words_of[v]) for v in VOICES],
                     ignore_index=True)
    m = markers.merge(base, on=["doc_id", "sentence_id"])
    m = pd.concat([m, m.assign(voice="all")], ignore_index=True)
    doc_key = ["group", "doc_id", "scope", "voice"]
    words = long.groupby(doc_key)["words"].sum()
    counts = m.groupby([*doc_key, "category"]).size()
    full = pd.MultiIndex.from_tuples([(*k, c) for k in words.index for c in all_categories],
                                     names=[*doc_key, "category"])
    doc_rows = counts.reindex(full, fill_value=0).rename("count").reset_index()
    doc_rows["words"] = words.reindex(pd.MultiIndex.from_frame(doc_rows[doc_key])).to_numpy()
    doc_rows.insert(0, "level", "document")
    body = doc_rows[(doc_rows["scope"] == BODY) & doc_rows["group"].isin(compare)]
    group_rows = body.groupby(["group", "voice", "category"], sort=False)[["count", "words"]] \
        .sum().reset_index()
    order = {c: i for i, c in enumerate(all_categories)}
    voice_order = {v: i for i, v in enumerate(VOICES)}
    group_rows = group_rows.assign(level="group", doc_id="", scope=BODY,
                                   _g=group_rows["group"].map({g: i for i, g in enumerate(compare)}),
                                   _c=group_rows["category"].map(order),
                                   _v=group_rows["voice"].map(voice_order))
    doc_rows = doc_rows.assign(_c=doc_rows["category"].map(order),
                               _v=doc_rows["voice"].map(voice_order))
    out = pd.concat([doc_rows.sort_values(["group", "doc_id", "scope", "_v", "_c"], kind="stable"),
                     group_rows.sort_values(["_g", "_v", "_c"], kind="stable")], ignore_index=True)
    out["per_1k_words"] = np.where(out["words"] > 0,
                                   (1000 * out["count"] / out["words"].where(out["words"] > 0, 1))
                                   .round(4), 0.0)
    out = out.rename(columns={"scope": "part", "category": "marker"})
    return out[["level", "group", "doc_id", "part", "voice", "marker", "count", "words",
                "per_1k_words"]].astype({"count": int, "words": int})
