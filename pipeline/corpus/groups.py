"""The compared groups and the contrasts between them.

Two groups give one contrast, the pair itself (group A, group B), so a
two-group run is what it always was. Three or more give every pair, in the
order of ``compare``, and then each group against the rest of the compared
groups: group A is then :data:`REST` (the other groups' documents together)
and group B the group. Every pair-wise table (keyness, entity comparison,
framing summary) has one block of rows per contrast, named by its
``group_a`` and ``group_b`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the config reads this module's names; --help loads no pandas
    import pandas as pd

REST = "rest"  # group A of a one-vs-rest contrast: the other compared groups together
ALL = "all"  # compare = "all": every group of the manifest


@dataclass(frozen=True)
class Contrast:
    """Group A against group B; ``members_a``/``members_b`` are the groups behind each."""

    a: str
    b: str
    members_a: tuple[str, ...]
    members_b: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, str]:
        return self.a, self.b

    @property
    def one_vs_rest(self) -> bool:
        return self.a == REST


def contrasts(compare: tuple[str, ...] | list[str]) -> list[Contrast]:
    """Every contrast of the compared groups: the pairs, then (with three or more groups)
    each group against the rest.

    >>> [c.labels for c in contrasts(("x", "y"))]
    [('x', 'y')]
    >>> [c.labels for c in contrasts(("x", "y", "z"))]
    [('x', 'y'), ('x', 'z'), ('y', 'z'), ('rest', 'x'), ('rest', 'y'), ('rest', 'z')]
    """
    compare = tuple(compare)
    out = [Contrast(a, b, (a,), (b,)) for a, b in combinations(compare, 2)]
    if len(compare) > 2:
        out += [Contrast(REST, g, tuple(o for o in compare if o != g), (g,)) for g in compare]
    return out


def shown_contrasts(compare: tuple[str, ...] | list[str]) -> list[Contrast]:
    """The contrasts the charts and the report show term by term: the pair, or with three
    or more groups each group against the rest (one per group, not one per pair)."""
    every = contrasts(compare)
    return every if len(compare) == 2 else [c for c in every if c.one_vs_rest]


def relabelled(table: pd.DataFrame, contrast: Contrast, column: str = "group") -> pd.DataFrame:
    """The rows of ``table`` whose ``column`` is in the contrast, renamed to its two labels
    (every group behind group A becomes ``contrast.a``); other rows are left out."""
    mapping = {**{g: contrast.a for g in contrast.members_a},
               **{g: contrast.b for g in contrast.members_b}}
    values = table[column].map(mapping)
    kept = values.notna().to_numpy()
    return table[kept].assign(**{column: values[kept].to_numpy()})


def contrast_rows(table: pd.DataFrame, contrast: Contrast) -> pd.DataFrame:
    """The rows of a pair-wise table (``group_a``, ``group_b``) that belong to one contrast."""
    return table[(table["group_a"] == contrast.a) & (table["group_b"] == contrast.b)]


def group_name(group: str) -> str:
    """How a finding names a group: "the op-ed", or for :data:`REST` "the other groups"."""
    return "the other groups" if group == REST else f"the {group}"


def possessive(group: str) -> str:
    """"the op-ed's", "the other groups'"."""
    return "the other groups'" if group == REST else f"the {group}'s"


def stacked(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The contrasts' blocks of rows one after the other (one block: that table itself)."""
    import pandas as pd

    if len(tables) == 1:
        return tables[0]
    kept = [t for t in tables if not t.empty] or tables[:1]
    return pd.concat(kept, ignore_index=True)
