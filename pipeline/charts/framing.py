"""Charts of the framing stage: ``plot_<what>(ax, table, ...) -> Axes``."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba

from pipeline.charts.style import GROUP_COLOURS, NEUTRAL, colour_of, legend_outside

MAX_ARCS = 8


def _empty(ax: Axes, message: str) -> Axes:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax


def _distinctive_note(keyness: pd.DataFrame, compare: tuple[str, str],
                      z_threshold: float) -> str:
    """One line per group: its distinctive terms, or plainly that none passes."""
    parts = []
    for group in compare:
        hit = keyness[keyness["distinctive_for"] == group]
        hit = hit.reindex(hit["log_odds_z"].abs().sort_values(ascending=False).index)
        if hit.empty:
            parts.append(f"{group}: no term passes |z| \u2265 {z_threshold:g}")
        else:
            shown = ", ".join(f"'{t}'" for t in hit["term"].head(3))
            more = f" and {len(hit) - 3} more" if len(hit) > 3 else ""
            parts.append(f"{group}: {len(hit)} distinctive ({shown}{more})")
    return "; ".join(parts)


def plot_keyness_bars(ax: Axes, keyness: pd.DataFrame, compare: tuple[str, str],
                      top_n: int = 15, z_threshold: float = 1.96, min_units: int = 2,
                      colours: tuple[str, str] = GROUP_COLOURS[:2]) -> Axes:
    """Diverging bars of log-odds z: the terms leaning most to each group, on its side.

    Terms found in fewer than ``min_units`` paragraphs of the group they lean
    to are left out. Bars of distinctive terms (past the dotted lines) are solid;
    the others, pale, only lean that way; the title says how many pass for each
    group, and plainly when none does.
    """
    spread_a = keyness["units_a"] >= min_units
    spread_b = keyness["units_b"] >= min_units
    a = keyness[spread_a & (keyness["log_odds_z"] > 0)].nlargest(top_n, "log_odds_z")
    b = keyness[spread_b & (keyness["log_odds_z"] < 0)].nsmallest(top_n, "log_odds_z")
    shown = pd.concat([a, b]).sort_values("log_odds_z")
    if shown.empty:
        return _empty(ax, "no terms in two or more paragraphs of either group")
    passes = (shown["distinctive_for"].fillna("") != "").to_numpy()
    edges = [colours[0] if z > 0 else colours[1] for z in shown["log_odds_z"]]
    fills = [to_rgba(c, 1.0 if p else 0.3) for c, p in zip(edges, passes, strict=True)]
    ax.barh(range(len(shown)), shown["log_odds_z"], color=fills, edgecolor=edges, linewidth=0.6)
    ax.set_yticks(range(len(shown)), [f"{t} ({ca}/{cb})" for t, ca, cb in zip(
        shown["term"], shown["count_a"], shown["count_b"], strict=True)], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    for z in (z_threshold, -z_threshold):
        ax.axvline(z, color=NEUTRAL, lw=0.8, ls=":")
    ax.set_xlabel(f"log-odds z (Monroe et al. 2008): > 0 more in {compare[0]}, "
                  f"< 0 more in {compare[1]}\nsolid bars pass |z| \u2265 {z_threshold:g} "
                  f"(dotted lines); pale bars only lean that way")
    title = "Distinctive words" if passes.any() else "No distinctive words: the words leaning most"
    ax.set_title(f"{title} (uses {compare[0]}/{compare[1]} beside each word)\n"
                 + _distinctive_note(keyness, compare, z_threshold), fontsize=10)
    return ax


def _label_points(ax: Axes, rows: pd.DataFrame, label_n: int, colour: str) -> None:
    """Label the ``label_n`` most extreme points; words at one spot share one label."""
    rows = rows.assign(total=rows["count_a"] + rows["count_b"],
                       spot=rows["log_odds_z"].round(1))
    rows = rows.reindex(rows["log_odds_z"].abs().sort_values(ascending=False, kind="stable")
                        .index).head(label_n)
    for (total, _), here in rows.groupby(["total", "spot"], sort=False):
        words = list(here["term"])
        text = ", ".join(words[:2]) + (f" +{len(words) - 2}" if len(words) > 2 else "")
        ax.annotate(text, (total, here["log_odds_z"].iloc[0]), fontsize=7, xytext=(3, 2),
                    textcoords="offset points", color=colour)


def plot_fightin_words(ax: Axes, keyness: pd.DataFrame, compare: tuple[str, str],
                       z_threshold: float = 1.96, label_n: int = 10,
                       colours: tuple[str, str] = GROUP_COLOURS[:2]) -> Axes:
    """Frequency against log-odds z for every term; distinctive terms coloured and labelled.

    When no term of a group passes, the most leaning ones are labelled in grey and
    the title says so.
    """
    if keyness.empty:
        return _empty(ax, "no terms")
    total = keyness["count_a"] + keyness["count_b"]
    ax.scatter(total, keyness["log_odds_z"], s=8, color=NEUTRAL, alpha=0.5, linewidths=0,
               label="not distinctive")
    for i, group in enumerate(compare):
        hit = keyness[keyness["distinctive_for"] == group]
        colour = colours[i]
        if hit.empty:
            side = keyness[keyness["log_odds_z"] > 0] if i == 0 else \
                keyness[keyness["log_odds_z"] < 0]
            hit, colour = side, "#555555"
        else:
            ax.scatter(hit["count_a"] + hit["count_b"], hit["log_odds_z"], s=14, color=colour,
                       label=f"distinctive of {group} ({len(hit)})")
        _label_points(ax, hit, label_n, colour)
    for z in (z_threshold, -z_threshold):
        ax.axhline(z, color=NEUTRAL, lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("uses in both groups (log scale)")
    ax.set_ylabel(f"log-odds z (> 0: {compare[0]}, < 0: {compare[1]})")
    leaning_only = not all((keyness["distinctive_for"] == g).any() for g in compare)
    ax.set_title("Fightin' words: frequency against distinctiveness\n"
                 + _distinctive_note(keyness, compare, z_threshold)
                 + ("\n(grey labels: the words leaning most, not distinctive)"
                    if leaning_only else ""), fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return ax


def _plural(n: int, word: str) -> str:
    """ "1 role", "3 roles".

    >>> _plural(1, "role"), _plural(0, "mention")
    ('1 role', '0 mentions')
    """
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _offsets(n_groups: int, height: float) -> list[float]:
    """Vertical offset of each group's bar within a category: the first group on top
    (the y axis is inverted), the bars not touching."""
    return [(i - (n_groups - 1) / 2) * height * 1.1 for i in range(n_groups)]


def _grouped_barh(ax: Axes, rows: pd.DataFrame, key: str, value: str,
                  compare: tuple[str, str]) -> list[str]:
    """A bar per group in each category (the first group on top); returns the categories."""
    categories = list(dict.fromkeys(rows[key]))
    height = 0.76 / len(compare)
    for i, (group, dy) in enumerate(zip(compare, _offsets(len(compare), height), strict=True)):
        g = rows[rows["group"] == group].set_index(key).reindex(categories)
        ax.barh(np.arange(len(categories)) + dy, g[value], height,
                color=colour_of(group, compare), label=group)
    ax.set_yticks(range(len(categories)), [c.replace("_", " ") for c in categories], fontsize=8)
    ax.invert_yaxis()
    return categories


def plot_frame_shares(ax: Axes, frame_shares: pd.DataFrame, compare: tuple[str, str]) -> Axes:
    """Share of sentences per primary frame and group: a dot at the share, a line across its
    bootstrap interval, each group in its own colour on its own line.

    Frames no compared group uses are left out and named under the axis.
    """
    rows = frame_shares[(frame_shares["level"] == "group") & (frame_shares["frame"] != "other")
                        & frame_shares["group"].isin(compare)]
    if rows.empty:
        return _empty(ax, "no frames")
    used = rows.groupby("frame", sort=False)["sentences"].sum()
    unused = [f for f in used.index if used[f] == 0]
    rows = rows[~rows["frame"].isin(unused)]
    categories = list(dict.fromkeys(rows["frame"]))
    for group, dy in zip(compare, _offsets(len(compare), 0.64 / len(compare)), strict=True):
        g = rows[rows["group"] == group].set_index("frame").reindex(categories)
        y = np.arange(len(categories)) + dy
        colour = colour_of(group, compare)
        ax.hlines(y, g["share_low"], g["share_high"], color=colour, lw=2.5, alpha=0.45)
        ax.plot(g["share"], y, "o", color=colour, label=group, ms=6, clip_on=False)
    ax.set_yticks(range(len(categories)), [c.replace("_", " ") for c in categories], fontsize=8)
    ax.set_ylim(len(categories) - 0.5, -0.5)
    ax.grid(axis="y", color="#eeeeee", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_xlim(left=0)
    wide = rows[rows["frame"] != "none"].pivot_table(index="frame", columns="group",
                                                     values="share") \
        .reindex(columns=list(compare)).fillna(0)
    leads = []
    for group in compare:  # each group's frame furthest above every other group's share
        others = wide[[g for g in compare if g != group]].max(axis=1)
        gap = (wide[group] - others).sort_values(ascending=False, kind="stable")
        if len(gap) and gap.iloc[0] > 0:
            f = gap.index[0]
            than = "" if len(compare) == 2 else " than any other group"
            leads.append(f"the {group} uses {f.replace('_', ' ')} more{than} "
                         f"({wide.loc[f, group]:.0%} of sentences vs {others[f]:.0%})")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    label = "share of body sentences with this primary frame (dot) and its 95% bootstrap interval"
    if "resampling_unit" in rows and rows["resampling_unit"].nunique() == 1:
        label += f" ({rows['resampling_unit'].iloc[0]}s resampled)"
    if unused:
        label += "\n" + textwrap.fill(("not used by either group: " if len(compare) == 2 else
                                    "not used by any compared group: ") + ", ".join(
            f.replace("_", " ") for f in unused), width=90)
    ax.set_xlabel(label)
    title = "Primary frame of sentences"
    if leads:
        title = "Largest gaps: " + ";\n".join(leads)
    ax.set_title(title, fontsize=10)
    legend_outside(ax)
    return ax


def plot_tone_arcs(ax: Axes, tone: pd.DataFrame, groups: dict[str, str],
                   compare: tuple[str, str], window: int = 5) -> Axes:
    """Tone through each document: rolling mean of VADER compound over body sentences."""
    body = tone[(tone["scope"] == "body") & tone["doc_id"].map(groups).isin(compare)]
    if body.empty:
        return _empty(ax, "no sentences")
    docs = sorted(body["doc_id"].unique())
    if len(docs) <= MAX_ARCS:
        for doc_id in docs:
            d = body[body["doc_id"] == doc_id].sort_values("sentence_id")
            group = groups[doc_id]
            rolled = d["compound"].rolling(window, min_periods=1, center=True).mean()
            ax.plot(d["position"], rolled, color=colour_of(group, compare),
                    label=f"{doc_id} ({group})")
        title = f"Tone arc of each document (rolling mean over {window} sentences)"
    else:
        bins = np.linspace(0, 1, 11)
        for i, group in enumerate(compare):
            g = body[body["doc_id"].map(groups) == group]
            means = g.groupby(pd.cut(g["position"], bins), observed=False)["compound"].mean()
            ax.plot((bins[:-1] + bins[1:]) / 2, means.to_numpy(), color=colour_of(group, compare),
                    marker="o", label=f"{group} (mean of {g['doc_id'].nunique()} documents)")
        title = "Tone through the documents, by tenth of each document"
    means = [f"{g} {body.loc[body['doc_id'].map(groups) == g, 'compound'].mean():+.2f}"
             for g in compare if (body["doc_id"].map(groups) == g).any()]
    title = f"{title}\nmean tone (VADER compound): " + ", ".join(means)
    ax.axhline(0, color=NEUTRAL, lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(*_tone_limits([line.get_ydata() for line in ax.get_lines()]))
    ax.set_xlabel("position in the document (0 = start, 1 = end)")
    ax.set_ylabel("VADER compound (\u22121 to +1)")
    ax.set_title(title)
    legend_outside(ax)
    return ax


def _tone_limits(series: list) -> tuple[float, float]:
    """The y range of the tone chart: the plotted values and zero, with a margin, within
    VADER's -1..+1 (so a text whose tone stays between 0.1 and 0.7 is not drawn in a
    quarter of the chart).

    >>> _tone_limits([[0.1, 0.7]])
    (-0.1, 0.8)
    """
    values = np.concatenate([np.asarray(s, dtype=float) for s in series]) if series else \
        np.array([0.0])
    values = values[np.isfinite(values)]
    low, high = min(0.0, float(values.min(initial=0.0))), max(0.0, float(values.max(initial=0.0)))
    margin = max(0.1, 0.1 * (high - low))
    return round(max(-1.0, low - margin), 6), round(min(1.0, high + margin), 6)


def plot_stance_rates(ax: Axes, stance: pd.DataFrame, compare: tuple[str, str],
                      voice: str = "author") -> Axes:
    """Grouped bars: stance and hedging markers per 1,000 words of each group's body, in
    one voice (stance.csv ``voice``: the author's own words by default)."""
    rows = stance[stance["level"] == "group"]
    if "voice" in rows:
        rows = rows[rows["voice"] == voice]
    if rows.empty:
        return _empty(ax, "no markers")
    used = rows[rows["group"].isin(compare)].groupby("marker", sort=False)["per_1k_words"].sum()
    unused = [m for m in used.index if used[m] == 0]
    rows = rows[~rows["marker"].isin(unused)]
    if rows.empty:
        return _empty(ax, "no stance or hedging marker in either group")
    _grouped_barh(ax, rows, "marker", "per_1k_words", compare)
    wide = rows.pivot_table(index="marker", columns="group", values="per_1k_words") \
        .reindex(columns=list(compare)).fillna(0)
    gap = (wide.max(axis=1) - wide.min(axis=1)).sort_values(ascending=False)
    title = "Stance, hedging and attribution per 1,000 words"
    if len(gap) and gap.iloc[0] > 0:
        m = gap.index[0]
        more, less = wide.loc[m].idxmax(), wide.loc[m].idxmin()
        title = (f"Largest gap: the {more} uses more {m.replace('_', ' ')}, "
                 f"{wide.loc[m, more]:.1f} per 1,000 words against {wide.loc[m, less]:.1f}")
    whose = {"author": " in the author's own voice", "quoted": " quoted from others"}
    label = f"markers per 1,000 words of article body{whose.get(voice, '')}"
    if unused:
        label += ("\nin neither group: " if len(compare) == 2 else "\nin no compared group: ") \
            + ", ".join(m.replace("_", " ") for m in unused)
    ax.set_xlabel(label)
    ax.set_title(title, fontsize=10)
    legend_outside(ax)
    return ax


def plot_actor_agency(ax: Axes, actors: pd.DataFrame, compare: tuple[str, str],
                      top_n: int = 12) -> Axes:
    """Per actor and group: share of its subject/object roles in which it is the agent.

    An actor with roles but no agent role shows a 0% tick; one with no role in a group
    (or no mention) says so in words instead of a bar.
    """
    rows = actors[actors["group"].isin(compare)]
    if rows.empty:
        return _empty(ax, "no actors")
    by = rows.groupby(["actor", "group"])[["mentions", "agent", "patient"]].sum().reset_index()
    acting = by.groupby("actor")[["agent", "patient"]].sum().sum(axis=1)
    by = by[by["actor"].isin(acting[acting > 0].index)]
    if by.empty:
        return _empty(ax, "no actor is a subject or object")
    top = by.groupby("actor")["mentions"].sum().sort_values(ascending=False).head(top_n).index
    top = sorted(top, key=lambda a: (-by[by["actor"] == a]["mentions"].sum(), a))
    height = 0.76 / len(compare)
    for group, dy in zip(compare, _offsets(len(compare), height), strict=True):
        colour = colour_of(group, compare)
        g = by[by["group"] == group].set_index("actor").reindex(top)
        roles = (g["agent"] + g["patient"]).fillna(0).astype(int)
        agency = g["agent"] / roles.where(roles > 0)
        y = np.arange(len(top)) + dy
        ax.barh(y, agency.fillna(0), height, color=colour, label=group)
        for yy, value, n_roles, n in zip(y, agency, roles, g["mentions"].fillna(0).astype(int),
                                         strict=True):
            if n_roles == 0:
                text = (f" {group}: not mentioned" if n == 0 else
                        f" {group}: no subject/object role ({_plural(n, 'mention')})")
                ax.text(0, yy, text, va="center", fontsize=7, color="#555555", style="italic")
                continue
            if value == 0:  # a visible tick: 0% is a value, not a gap
                ax.plot([0, 0], [yy - height / 2, yy + height / 2], color=colour,
                        lw=2.5, solid_capstyle="butt")
            ax.text(value, yy, f" {value:.0%}: {_plural(n_roles, 'role')} / "
                    f"{_plural(n, 'mention')}", va="center", fontsize=7)
    ax.set_yticks(range(len(top)), top, fontsize=8)
    ax.set_ylim(len(top) - 0.5, -0.5)
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("agent share: agent / (agent + patient) roles")
    title = "Who acts? Agency of the most-mentioned actors (subjects and objects only)"
    wide = by.assign(agency=by["agent"] / (by["agent"] + by["patient"]).where(
        by["agent"] + by["patient"] >= 3)).pivot_table(index="actor", columns="group",
                                                        values="agency")
    shown = [g for g in compare if g in wide.columns]
    if len(shown) >= 2:
        wide = wide[shown]
        gap = (wide.max(axis=1, skipna=False) - wide.min(axis=1, skipna=False)).dropna()
        if len(gap) and gap.abs().max() > 0:
            actor = gap.abs().sort_values(ascending=False, kind="stable").index[0]
            # two groups: B then A; more: the groups where the actor acts most and least
            first, second = (compare[1], compare[0]) if len(compare) == 2 else \
                (wide.loc[actor].idxmax(), wide.loc[actor].idxmin())
            title = (f"{actor} is the agent in {wide.loc[actor, first]:.0%} of its roles in "
                     f"the {first}, {wide.loc[actor, second]:.0%} in the {second}\n"
                     "(subjects and objects of the most-mentioned actors)")
    ax.set_title(title, fontsize=10)
    legend_outside(ax)
    return ax


def plot_frame_confusion(ax: Axes, confusion: pd.DataFrame, agreement: float | None = None,
                         kappa: float | None = None) -> Axes:
    """Confusion matrix of the frame tagger against gold: rows the gold primary frame,
    columns the tagged one, each cell its count, shaded by the share of its row."""
    if confusion.empty:
        return _empty(ax, "no sentence scored")
    values = confusion.to_numpy(float)
    rows = values.sum(axis=1, keepdims=True)
    share = np.divide(values, rows, out=np.zeros_like(values), where=rows > 0)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if v:
            ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=7,
                    color="white" if share[i, j] > 0.6 else "black")
    names = [str(c).replace("_", " ") for c in confusion.columns]
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(confusion.index)),
                  [f"{str(g).replace('_', ' ')} ({int(n)})" for g, n in
                   zip(confusion.index, rows.ravel(), strict=True)], fontsize=7)
    ax.set_xlabel("tagged primary frame")
    ax.set_ylabel("gold primary frame (sentences)")
    title = "Frame tagger against gold: counts, shaded by share of the gold row"
    if agreement is not None and kappa is not None:
        title += f"\nagreement {agreement:.0%}, Cohen's kappa {kappa:.2f} (diagonal: agreed)"
    ax.set_title(title, fontsize=10)
    ax.spines[:].set_visible(False)
    return ax


