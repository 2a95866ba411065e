"""Charts of the topics stage: ``plot_<what>(ax, table, ...) -> Axes``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb

from pipeline.charts.style import GROUP_COLOURS, NEUTRAL, colour_of

MAX_ROWS = 20
LEAN_RATIO = 1.5


def _empty(ax: Axes, message: str) -> Axes:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax


def _wrap(label: str, width: int = 18) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def plot_topic_prevalence(ax: Axes, doc_topics: pd.DataFrame, compare: tuple[str, str]) -> Axes:
    """Heatmap of topic shares: one row per document (per group when there are many)."""
    body = doc_topics[doc_topics["scope"] == "body"]
    if body.empty:
        return _empty(ax, "no topics")
    table = body.pivot_table(index=["group", "doc_id"], columns="topic_id", values="share")
    labels = body.drop_duplicates("topic_id").set_index("topic_id")["label"]
    if len(table) > MAX_ROWS:
        table = table.groupby(level="group").mean()
        rows = [f"{g} (mean of {int((body['group'] == g).sum() / len(labels))} docs)"
                for g in table.index]
        title = "Topic share by group (mean over documents)"
    else:
        rows = [f"{doc} ({group})" for group, doc in table.index]
        leads = [f"{doc}: {labels[int(np.argmax(v))].split(' / ')[0]} ({v.max():.0%})"
                 for (_, doc), v in zip(table.index, table.to_numpy(), strict=True)][:3]
        title = "Largest topic of each document: " + "; ".join(leads)
    values = table.to_numpy()
    groups = [name if isinstance(name, str) else name[0] for name in table.index]
    ax.imshow(_shaded(values, [_row_colour(g, compare) for g in groups]), aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=8,
                color="white" if v > 0.6 * values.max() else "black")
    ax.set_xticks(range(values.shape[1]), [_wrap(f"{t}: {labels[t]}") for t in table.columns],
                  fontsize=8)
    ax.set_yticks(range(len(rows)), rows)
    for tick, group in zip(ax.get_yticklabels(), groups, strict=True):
        tick.set_color(_row_colour(group, compare))
    ax.set_title(title, fontsize=10)
    ax.spines[:].set_visible(False)
    return ax


def _row_colour(group: str, compare: tuple[str, str]) -> str:
    return colour_of(group, compare)


def _shaded(values: np.ndarray, colours: list[str]) -> np.ndarray:
    """RGB cells from white (0) to each row's colour (the largest value in the table)."""
    top = max(float(values.max()), 1e-9)
    rgb = np.array([to_rgb(c) for c in colours])[:, None, :]
    weight = np.nan_to_num(values / top)[:, :, None]
    return 1 - weight * (1 - rgb)


def group_prevalence(doc_topics: pd.DataFrame, compare: tuple[str, str]) -> pd.DataFrame:
    """Mean body share of each topic over the documents of each compared group
    (rows: topic_id; columns: the groups)."""
    body = doc_topics[(doc_topics["scope"] == "body") & doc_topics["group"].isin(compare)]
    return body.pivot_table(index="topic_id", columns="group", values="share",
                            aggfunc="mean").reindex(columns=list(compare))


def topic_leaning(prevalence: pd.DataFrame, topic_id: int,
                  compare: tuple[str, str]) -> tuple[str | None, str]:
    """The group a topic belongs to most (its mean share at least ``LEAN_RATIO`` times every
    other group's), or None when no group leads so; and the shares as words.

    >>> p = pd.DataFrame({"a": [0.35, 0.2], "b": [0.01, 0.18]})
    >>> topic_leaning(p, 0, ("a", "b")), topic_leaning(p, 1, ("a", "b"))[0]
    (('a', 'a 35% \u00b7 b 1%'), None)
    """
    if topic_id not in prevalence.index:
        return None, ""
    shares = prevalence.loc[topic_id].fillna(0)
    words = " \u00b7 ".join(f"{g} {shares[g]:.0%}" for g in compare)
    values = [float(shares[g]) for g in compare]
    for i, value in enumerate(values):
        if value > 0 and all(value >= LEAN_RATIO * v for j, v in enumerate(values) if j != i):
            return compare[i], words
    return None, words


