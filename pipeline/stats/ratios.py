"""Hardie's Log Ratio, the one effect size of a frequency difference used in every table.

Hardie (2014), "Log Ratio: an informal introduction" (ESRC Centre for Corpus
Approaches to Social Science): the binary log of the ratio of the two relative
frequencies, so +1 means twice as frequent in the first corpus. A zero count is
replaced by 0.5 (Hardie's own adjustment, which leaves non-zero counts as
they are), so a word only one side uses gets a finite value. A side with no
words at all has no relative frequency: the ratio is NaN (shown empty).

>>> log_ratio(20, 1000, 10, 1000), log_ratio(4, 1000, 0, 1000), log_ratio(8, 1000, 2, 1000)
(1.0, 3.0, 2.0)
"""

from __future__ import annotations

import math


def log_ratio(y_a: float, n_a: float, y_b: float, n_b: float) -> float:
    """log2((y_a / n_a) / (y_b / n_b)), each zero count y replaced by 0.5; NaN when a
    side has no words (n = 0).

    >>> math.isnan(log_ratio(0, 0, 3, 100))
    True
    """
    if n_a <= 0 or n_b <= 0:
        return math.nan
    return math.log2((max(y_a, 0.5) / n_a) / (max(y_b, 0.5) / n_b))
