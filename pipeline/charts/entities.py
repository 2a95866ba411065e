"""Charts of the entities stage: ``plot_<what>(ax, table, ...) -> Axes``."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes

from pipeline.charts.style import GROUP_COLOURS, NEUTRAL, colour_of, legend_outside
from pipeline.corpus.groups import REST


def plot_top_entities(ax: Axes, comparison: pd.DataFrame, top_n: int = 12) -> Axes:
    """Side-by-side bars: mentions per 1,000 words of each group's most named entities."""
    if comparison.empty:
        ax.text(0.5, 0.5, "no entities", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    if (comparison["group_a"] == REST).any():
        return _plot_top_entities_per_group(ax, comparison, top_n)
    group_a, group_b = comparison["group_a"].iloc[0], comparison["group_b"].iloc[0]
    top_a = comparison.nlargest(top_n, ["rate_a", "mentions_a"])
    top_b = comparison.nlargest(top_n, ["rate_b", "mentions_b"])
    chosen = pd.concat([top_a, top_b]).drop_duplicates("canonical")
    chosen = chosen.assign(total=chosen["rate_a"] + chosen["rate_b"]) \
        .sort_values(["total", "canonical"], ascending=[True, False])
    y = range(len(chosen))
    height = 0.4
    ax.barh([i + height / 2 for i in y], chosen["rate_a"], height, color=GROUP_COLOURS[0],
            label=group_a)
    ax.barh([i - height / 2 for i in y], chosen["rate_b"], height, color=GROUP_COLOURS[1],
            label=group_b)
    ax.set_yticks(list(y), [f"{c} ({lab})" for c, lab in zip(chosen["canonical"],
                                                            chosen["label"], strict=True)])
    ax.set_xlabel("mentions per 1,000 words of article body")
    lead_a = top_a.iloc[0] if len(top_a) else None
    lead_b = top_b.iloc[0] if len(top_b) else None
    parts = [f"{lead['canonical']} leads the {g} ({lead[col]:.1f} per 1,000 words)"
             for lead, g, col in ((lead_a, group_a, "rate_a"), (lead_b, group_b, "rate_b"))
             if lead is not None]
    # one line per group, wrapped at the figure's edges when a long name needs it
    ax.set_title("\n".join(["Most-named entities", *parts]), fontsize=10, wrap=True)
    legend_outside(ax)
    return ax


def _plot_top_entities_per_group(ax: Axes, comparison: pd.DataFrame, top_n: int) -> Axes:
    """Three or more groups: a bar per group (its rate, from its one-vs-rest rows) for the
    ``top_n`` most named entities of each group."""
    rest = comparison[comparison["group_a"] == REST]
    groups = list(dict.fromkeys(rest["group_b"]))
    rates = rest.pivot_table(index=["canonical", "label"], columns="group_b", values="rate_b",
                             aggfunc="first").reindex(columns=groups).fillna(0)
    chosen = list(dict.fromkeys(c for g in groups for c in
                                rates[g][rates[g] > 0].sort_values(ascending=False,
                                                                   kind="stable")
                                .index[:max(2, top_n // 2)]))
    rates = rates.loc[chosen]
    rates = rates.assign(_t=rates.sum(axis=1)).sort_values("_t", ascending=False,
                                                           kind="stable").drop(columns="_t")
    height = 0.8 / len(groups)
    for i, g in enumerate(groups):
        y = [k + (i - (len(groups) - 1) / 2) * height for k in range(len(rates))]
        ax.barh(y, rates[g], height, color=colour_of(g, groups), label=g)
    ax.set_yticks(range(len(rates)), [f"{c} ({lab})" for c, lab in rates.index])
    ax.invert_yaxis()
    ax.set_xlabel("mentions per 1,000 words of article body")
    leads = [f"{rates[g].idxmax()[0]} leads the {g} ({rates[g].max():.1f} per 1,000 words)"
             for g in groups if len(rates) and rates[g].max() > 0]
    ax.set_title("\n".join(["Most-named entities", *leads]), fontsize=10, wrap=True)
    legend_outside(ax)
    return ax


def plot_entity_network(ax: Axes, cooccurrence: pd.DataFrame, summary: pd.DataFrame,
                        doc_id: str, top_n: int = 12, colour: str = NEUTRAL) -> Axes:
    """Entities of one document on a circle: node size = mentions, edge width = shared sentences."""
    nodes = summary[(summary["doc_id"] == doc_id) & (summary["scope"] == "body")]
    ax.set_axis_off()
    ax.set_title(doc_id)
    if nodes.empty:  # (an empty table read back has untyped columns: nothing to rank)
        ax.text(0.5, 0.5, "no entities", ha="center", va="center", transform=ax.transAxes)
        return ax
    nodes = nodes.nlargest(top_n, ["mentions", "sentence_share"]).sort_values("canonical")
    names = nodes["canonical"].tolist()
    angle = {n: 2 * math.pi * i / len(names) for i, n in enumerate(names)}
    pos = {n: (math.cos(a), math.sin(a)) for n, a in angle.items()}
    edges = cooccurrence[(cooccurrence["doc_id"] == doc_id) &
                         cooccurrence["entity_a"].isin(names) & cooccurrence["entity_b"].isin(names)]
    widest = max(edges["sentences"].max(), 1) if not edges.empty else 1
    for row in edges.itertuples():
        (x1, y1), (x2, y2) = pos[row.entity_a], pos[row.entity_b]
        ax.plot([x1, x2], [y1, y2], color=NEUTRAL, alpha=0.6, zorder=1,
                linewidth=0.5 + 4 * row.sentences / widest)
    biggest = nodes["mentions"].max()
    for row in nodes.itertuples():
        x, y = pos[row.canonical]
        ax.scatter([x], [y], s=60 + 900 * row.mentions / biggest, color=colour, zorder=2,
                   edgecolor="white")
        ax.annotate(f"{row.canonical} ({row.mentions})", (x, y), xytext=(x * 1.18, y * 1.18),
                    ha="left" if x >= 0 else "right", va="center", fontsize=8, zorder=3)
    ax.set_xlim(-2.2, 2.2)
    ax.set_ylim(-1.5, 1.5)
    return ax


def network_documents(summary: pd.DataFrame, documents: pd.DataFrame,
                      compare: tuple[str, str], limit: int = 6) -> list[str]:
    """Documents shown as networks: per compared group, those with the most mentions."""
    totals = summary[summary["scope"] == "body"].groupby("doc_id")["mentions"].sum()
    chosen = []
    for group in compare:
        ids = documents.loc[documents["group"] == group, "doc_id"]
        ranked = sorted(ids, key=lambda d: (-totals.get(d, 0), d))
        chosen.extend(ranked[: max(1, limit // len(compare))])
    return chosen
