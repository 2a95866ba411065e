"""The chart stages: each reads the tables of one analysis stage and returns its figures.

Charts are stages of their own so that a change to a chart reruns only the
charts, never the analysis, and the analysis stages need no plotting library.
The engine saves each returned figure (PNG and SVG) and closes it.
"""

from __future__ import annotations

import math

import pandas as pd

from pipeline.charts.entities import network_documents, plot_entity_network, plot_top_entities
from pipeline.charts.framing import (
    over_time_panels,
    plot_actor_agency,
    plot_fightin_words,
    plot_frame_shares,
    plot_keyness_bars,
    plot_over_time,
    plot_stance_rates,
    plot_tone_arcs,
)
from pipeline.charts.style import colour_key, colour_of, new_figure
from pipeline.charts.topics import (
    group_prevalence,
    keyterm_documents,
    plot_keyterms,
    plot_topic_prevalence,
    plot_topic_selection,
    plot_topic_terms,
)
from pipeline.config import EntitySettings, FramingSettings, TopicSettings
from pipeline.corpus.entity_lexicon import NAME_LABELS
from pipeline.corpus.groups import contrast_rows, shown_contrasts


def entity_charts(entity_comparison: pd.DataFrame, entity_summary: pd.DataFrame,
                  cooccurrence: pd.DataFrame, documents: pd.DataFrame, *,
                  entities: EntitySettings, compare: tuple[str, ...]) -> dict[str, object]:
    """The most-named entities of each group, and each shown document's entity network."""
    compare = tuple(compare)
    # charts show names; dates and amounts stay in the tables
    names = entity_comparison[entity_comparison["label"].isin(NAME_LABELS)]
    name_summary = entity_summary[entity_summary["label"].isin(NAME_LABELS)]
    rows = min(2 * entities.chart_top_n, 2 * len(names))
    top_figure, (ax,) = new_figure(8, 0.35 * rows + 1.5 if rows else 2.5)
    plot_top_entities(ax, names, entities.chart_top_n)
    shown = network_documents(entity_summary, documents, compare)
    net_figure, axes = new_figure(6 * len(shown), 5.5, ncols=len(shown))
    group_of = documents.set_index("doc_id")["group"]
    for ax, doc_id in zip(axes, shown, strict=True):
        colour = colour_of(group_of[doc_id], compare)
        plot_entity_network(ax, cooccurrence, name_summary, doc_id, entities.chart_top_n, colour)
    net_figure.suptitle("Entities named in the same sentence (node size: mentions; "
                        "line width: shared sentences)")
    return {"top_entities": top_figure, "entity_networks": net_figure}


def topic_charts(topics: pd.DataFrame, topic_selection: pd.DataFrame, doc_topics: pd.DataFrame,
                 keyterms: pd.DataFrame, documents: pd.DataFrame, *, topic_settings: TopicSettings,
                 compare: tuple[str, ...]) -> dict[str, object]:
    """Topic shares per document, each topic's top terms, the choice of k, key terms."""
    settings, compare = topic_settings, tuple(compare)
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    k = int(topics["topic_id"].nunique())
    prevalence, (ax,) = new_figure(max(7.0, 1.3 * k + 3), 1.5 + 0.45 * min(
        documents["doc_id"].nunique(), 20))
    plot_topic_prevalence(ax, doc_topics, compare)
    ncols = max(1, min(k, 4))
    nrows = max(1, math.ceil(k / ncols))
    terms_figure, axes = new_figure(3.6 * ncols, 3.4 * nrows, ncols=ncols, nrows=nrows)
    prevalence_by_group = group_prevalence(doc_topics, compare)
    for topic_id, ax in enumerate(axes):
        if topic_id < k:
            plot_topic_terms(ax, topics, topic_id, prevalence_by_group, compare)
        else:
            ax.set_axis_off()
    terms_figure.suptitle(f"Top terms of the {k} topics; bars in the colour of the group "
                          f"whose documents the topic fills most ({colour_key(compare)}; "
                          f"grey: {'both' if len(compare) == 2 else 'all'} alike)" if k else
                          "No topic model: too little text in this corpus")
    selection_figure, (ax,) = new_figure(6, 3.5)
    plot_topic_selection(ax, topic_selection, settings.min_stability)
    shown = keyterm_documents(documents, compare, settings.chart_max_documents)
    key_figure, axes = new_figure(4.2 * len(shown), 5, ncols=len(shown))
    for ax, doc_id in zip(axes, shown, strict=True):
        plot_keyterms(ax, keyterms, doc_id, groups.get(doc_id, ""), compare)
    key_figure.suptitle("Key terms by TextRank (bar: score; number: occurrences)")
    return {"topic_prevalence": prevalence, "topic_terms": terms_figure,
            "topic_selection_scores": selection_figure, "key_terms": key_figure}


