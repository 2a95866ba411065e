"""Document-level text statistics: lexical diversity and readability.

* MTLD, the Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010,
  Behavior Research Methods 42(2), 381-392): the mean length of word runs whose
  type-token ratio stays above 0.72, averaged over a forward and a backward pass.
* Flesch Reading Ease and Flesch-Kincaid grade come from the textdescriptives
  package (its ``readability`` component, syllables counted with pyphen's
  hyphenation dictionaries, offline).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import spacy
from spacy.tokens import Doc

MTLD_THRESHOLD = 0.72


def _mtld_pass(words: Sequence[str], threshold: float) -> float:
    factors = 0.0
    types: set[str] = set()
    count = 0
    for word in words:
        count += 1
        types.add(word)
        if len(types) / count <= threshold:
            factors += 1
            types.clear()
            count = 0
    if count:
        ttr = len(types) / count
        factors += (1 - ttr) / (1 - threshold)
    return len(words) / factors if factors else float("nan")


def mtld(words: Sequence[str], threshold: float = MTLD_THRESHOLD) -> float:
    """MTLD of a word sequence (lower-case it first); NaN when too short to measure.

    A text that never repeats a word has no complete factor and only a partial
    one, so its MTLD is its length divided by that partial factor.

    >>> mtld(["a", "b", "a", "b"])  # TTR falls to 0.67 at word 3: one factor
    4.0
    """
    if not words:
        return float("nan")
    forward = _mtld_pass(words, threshold)
    backward = _mtld_pass(list(reversed(words)), threshold)
    if math.isnan(forward) or math.isnan(backward):
        return float("nan")
    return (forward + backward) / 2


class ReadabilityScorer:
    """Flesch scores of spaCy docs via textdescriptives (one blank pipeline per scorer).

    >>> import spacy
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("sentencizer")
    >>> scorer = ReadabilityScorer()
    >>> round(scorer.scores(nlp("The cat sat."))["flesch_reading_ease"], 2)
    119.19
    """

    def __init__(self) -> None:
        import textdescriptives  # noqa: F401  (registers the components)

        self._nlp = spacy.blank("en")
        self._component = self._nlp.add_pipe("textdescriptives/readability")

    def scores(self, doc: Doc) -> dict[str, float]:
        """Flesch reading ease and Flesch-Kincaid grade of ``doc`` (NaN if empty)."""
        if len(doc) == 0:
            return {"flesch_reading_ease": float("nan"), "flesch_kincaid_grade": float("nan")}
        result = self._component(doc)._.readability
        return {
            "flesch_reading_ease": float(result["flesch_reading_ease"]),
            "flesch_kincaid_grade": float(result["flesch_kincaid_grade"]),
        }
