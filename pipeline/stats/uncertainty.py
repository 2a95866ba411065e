"""Bootstrap intervals and permutation tests for ratios of sums over sentences.

Every framing measure is a ratio of sums over a group's sentences (a share:
sentences with X / sentences; a rate: markers / words × 1,000; a mean: sum of
scores / sentences). Resampling whole sentences keeps each sentence's numerator
and denominator together.

With two documents these intervals describe how much a value depends on which
sentences the texts happen to contain. They are not intervals for a genre, an
outlet or an author: two texts are two observations of that.

>>> import numpy as np
>>> ratio(np.array([1.0, 0.0, 1.0, 0.0]), np.ones(4))
0.5
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK = 200  # resamples drawn at a time (bounds memory on large corpora)


def ratio(num: np.ndarray, den: np.ndarray) -> float:
    """sum(num) / sum(den), 0 when the denominator is 0."""
    total = float(den.sum())
    return float(num.sum()) / total if total else 0.0


def _resampled(num: np.ndarray, den: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    out = []
    for start in range(0, n, CHUNK):
        draws = rng.integers(0, len(num), size=(min(CHUNK, n - start), len(num)))
        d = den[draws].sum(axis=1)
        out.append(np.divide(num[draws].sum(axis=1), d, out=np.zeros(len(d)), where=d > 0))
    return np.concatenate(out) if out else np.zeros(0)


def bootstrap_intervals(values: np.ndarray, n: int, rng: np.random.Generator,
                        level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap intervals of the column means of ``values`` (rows resampled).

    One set of resamples serves every column (e.g. one flag column per category).
    NaN when there are fewer than two rows or ``n`` is 0.
    """
    return ratio_intervals(values, np.ones(values.shape[0]), n, rng, level)


def ratio_intervals(nums: np.ndarray, den: np.ndarray, n: int, rng: np.random.Generator,
                    level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap intervals of sum(nums[:, j]) / sum(den) for every column j,
    resampling the rows (units: sentences, paragraphs or documents) with replacement.

    With one row per sentence and ``den`` all ones this is the interval of a mean.
    NaN when there are fewer than two rows or ``n`` is 0. The draws depend on the number
    of rows only, so a column added leaves every other column's interval as it was;
    columns are summed in blocks for memory.
    """
    rows, cols = nums.shape
    if n == 0 or rows < 2:
        nan = np.full(cols, np.nan)
        return nan, nan.copy()
    step = max(1, min(CHUNK, 4_000_000 // rows))
    width = max(1, 4_000_000 // (step * rows))
    ratios = []
    for start in range(0, n, step):
        draws = rng.integers(0, rows, size=(min(step, n - start), rows))
        d = den[draws].sum(axis=1)[:, None]
        sums = np.concatenate([nums[:, j:j + width][draws].sum(axis=1)
                               for j in range(0, cols, width)], axis=1)
        ratios.append(np.divide(sums, d, out=np.zeros_like(sums), where=d > 0))
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(np.concatenate(ratios), [tail, 100 - tail], axis=0)
    return lo, hi


@dataclass(frozen=True)
class Difference:
    """value_b − value_a with its bootstrap interval and permutation p-value."""

    value_a: float
    value_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float


def compare_groups(num_a: np.ndarray, den_a: np.ndarray, num_b: np.ndarray, den_b: np.ndarray,
                   *, bootstrap: int, permutations: int,
                   rng: np.random.Generator) -> Difference:
    """Difference of two ratios: bootstrap within each group, permutation of group labels.

    The interval resamples each group's sentences separately (percentile
    method). The p-value is two-sided: the share of label shuffles whose
    absolute difference is at least the observed one, (k + 1) / (N + 1).
    """
    a, b = ratio(num_a, den_a), ratio(num_b, den_b)
    observed = b - a
    lo = hi = p = float("nan")
    if bootstrap and len(num_a) > 1 and len(num_b) > 1:
        diffs = _resampled(num_b, den_b, bootstrap, rng) - _resampled(num_a, den_a, bootstrap, rng)
        lo, hi = (float(v) for v in np.percentile(diffs, [2.5, 97.5]))
    if permutations and len(num_a) and len(num_b):
        num = np.concatenate([num_a, num_b])
        den = np.concatenate([den_a, den_b])
        n_a = len(num_a)
        extreme = 0
        for start in range(0, permutations, CHUNK):
            size = min(CHUNK, permutations - start)
            order = np.argsort(rng.random((size, len(num))), axis=1)
            na, nb = num[order[:, :n_a]].sum(1), num[order[:, n_a:]].sum(1)
            da, db = den[order[:, :n_a]].sum(1), den[order[:, n_a:]].sum(1)
            ra = np.divide(na, da, out=np.zeros(size), where=da > 0)
            rb = np.divide(nb, db, out=np.zeros(size), where=db > 0)
            extreme += int((np.abs(rb - ra) >= abs(observed) - 1e-12).sum())
        p = (extreme + 1) / (permutations + 1)
    return Difference(a, b, observed, lo, hi, p)
