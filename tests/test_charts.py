"""Chart functions on small tables written here and on the bundled run's tables."""

import pandas as pd

from pipeline.charts.framing import plot_fightin_words, plot_keyness_bars
from pipeline.charts.style import GROUP_COLOURS, new_figure


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


def _inside_figure(figure, artist) -> bool:
    figure.canvas.draw()  # Figure is not on pyplot: a canvas comes with savefig/draw
    box, frame = artist.get_window_extent(), figure.bbox
    return box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1


def test_top_entities_title_stays_inside_the_figure_even_with_a_long_name():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from pipeline.charts.entities import plot_top_entities

    long_name = "Japan International Cooperation Agency and Development Bank of Asia"
    comparison = pd.DataFrame({
        "canonical": [long_name, "Pakistan"], "label": ["ORG", "GPE"],
        "group_a": "overview", "group_b": "op-ed", "rate_a": [40.0, 3.0], "rate_b": [1.0, 20.0],
        "mentions_a": [20, 2], "mentions_b": [1, 12]})
    figure, (ax,) = new_figure(8, 3)
    FigureCanvasAgg(figure)
    plot_top_entities(ax, comparison)
    assert long_name in ax.get_title()
    assert _inside_figure(figure, ax.title)


ACTORS = pd.DataFrame(
    [("Japan", "A", 10, 3, 1), ("Japan", "B", 8, 2, 2), ("China", "B", 7, 0, 1),
     ("Agency", "A", 2, 2, 0)], columns=["actor", "group", "mentions", "agent", "patient"])


def test_actor_agency_says_no_role_in_words_and_marks_zero_percent():
    from pipeline.charts.framing import plot_actor_agency

    figure, (ax,) = new_figure(9, 4)
    plot_actor_agency(ax, ACTORS, ("A", "B"))
    texts = [t.get_text() for t in ax.texts]
    assert " 0%: 1 role / 7 mentions" in texts  # China in B: one role, never the agent
    assert not any("1 roles" in t or "1 mentions" in t for t in texts)
    assert " A: not mentioned" in texts  # China is absent from A: no bar, words
    assert " 75%: 4 roles / 10 mentions" in texts
    # the 0% of China in B is drawn as a tick in B's colour, not left blank
    ticks = [line for line in ax.get_lines() if list(line.get_xdata()) == [0, 0]]
    assert len(ticks) == 1
    # the legend sits outside the axes, so it covers no label
    figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1


def test_actor_agency_puts_the_first_group_on_top():
    from pipeline.charts.framing import plot_actor_agency

    _, (ax,) = new_figure(9, 4)
    plot_actor_agency(ax, ACTORS, ("A", "B"))
    bars = {b.get_label(): b for b in ax.containers}
    y_a, y_b = (bars[g].patches[0].get_y() for g in ("A", "B"))
    assert ax.yaxis_inverted() and y_a < y_b


SHARES = pd.DataFrame(
    [("group", g, "", f, n, 20, n / 20, max(0, n / 20 - 0.1), n / 20 + 0.1)
     for g, counts in (("A", {"economic": 6, "morality": 0, "legality": 2}),
                       ("B", {"economic": 2, "morality": 0, "legality": 0}))
     for f, n in counts.items()],
    columns=["level", "group", "doc_id", "frame", "sentences", "total", "share", "share_low",
             "share_high"])


def test_frame_shares_leave_out_unused_frames_and_keep_intervals_on_their_own_line():
    from pipeline.charts.framing import plot_frame_shares

    _, (ax,) = new_figure(9, 4)
    plot_frame_shares(ax, SHARES, ("A", "B"))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["economic", "legality"]  # morality: 0 sentences in both groups
    assert "not used by either group: morality" in ax.get_xlabel()
    # one interval line per group and frame, each at its own height, never shared
    segments = [seg for coll in ax.collections for seg in coll.get_segments()]
    heights = [round(seg[0][1], 6) for seg in segments]
    assert len(segments) == 4 and len(set(heights)) == 4
    # A's economic interval is 0.2..0.4 on A's line, which lies above B's (inverted axis)
    a_economic = [seg for seg in segments if abs(seg[0][0] - 0.2) < 1e-9]
    assert a_economic and a_economic[0][0][1] < 0


def test_tone_arc_axis_fits_the_tone_it_shows():
    from pipeline.charts.framing import plot_tone_arcs

    tone = pd.DataFrame({"doc_id": ["d1"] * 6, "scope": "body", "sentence_id": range(6),
                         "position": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
                         "compound": [0.1, 0.3, 0.2, 0.5, 0.6, 0.7]})
    _, (ax,) = new_figure(9, 4)
    plot_tone_arcs(ax, tone, {"d1": "A"}, ("A", "B"), window=1)
    low, high = ax.get_ylim()
    assert low < 0 < 0.7 < high  # zero line and the highest tone both shown
    assert high - low < 1.1  # not the full -1..+1 for a tone between 0.1 and 0.7


def test_topic_terms_take_the_colour_of_the_group_the_topic_fills():
    from matplotlib.colors import to_hex

    from pipeline.charts.topics import group_prevalence, plot_topic_terms

    topics = pd.DataFrame({"topic_id": [0, 0, 1, 1], "rank": [1, 2, 1, 2],
                           "term": ["goal", "match", "trade", "tariff"],
                           "weight": [0.3, 0.2, 0.3, 0.1], "label": ["goal / match"] * 2 +
                           ["trade / tariff"] * 2, "coherence": 0.5, "stability": 0.8})
    doc_topics = pd.DataFrame({
        "doc_id": ["a1", "a1", "b1", "b1"], "group": ["A", "A", "B", "B"], "scope": "body",
        "topic_id": [0, 1, 0, 1], "share": [0.9, 0.1, 0.45, 0.55]})
    prevalence = group_prevalence(doc_topics, ("A", "B"))
    colours = []
    for topic_id in (0, 1):
        _, (ax,) = new_figure(4, 3)
        plot_topic_terms(ax, topics, topic_id, prevalence, ("A", "B"))
        colours.append(to_hex(ax.patches[0].get_facecolor()))
        if topic_id == 0:
            assert "A 90% \u00b7 B 45%" in ax.get_title()
    # topic 0 fills A twice as much as B: A's blue; topic 1 (10% vs 55%): B's orange
    assert colours == [GROUP_COLOURS[0].lower(), GROUP_COLOURS[1].lower()]


def test_stance_rates_name_the_markers_neither_group_uses_instead_of_empty_rows():
    from pipeline.charts.framing import plot_stance_rates

    stance = pd.DataFrame(
        [("group", g, "author", m, r) for g, rates in (("A", (1.7, 0.0, 0.0)),
                                                       ("B", (7.1, 2.7, 0.0)))
         for m, r in zip(("hedges", "boosters", "questions"), rates, strict=True)],
        columns=["level", "group", "voice", "marker", "per_1k_words"])
    _, (ax,) = new_figure(9, 4)
    plot_stance_rates(ax, stance, ("A", "B"))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["hedges", "boosters"]
    assert "in neither group: questions" in ax.get_xlabel()
    assert "the B uses more hedges, 7.1 per 1,000 words against 1.7" in ax.get_title()