def framing_charts(keyness: pd.DataFrame, frame_shares: pd.DataFrame, tone: pd.DataFrame,
                   stance: pd.DataFrame, actors: pd.DataFrame, documents: pd.DataFrame,
                   over_time: pd.DataFrame, *, framing: FramingSettings,
                   compare: tuple[str, ...]) -> dict[str, object]:
    """Distinctive words, frame shares, tone arcs, stance rates, actor agency, and the
    frames, tone and stance per period."""
    settings, compare = framing, tuple(compare)
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    lemmas = keyness[keyness["kind"] == "lemma"]
    # a panel per contrast shown: the pair, or each group against the rest (grey)
    shown = shown_contrasts(compare)
    top_n = settings.chart_top_n if len(shown) == 1 else max(5, settings.chart_top_n // 2)
    columns = 1 if len(shown) == 1 else 2
    rows = -(-len(shown) // columns)
    bars, bar_axes = new_figure(9 * columns, (0.3 * 2 * top_n + 1.5) * rows, ncols=columns,
                                nrows=rows)
    scatter, scatter_axes = new_figure(9 * columns, 6.5 * rows, ncols=columns, nrows=rows)
    for i, contrast in enumerate(shown):
        part = contrast_rows(lemmas, contrast)
        colours = (colour_of(contrast.a, compare), colour_of(contrast.b, compare))
        plot_keyness_bars(bar_axes[i], part, contrast.labels, top_n, settings.z_threshold,
                          settings.min_units, colours=colours)
        plot_fightin_words(scatter_axes[i], part, contrast.labels, settings.z_threshold,
                           colours=colours)
    for ax in [*bar_axes[len(shown):], *scatter_axes[len(shown):]]:
        ax.set_axis_off()
    shares, (ax,) = new_figure(9, 5.5)
    plot_frame_shares(ax, frame_shares, compare)
    arcs, (ax,) = new_figure(9, 4.5)
    plot_tone_arcs(ax, tone, groups, compare)
    rates, (ax,) = new_figure(9, 5)
    plot_stance_rates(ax, stance, compare, settings.stance_voice)
    agency, (ax,) = new_figure(9, 5)
    plot_actor_agency(ax, actors, compare, settings.chart_top_n)
    timed = {}
    for name, measure, ylabel in [("frames", "frame share", "share of sentences (primary frame)"),
                                  ("tone", "tone", "mean VADER compound"),
                                  ("stance", "stance", "markers per 1,000 words")]:
        panels = over_time_panels(over_time, measure) or [""]
        columns = 2 if len(panels) > 1 else 1
        figure, axes = new_figure(9 if columns == 2 else 7, 3.2 * -(-len(panels) // columns) + 0.4,
                                  ncols=columns, nrows=-(-len(panels) // columns))
        for ax, category in zip(axes, panels, strict=False):
            plot_over_time(ax, over_time, measure, category, compare, ylabel)
        for ax in axes[len(panels):]:
            ax.set_axis_off()
        figure.suptitle(f"{measure.capitalize()} per {framing.period}, per group "
                        "(shaded: 95% interval over documents)", fontsize=11)
        timed[f"over_time_{name}"] = figure
    return {"distinctive_terms": bars, "fightin_words": scatter, "frame_share_bars": shares,
            "tone_arcs": arcs, "stance_rates": rates, "actor_agency": agency, **timed}
