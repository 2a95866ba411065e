"""Frame dimensions of sentences (Policy Frames Codebook), from an editable cue lexicon.

The lexicon (``frames.toml``: pipeline/data/ plus the corpus folder's) gives
each frame a definition and cue lemmas and phrases. A sentence scores, per
frame, the number of words of its matched cues; its primary frame is the
highest-scoring one (ties: first the lexicon's tie rules, ``wins_ties_over``,
which write the codebook's boundaries between frames; then the frame with the
longer matched cue, then lexicon order), or ``none`` when no cue matches. A
cue the lexicon marks ``ambiguous`` counts only beside another cue of its
frame. Every frame scoring at least ``present_min_score`` is *present* in the
sentence: a sentence can mention several frames while being mainly about one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from spacy.tokens import Span

from pipeline.config import FramingSettings
from pipeline.corpus.lexicons import Lexicon
from pipeline.nlp.cues import CueMatch, CueSet, merge_lexicons
from pipeline.stages.framing.units import share_rows

NONE = "none"


def frame_definitions(lexicons: Iterable[Lexicon]) -> dict[str, dict]:
    """Frames of the lexicon files, merged, in file order: {name: {definition, lemmas, phrases}}."""
    return merge_lexicons(lexicons, "frame")


@dataclass(frozen=True)
class FrameRules:
    """The lexicon's rules beyond its cues: ``ties`` (frame -> the frames it beats on equal
    scores, ``wins_ties_over``) and ``ambiguous`` (frame -> its cues that count only beside
    another cue of the same frame, ``ambiguous``)."""

    ties: dict[str, frozenset[str]] = field(default_factory=dict)
    ambiguous: dict[str, frozenset[str]] = field(default_factory=dict)


def frame_rules(definitions: dict[str, dict]) -> FrameRules:
    """The tie rules and ambiguous cues of the merged frame definitions."""
    def lists(key: str) -> dict[str, frozenset[str]]:
        return {name: frozenset(v.lower() for v in entry.get(key, []))
                for name, entry in definitions.items() if entry.get(key)}
    return FrameRules(lists("wins_ties_over"), lists("ambiguous"))


def sentence_frames(sentence: Span, cues: CueSet, rules: FrameRules | None = None
                    ) -> tuple[str, dict[str, int], list[CueMatch]]:
    """(primary frame, score per frame, the matched cues) of one sentence.

    An ambiguous cue ("power": electricity or might) counts only when another cue of its
    frame is in the sentence too. Among the frames with the highest score, one that
    another of them beats by a tie rule drops out; then the longer matched cue wins, then
    the lexicon's order.
    """
    rules = rules or FrameRules()
    matches = cues.matches(sentence, exclusive=True)
    if rules.ambiguous:
        def ambiguous(m: CueMatch) -> bool:
            return m.cue.lower() in rules.ambiguous.get(m.category, ())
        backed = {m.category for m in matches if not ambiguous(m)}
        matches = [m for m in matches if not ambiguous(m) or m.category in backed]
    scores = dict.fromkeys(cues.categories, 0)
    longest = dict.fromkeys(cues.categories, 0)
    for m in matches:
        scores[m.category] += m.end - m.start
        longest[m.category] = max(longest[m.category], m.end - m.start)
    if not matches:
        return NONE, scores, matches
    top = max(scores.values())
    tied = [f for f in cues.categories if scores[f] == top]
    beaten = {f for f in tied for winner in tied if f in rules.ties.get(winner, ())}
    tied = [f for f in tied if f not in beaten] or tied
    order = {name: i for i, name in enumerate(cues.categories)}
    primary = max(tied, key=lambda f: (longest[f], -order[f]))
    return primary, scores, matches


def frames_present(scores: dict[str, int], min_score: int) -> str:
    """The frames scoring at least ``min_score``, highest first (ties in lexicon order),
    ``; ``-separated.

    >>> frames_present({"economic": 1, "political": 3, "legality": 0}, 1)
    'political; economic'
    """
    order = {f: i for i, f in enumerate(scores)}
    kept = [f for f, v in scores.items() if v >= min_score]
    return "; ".join(sorted(kept, key=lambda f: (-scores[f], order[f])))


SHARE_COLUMNS = ["level", "group", "doc_id", "frame", "sentences", "total", "share", "share_low",
                 "share_high", "resampling_unit", "mentioning", "mention_share", "mention_low",
                 "mention_high"]


def frame_share_table(body_frames: pd.DataFrame, frames: list[str], compare: tuple[str, str],
                      settings: FramingSettings,
                      levels: tuple[str, ...] = ("group", "document")) -> pd.DataFrame:
    """Per group and document (``levels``): the share of body sentences with each primary
    frame and, beside it, the share of sentences in which the frame is present, both with
    bootstrap intervals over the same resampling unit."""
    key = ["level", "group", "doc_id", "frame"]
    primary = pd.DataFrame(share_rows(body_frames, "primary_frame", [*frames, NONE], compare,
                                      settings, levels=levels), columns=SHARE_COLUMNS[:10])
    present = body_frames["frames_present"].fillna("").str.split("; ")
    flags = {f: present.map(lambda names, f=f: f in names).astype(float) for f in frames}
    mentions = pd.DataFrame(share_rows(body_frames, "frames_present", [], compare, settings,
                                       flags, levels), columns=SHARE_COLUMNS[:10]).rename(columns={
        "sentences": "mentioning", "share": "mention_share", "share_low": "mention_low",
        "share_high": "mention_high"})
    table = primary.merge(mentions[key + ["mentioning", "mention_share", "mention_low",
                                         "mention_high"]], on=key, how="left")
    table["mentioning"] = table["mentioning"].astype("Int64")
    return table[SHARE_COLUMNS]


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