def plot_topic_terms(ax: Axes, topics: pd.DataFrame, topic_id: int,
                     prevalence: pd.DataFrame | None = None,
                     compare: tuple[str, str] = ()) -> Axes:
    """Horizontal bars: the top terms of one topic and their weight, in the colour of the
    group whose documents it fills most (grey when both groups use it alike)."""
    rows = topics[topics["topic_id"] == topic_id].sort_values("rank", ascending=False)
    if rows.empty:
        return _empty(ax, f"no topic {topic_id}")
    lean, shares = (None, "")
    if prevalence is not None and compare:
        lean, shares = topic_leaning(prevalence, topic_id, compare)
    colour = _row_colour(lean, compare) if lean else NEUTRAL
    ax.barh(range(len(rows)), rows["weight"], color=colour)
    ax.set_yticks(range(len(rows)), rows["term"], fontsize=8)
    first = rows.iloc[0]
    lines = [_wrap(f"{topic_id}: {first['label']}", 36),
             f"coherence {first['coherence']:.2f}, stability {first['stability']:.2f}"]
    if shares:
        lines.append(f"share: {shares}" + ("" if lean else " (both alike)"))
    ax.set_title("\n".join(lines), fontsize=9)
    ax.set_xlabel("weight")
    return ax


def plot_topic_selection(ax: Axes, selection: pd.DataFrame, min_stability: float) -> Axes:
    """Coherence and stability of each candidate number of topics; the chosen one marked."""
    if selection.empty:
        return _empty(ax, "no topic model: too little text in this corpus")
    ax.plot(selection["n_topics"], selection["coherence"], "o-", color=GROUP_COLOURS[0],
            label="coherence (mean NPMI)")
    ax.plot(selection["n_topics"], selection["stability"], "s--", color=GROUP_COLOURS[1],
            label="stability (top-term overlap)")
    ax.axhline(min_stability, color=NEUTRAL, lw=0.8, ls=":", label="minimum stability")
    chosen = selection[selection["chosen"]]
    for k in chosen["n_topics"]:
        ax.axvline(k, color="black", lw=0.8)
        ax.annotate(f"chosen: {k}", (k, 1.0), xytext=(3, -12), textcoords="offset points",
                    fontsize=8)
    ax.set_xticks(selection["n_topics"])
    ax.set_xlabel("number of topics")
    ax.set_ylim(min(-0.1, selection["coherence"].min() - 0.05), 1.05)
    ax.set_title("How the number of topics was chosen")
    ax.legend(fontsize=8, loc="lower left")
    return ax


def plot_keyterms(ax: Axes, keyterms: pd.DataFrame, doc_id: str, group: str,
                  compare: tuple[str, str], method: str = "textrank", top_n: int = 12) -> Axes:
    """Horizontal bars: one document's key terms by score, occurrences written beside them."""
    rows = keyterms[(keyterms["doc_id"] == doc_id) & (keyterms["method"] == method)]
    rows = rows.nsmallest(top_n, "rank").sort_values("rank", ascending=False)
    if rows.empty:
        return _empty(ax, f"no key terms for {doc_id}")
    colour = colour_of(group, compare)
    ax.barh(range(len(rows)), rows["score"], color=colour)
    ax.set_yticks(range(len(rows)), rows["example"], fontsize=8)
    for y, (score, count) in enumerate(zip(rows["score"], rows["count"], strict=True)):
        ax.text(score, y, f" {count}", va="center", fontsize=7)
    ax.set_title(f"{doc_id}\n({group})", fontsize=9)
    ax.set_xlabel(f"{method} score")
    return ax


def keyterm_documents(documents: pd.DataFrame, compare: tuple[str, str], most: int) -> list[str]:
    """Up to ``most`` documents for the key-terms chart, alternating the compared groups."""
    lists = [sorted(documents.loc[documents["group"] == g, "doc_id"]) for g in compare]
    shown: list[str] = []
    for i in range(max(len(x) for x in lists)):
        for x in lists:
            if i < len(x) and len(shown) < most:
                shown.append(x[i])
    return shown
