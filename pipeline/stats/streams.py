"""One random stream per measure, derived from the configured seed and the measure's name.

A run's numbers must not depend on which other measures it computes: adding a
frame that matches nothing must leave every other interval and p-value as it
was. So no two measures share a generator. Each gets its own, seeded from the
configured ``random_state`` and a stable name (its table, measure, group, ...)
through :class:`numpy.random.SeedSequence`, whose ``spawn_key`` carries the
name's hash (NumPy's documented way to derive independent streams).

>>> a = measure_stream(0, "framing_summary", "tone", "mean compound")
>>> b = measure_stream(0, "framing_summary", "tone", "mean compound")
>>> int(a.integers(1_000_000)) == int(b.integers(1_000_000))
True
>>> c = measure_stream(0, "framing_summary", "tone", "positive sentences")
>>> int(c.integers(1_000_000)) != int(measure_stream(0, "framing_summary", "tone",
...                                                   "mean compound").integers(1_000_000))
True
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(*name: object) -> tuple[int, ...]:
    """Eight 32-bit words of the sha256 of the name's parts (joined by NUL)."""
    digest = hashlib.sha256("\0".join(str(part) for part in name).encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4))


def measure_stream(seed: int, *name: object) -> np.random.Generator:
    """The generator of the measure called ``name`` under the configured ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=name_key(*name)))