NO_DATES = "no document of the compared groups has a date\n(manifest column `date`)"


def over_time_panels(over_time: pd.DataFrame, measure: str, most: int = 4) -> list[str]:
    """The categories of ``measure`` to draw, largest overall first (frames: by sentences
    in them; stance: by markers; tone: its one category)."""
    rows = over_time[over_time["measure"] == measure]
    if rows.empty:
        return []
    weight = rows["value"].fillna(0) * rows["sentences" if measure != "stance" else "words"]
    order = weight.groupby(rows["category"]).sum().sort_values(ascending=False, kind="stable")
    return [c for c in order.index if order[c] > 0][:most] or list(order.index[:1])


def plot_over_time(ax: Axes, over_time: pd.DataFrame, measure: str, category: str,
                   compare: tuple[str, str], ylabel: str) -> Axes:
    """One measure of one category per period: a line per group, its 95% interval shaded."""
    rows = over_time[(over_time["measure"] == measure) & (over_time["category"] == category)]
    if rows.empty:
        return _empty(ax, NO_DATES)
    periods = sorted(rows["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    for i, group in enumerate(compare):
        g = rows[rows["group"] == group].sort_values("period")
        if g.empty:
            continue
        xs = g["period"].map(x).to_numpy(float)
        ax.fill_between(xs, g["ci_low"].to_numpy(float), g["ci_high"].to_numpy(float),
                        color=colour_of(group, compare), alpha=0.18, lw=0)
        ax.plot(xs, g["value"], "o-", color=colour_of(group, compare), ms=4, lw=1.6,
                label=f"{group} ({int(g['documents'].sum())} docs)")
    ax.set_xticks(range(len(periods)), periods, rotation=45 if len(periods) > 6 else 0,
                  ha="right" if len(periods) > 6 else "center", fontsize=8)
    ax.set_title(category.replace("_", " "), fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    return ax
