"""Frame dimensions of sentences (Policy Frames Codebook), from an editable cue lexicon.

The lexicon (``frames.toml``: pipeline/data/ plus the corpus folder's) gives
each frame a definition and cue lemmas and phrases. A sentence scores, per
frame, the number of words of its matched cues; its primary frame is the
highest-scoring one (ties: the frame with the longer matched cue, then lexicon
order), or ``none`` when no cue matches.
"""

from __future__ import annotations

from collections.abc import Iterable

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
