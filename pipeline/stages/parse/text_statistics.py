"""Document-level text statistics: lexical diversity and readability.

* MTLD, the Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010,
  Behavior Research Methods 42(2), 381-392): the mean length of word runs whose
  type-token ratio stays above 0.72, averaged over a forward and a backward pass.
* Flesch Reading Ease and Flesch-Kincaid grade (Flesch 1948; Kincaid et al.
  1975), with syllables counted by pyphen's hyphenation dictionaries (offline),
  defined as the textdescriptives package defines them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyphen

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
    """Flesch Reading Ease and Flesch-Kincaid grade from words per sentence and syllables.

    Formulas: Flesch (1948), Kincaid et al. (1975). Words and syllables follow
    the textdescriptives package's definitions (a word is a token that is not
    punctuation and has no apostrophe; syllables = hyphenation points of
    pyphen's ``en`` dictionary + 1, at least 1), so the scores equal its
    ``readability`` component's; syllable counts are cached per word, which
    makes this many times faster on a large corpus.

    Hyphenation points undercount syllables in long words ("diplo-macy" is 2),
    so scores read somewhat easier than hand counts would; the bias is the same
    for every document, so comparisons between documents hold.

    >>> scorer = ReadabilityScorer()
    >>> scorer.syllables("diplomacy"), scorer.syllables("cat")
    (2, 1)
    >>> {k: round(v, 3) for k, v in scorer.scores([["The", "cat", "sat"]]).items()}
    {'flesch_reading_ease': 119.19, 'flesch_kincaid_grade': -2.62}
    """

    def __init__(self, lang: str = "en") -> None:
        self._dictionary = pyphen.Pyphen(lang=lang)
        self._cache: dict[str, int] = {}

    def syllables(self, word: str) -> int:
        """Syllables of one word (hyphenation points + 1, at least 1)."""
        word = word.lower()
        count = self._cache.get(word)
        if count is None:
            count = max(1, self._dictionary.inserted(word).count("-") + 1)
            self._cache[word] = count
        return count

    def scores(self, sentences: Sequence[Sequence[str]]) -> dict[str, float]:
        """Scores of sentences given as lists of their words (punctuation already removed)."""
        n_sentences = len(sentences)
        words = [w for sentence in sentences for w in sentence]
        if not words or not n_sentences:
            return {"flesch_reading_ease": float("nan"), "flesch_kincaid_grade": float("nan")}
        words_per_sentence = len(words) / n_sentences
        syllables_per_word = sum(self.syllables(w) for w in words) / len(words)
        return {
            "flesch_reading_ease": 206.835 - 1.015 * words_per_sentence
            - 84.6 * syllables_per_word,
            "flesch_kincaid_grade": 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59,
        }


def readability_words(tokens) -> list[str]:
    """The words of a span that readability counts: no punctuation, space or apostrophe."""
    return [t.text for t in tokens if not (t.is_punct or t.is_space) and "'" not in t.text]
