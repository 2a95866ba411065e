"""Sentence tone with VADER (Hutto & Gilbert 2014), the lexicon shipped by vaderSentiment.

VADER scores a text's positive, neutral and negative proportions and a
normalised compound score in [-1, 1]; it was built for social media and
works on sentences. It scores the words it knows and knows nothing of the
topic: "attack" is negative whether it is a terrorist attack or a critic's.

>>> scores = sentence_tone(["A great and friendly partnership."])[0]
>>> scores["compound"] > 0.5
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentence_tone(texts: Sequence[str]) -> list[dict[str, float]]:
    """VADER scores (compound, pos, neu, neg) of each text."""
    analyzer = _analyzer()
    return [analyzer.polarity_scores(text) for text in texts]


def valence(words: Iterable[str]) -> list[float]:
    """VADER's lexicon valence of each word (looked up lower-cased), 0 for words it lacks:
    the words that move a sentence's score, before VADER's rules for negation, degree
    words and "but" adjust them.

    >>> valence(["Great", "attack", "Japan"])
    [3.1, -2.1, 0.0]
    """
    lexicon = _analyzer().lexicon
    return [float(lexicon.get(w.lower(), 0.0)) for w in words]


def tone_class(compound: float, threshold: float) -> str:
    """positive, negative or neutral by VADER's usual thresholds (±``threshold``).

    >>> tone_class(0.3, 0.05), tone_class(-0.05, 0.05), tone_class(0.0, 0.05)
    ('positive', 'negative', 'neutral')
    """
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"
