"""Chart functions on small tables written here and on the bundled run's tables."""

import pandas as pd

from pipeline.charts.framing import plot_fightin_words, plot_keyness_bars
from pipeline.charts.style import new_figure


def _keyness(rows):
    return pd.DataFrame(rows, columns=["term", "count_a", "count_b", "log_odds_z", "units_a",
                                       "units_b", "distinctive_for"])


LEANING_ONLY = _keyness([("trade", 4, 0, 1.6, 3, 0, ""), ("visit", 1, 9, -1.5, 1, 5, "")])
ONE_SIDE = _keyness([("trade", 4, 0, 1.6, 3, 0, ""), ("visit", 1, 14, -2.3, 1, 9, "B")])


def _bars(table):
    _, (ax,) = new_figure(6, 4)
    plot_keyness_bars(ax, table, ("A", "B"))
    return ax, ax.get_title()


def test_keyness_bars_say_plainly_when_no_word_passes():
    _, title = _bars(LEANING_ONLY)
    assert title.startswith("No distinctive words")
    assert "A: no term passes" in title and "B: no term passes" in title


def test_keyness_bars_name_the_distinctive_words_of_each_side():
    ax, title = _bars(ONE_SIDE)
    assert title.startswith("Distinctive words")
    assert "B: 1 distinctive ('visit')" in title and "A: no term passes" in title
    # the passing bar is solid, the leaning one pale
    alphas = sorted(bar.get_facecolor()[3] for bar in ax.patches)
    assert alphas[0] < 0.5 and alphas[-1] == 1.0


def test_fightin_words_label_leaning_words_in_grey_when_none_passes():
    _, (ax,) = new_figure(6, 4)
    plot_fightin_words(ax, LEANING_ONLY, ("A", "B"))
    assert "not distinctive" in ax.get_title()
    assert {t.get_text() for t in ax.texts} == {"trade", "visit"}
