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

from spacy.tokens import Span

from pipeline.corpus.lexicons import Lexicon
from pipeline.nlp.cues import CueMatch, CueSet, merge_lexicons

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
