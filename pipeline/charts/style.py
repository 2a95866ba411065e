"""The look shared by every chart: palette, figure size, fonts.

Colours are the Okabe & Ito (2008) colour-blind-safe palette
("Color Universal Design", jfly.uni-koeln.de/color); group A is always blue,
group B always orange, in every chart and in the report.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

GROUP_COLOURS = ("#0072B2", "#E69F00")
NEUTRAL = "#999999"
EXTRA_COLOURS = ("#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
RC = {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "axes.spines.top": False,
      "axes.spines.right": False}


def new_figure(width: float, height: float, ncols: int = 1,
               nrows: int = 1) -> tuple[Figure, list]:
    """A Figure (not registered with pyplot) and its axes, in the house style.

    The axes come as one flat list, row by row.
    """
    import matplotlib

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    return figure, axes


def legend_outside(ax: Axes) -> None:
    """The legend right of the axes, where it cannot cover a bar, a point or a label."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
