"""Charts of the topics stage: ``plot_<what>(ax, table, ...) -> Axes``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pipeline.charts.style import GROUP_COLOURS, NEUTRAL

MAX_ROWS = 20


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
    ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1e-9), aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=8,
                color="white" if v > 0.6 * values.max() else "black")
    ax.set_xticks(range(values.shape[1]), [_wrap(f"{t}: {labels[t]}") for t in table.columns],
                  fontsize=8)
    ax.set_yticks(range(len(rows)), rows)
    for tick, name in zip(ax.get_yticklabels(), table.index, strict=True):
        group = name if isinstance(name, str) else name[0]
        if group in compare:
            tick.set_color(GROUP_COLOURS[compare.index(group)])
    ax.set_title(title, fontsize=10)
    ax.spines[:].set_visible(False)
    return ax


def plot_topic_terms(ax: Axes, topics: pd.DataFrame, topic_id: int) -> Axes:
    """Horizontal bars: the top terms of one topic and their weight."""
    rows = topics[topics["topic_id"] == topic_id].sort_values("rank", ascending=False)
    if rows.empty:
        return _empty(ax, f"no topic {topic_id}")
    ax.barh(range(len(rows)), rows["weight"], color=NEUTRAL)
    ax.set_yticks(range(len(rows)), rows["term"], fontsize=8)
    first = rows.iloc[0]
    ax.set_title(_wrap(f"{topic_id}: {first['label']}", 36) +
                 f"\ncoherence {first['coherence']:.2f}, stability {first['stability']:.2f}",
                 fontsize=9)
    ax.set_xlabel("weight")
    return ax


def plot_topic_selection(ax: Axes, selection: pd.DataFrame, min_stability: float) -> Axes:
    """Coherence and stability of each candidate number of topics; the chosen one marked."""
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
    colour = GROUP_COLOURS[compare.index(group)] if group in compare else NEUTRAL
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
