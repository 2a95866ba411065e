"""The look shared by every chart: palette, figure size, fonts.

Colours are the Okabe & Ito (2008) colour-blind-safe palette
("Color Universal Design", jfly.uni-koeln.de/color); group A is always blue,
group B always orange, in every chart and in the report. A third and further
compared group take the palette's next colours (its yellow is left out: it
cannot be read on white); past seven groups the colours repeat. The other
groups together (group A of a one-vs-rest contrast) are grey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the report reads the palette without loading matplotlib
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
COLOUR_NAMES = ("blue", "orange", "green", "purple", "red", "sky blue", "black")
NEUTRAL = "#999999"
RC = {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "axes.spines.top": False,
      "axes.spines.right": False}


def colour_of(group: str, compare: tuple[str, ...] | list[str]) -> str:
    """The colour of a compared group (grey for any other, and for the rest).

    >>> colour_of("b", ("a", "b")), colour_of("rest", ("a", "b", "c"))
    ('#E69F00', '#999999')
    """
    compare = list(compare)
    if group not in compare:
        return NEUTRAL
    return GROUP_COLOURS[compare.index(group) % len(GROUP_COLOURS)]


def colour_key(compare: tuple[str, ...] | list[str]) -> str:
    """"overview blue, op-ed orange": which colour is which group, in words."""
    return ", ".join(f"{g} {COLOUR_NAMES[i % len(COLOUR_NAMES)]}" for i, g in enumerate(compare))


def new_figure(width: float, height: float, ncols: int = 1,
               nrows: int = 1) -> tuple[Figure, list]:
    """A Figure (not registered with pyplot) and its axes, in the house style.

    The axes come as one flat list, row by row.
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    return figure, axes


def legend_outside(ax: Axes) -> None:
    """The legend right of the axes, where it cannot cover a bar, a point or a label."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
