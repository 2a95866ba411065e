"""Frame dimensions of sentences (Policy Frames Codebook), from an editable cue lexicon.

The lexicon (``frames.toml``: pipeline/data/ plus the corpus folder's) gives
each frame a definition and cue lemmas and phrases. A sentence scores, per
frame, the number of words of its matched cues; its primary frame is the
highest-scoring one (ties: the frame with the longer matched cue, then lexicon
order), or ``none`` when no cue matches.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from spacy.tokens import Span

from pipeline.corpus.lexicons import Lexicon
from pipeline.nlp.cues import CueMatch, CueSet, merge_lexicons

NONE = "none"


def frame_definitions(lexicons: Iterable[Lexicon]) -> dict[str, dict]:
    """Frames of the lexicon files, merged, in file order: {name: {definition, lemmas, phrases}}."""
    return merge_lexicons(lexicons, "frame")


def sentence_frames(sentence: Span, cues: CueSet) -> tuple[str, dict[str, int], list[CueMatch]]:
    """(primary frame, score per frame, the matched cues) of one sentence."""
    matches = cues.matches(sentence, exclusive=True)
    scores = dict.fromkeys(cues.categories, 0)
    longest = dict.fromkeys(cues.categories, 0)
    for m in matches:
        scores[m.category] += m.end - m.start
        longest[m.category] = max(longest[m.category], m.end - m.start)
    if not matches:
        return NONE, scores, matches
    order = {name: i for i, name in enumerate(cues.categories)}
    primary = max(cues.categories, key=lambda f: (scores[f], longest[f], -order[f]))
    return primary, scores, matches


HEADLINE_COLUMNS = ["doc_id", "group", "part", "segment_id", "sentence_id", "start_char",
                    "end_char", "primary_frame", "cues", "text"]


def headline_table(sentences: pd.DataFrame, frames: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The primary frame of every title, heading and list label (sentences of ``scope``):
    strong framing signals of their own, kept out of the sentence shares (the Media Frames
    Corpus codes headlines apart, Card et al. 2015)."""
    heads = sentences[sentences["scope"] == scope]
    table = heads.merge(frames[["doc_id", "sentence_id", "primary_frame", "cues"]],
                        on=["doc_id", "sentence_id"])
    return table[HEADLINE_COLUMNS].reset_index(drop=True)
