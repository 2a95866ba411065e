"""Stage ``report``: one self-contained HTML page (and findings.md) from the run's tables.

The page is rendered from ``templates/report.html.j2`` beside this module with Jinja2;
every chart is embedded as an SVG ``data:`` URI and the styles are inline, so
the file opens offline in any browser and can be mailed or archived as it is.
Every number on the page leads to text: key findings, distinctive terms and
entities list sentences in context (doc_id and offsets into the original
file); long tables are cut with a link to the full CSV beside the page.
"""

from __future__ import annotations

import datetime as dt
import math
import platform
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import spacy

from pipeline.charts.style import GROUP_COLOURS, colour_key
from pipeline.config import (
    FramingSettings,
    ModelSettings,
    ParseSettings,
    ReportSettings,
    settings_dict,
)
from pipeline.corpus.dates import NO_PERIOD
from pipeline.corpus.groups import REST, contrast_rows, shown_contrasts
from pipeline.corpus.lexicons import ModelFile
from pipeline.corpus.manifest import Corpus
from pipeline.engine.catalog import FigureFiles
from pipeline.nlp.evidence import evidence_spans
from pipeline.nlp.model import pipeline_version
from pipeline.nlp.tone import valence
from pipeline.stages.report.explorer import explorer_data, explorer_json

TEMPLATES = Path(__file__).with_name("templates")
FIGURES = ("top_entities", "entity_networks", "topic_prevalence", "topic_terms",
           "topic_selection_scores", "key_terms", "distinctive_terms", "fightin_words",
           "frame_share_bars", "tone_arcs", "stance_rates", "actor_agency",
           "over_time_frames", "over_time_tone", "over_time_stance")


def _fmt(value, unit: str = "") -> str:
    """A number as the page shows it: shares as %, rates with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "share":
        return f"{100 * value:.0f}%"
    if unit == "score":
        return f"{value:+.2f}"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def numbers_note(agree, numbers, match_numbers) -> str:
    """How the numbers of an aligned pair compare, in words, with the numbers when they differ.

    >>> numbers_note("differ", "2.1; 2022", "1.8; 2021")
    'differ: 2.1, 2022 against 1.8, 2021'
    >>> numbers_note("agree", "2023", "2023"), numbers_note(float("nan"), "", "4")
    ('agree', '')
    """
    if not isinstance(agree, str) or not agree:
        return ""
    if agree == "agree":
        return agree
    return (f"{agree}: {str(numbers).replace('; ', ', ')} against "
            f"{str(match_numbers).replace('; ', ', ')}")


class SentenceIndex:
    """Sentences by document and offsets, to show evidence in context."""

    def __init__(self, sentences: pd.DataFrame) -> None:
        self.rows = sentences.set_index(["doc_id", "sentence_id"])
        self.by_span = {(d, int(a)): (int(s), int(b)) for d, s, a, b in zip(
            sentences["doc_id"], sentences["sentence_id"], sentences["start_char"],
            sentences["end_char"], strict=True)}

    def line(self, doc_id: str, sentence_id: int, start: int | None = None,
             end: int | None = None, marks: list[tuple[int, int]] | None = None) -> dict:
        """A context line: the sentence in pieces, the highlighted spans (file offsets) marked."""
        row = self.rows.loc[(doc_id, int(sentence_id))]
        text, s0 = row["text"], int(row["start_char"])
        spans = list(marks or []) + ([(start, end)] if start is not None else [])
        pieces, at = [], 0
        for a, b in sorted((max(0, a - s0), min(len(text), b - s0)) for a, b in spans):
            if a < at or a >= b:
                continue
            pieces += [(text[at:a], False), (text[a:b], True)]
            at = b
        pieces.append((text[at:], False))
        return {"doc_id": doc_id, "start": s0, "end": int(row["end_char"]), "part": row["part"],
                "pieces": [p for p in pieces if p[0]],
                "text": text}

    def evidence(self, evidence: str, marks: pd.DataFrame | None = None) -> list[dict]:
        """Lines for ``doc:start-end | ...`` references (sentence spans or term spans);
        spans of ``marks`` (doc_id, start_char, end_char) inside a sentence are highlighted."""
        lines = []
        for doc_id, start, end in evidence_spans(evidence):
            hit = self.by_span.get((doc_id, start))
            if hit is not None and hit[1] == end:
                inside = [] if marks is None else [
                    (a, b) for d, a, b in zip(marks["doc_id"], marks["start_char"],
                                              marks["end_char"], strict=True)
                    if d == doc_id and start <= a and b <= end]
                lines.append(self.line(doc_id, hit[0], marks=inside))
                continue
            inside = self.rows.loc[doc_id] if doc_id in self.rows.index.get_level_values(0) \
                else None
            if inside is None:
                continue
            match = inside[(inside["start_char"] <= start) & (inside["end_char"] >= end)]
            if not match.empty:
                lines.append(self.line(doc_id, int(match.index[0]), start, end))
        return lines


def vocabulary_note(lemmas: pd.DataFrame, compare: tuple[str, str], framing) -> str:
    """What the distinctive-vocabulary section can say: per group, how many words pass."""
    words = []
    for group in compare:
        hit = lemmas[lemmas["distinctive_for"] == group]
        if hit.empty:
            words.append(f"no word is distinctive of the {group}")
        else:
            top = hit.reindex(hit["log_odds_z"].abs().sort_values(ascending=False).index)
            names = ", ".join(f"“{t}”" for t in top["term"].head(5))
            words.append(f"{len(hit)} word{'s' * (len(hit) != 1)} {'are' if len(hit) != 1 else 'is'}"
                         f" distinctive of the {group} ({names})")
    text = "; ".join(words) + f" (|z| ≥ {framing.z_threshold:g}, in at least " \
        f"{framing.min_units} paragraphs, prior: {framing.prior})."
    if not all((lemmas["distinctive_for"] == g).any() for g in compare):
        text += (" A group with none only has words that lean its way: in two texts of a "
                 "thousand words a word needs about 8 uses against 0 to pass. p_exact in "
                 "the table is each word's exact binomial p, not corrected for the hundreds "
                 "of words tested.")
    return text[0].upper() + text[1:]


def term_lines(terms: pd.DataFrame, index: SentenceIndex, term: str, kind: str,
               group_docs: list[str], n: int) -> list[dict]:
    """Sentences of the given documents where a term occurs (terms.csv), the term highlighted."""
    hits = terms[(terms["term"] == term) & (terms["kind"] == kind)
                 & terms["doc_id"].isin(group_docs)]
    return [index.line(r.doc_id, r.sentence_id, r.start_char, r.end_char)
            for r in hits.head(n).itertuples()]


def _cue_tokens(frames_sentences: pd.DataFrame, tokens: pd.DataFrame, frame: str) -> pd.DataFrame:
    """Tokens whose lemma is one of the cue words a sentence matched for ``frame``."""
    rows = frames_sentences[frames_sentences["primary_frame"] == frame]
    cue_words = {(d, s): {w for c in cues.split("; ") if c.startswith(frame + ": ")
                          for w in c[len(frame) + 2:].lower().split()}
                 for d, s, cues in zip(rows["doc_id"], rows["sentence_id"], rows["cues"],
                                       strict=True) if isinstance(cues, str)}
    hit = tokens.merge(rows[["doc_id", "sentence_id"]], on=["doc_id", "sentence_id"])
    keep = np.array([w in cue_words.get((d, s), ()) or t.lower() in cue_words.get((d, s), ())
                     for d, s, w, t in zip(hit["doc_id"], hit["sentence_id"], hit["lemma_lower"],
                                           hit["text"], strict=True)], dtype=bool)
    return hit.loc[keep, ["doc_id", "start_char", "end_char"]]


def _tone_words(tokens: pd.DataFrame, scores: np.ndarray, category: str) -> pd.DataFrame:
    """Tokens VADER's lexicon scores (``scores``, one per token) in the direction of a tone
    finding: positive words for "positive sentences", negative for "negative sentences",
    both otherwise."""
    if category.startswith("positive"):
        keep = scores > 0
    elif category.startswith("negative"):
        keep = scores < 0
    else:
        keep = scores != 0
    return tokens.loc[keep, ["doc_id", "start_char", "end_char"]]


def _sides_of(sides: pd.DataFrame) -> dict:
    """The two sides, how they were chosen and the note that says so (sides.csv)."""
    first = sides.iloc[0]
    names = {row.side: row.country for row in sides.itertuples() if row.side}
    return {"a": names.get("A", ""), "b": names.get("B", ""), "source": first["source"],
            "note": first["note"]}


def _table(df: pd.DataFrame, columns: list[str], rows: int, csv: str,
           formats: dict[str, str] | None = None) -> dict:
    formats = formats or {}
    shown = df[columns].head(rows)
    body = [[_fmt(v, formats.get(c, "")) for c, v in zip(columns, r, strict=True)]
            for r in shown.itertuples(index=False)]
    return {"columns": columns, "rows": body, "total": len(df), "csv": csv}


@dataclass(frozen=True)
class CorpusTables:
    """What the report shows of the corpus: its documents, segments, sentences and tokens."""

    corpus: Corpus
    documents: pd.DataFrame
    segments: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame


@dataclass(frozen=True)
class EntityTables:
    """The entities stage's mentions and group comparison."""

    mentions: pd.DataFrame
    comparison: pd.DataFrame


@dataclass(frozen=True)
class TopicTables:
    """The topics stage's topics, choice of k and document shares."""

    topics: pd.DataFrame
    selection: pd.DataFrame
    doc_topics: pd.DataFrame


@dataclass(frozen=True)
class FramingTables:
    """The framing stage's tables that the page shows."""

    keyness: pd.DataFrame
    terms: pd.DataFrame
    frame_shares: pd.DataFrame
    frames_sentences: pd.DataFrame
    tone_summary: pd.DataFrame
    stance: pd.DataFrame
    stance_markers: pd.DataFrame
    actors: pd.DataFrame
    alignment: pd.DataFrame
    relationship: pd.DataFrame
    summary: pd.DataFrame
    headlines: pd.DataFrame
    sides: pd.DataFrame
    speakers: pd.DataFrame
    over_time: pd.DataFrame | None = None
    tone: pd.DataFrame | None = None  # per sentence, for the explorer
    voices: pd.DataFrame | None = None
    roles: pd.DataFrame | None = None


@dataclass(frozen=True)
class ReportOptions:
    """The settings the page reads: its own section and what it reports of the others."""

    report: ReportSettings
    compare: tuple[str, str]
    model: ModelSettings
    parse: ParseSettings
    framing: FramingSettings
    frame_card: dict | None = None  # the trained frame model's data card, if one was used


def _over_time_section(over_time: pd.DataFrame | None, options: ReportOptions) -> dict:
    """How many documents of each group have a period, how many are counted apart."""
    table = over_time if over_time is not None else pd.DataFrame(
        columns=["measure", "group", "period", "documents", "value"])
    apart = table[table["measure"] == NO_PERIOD].set_index("group")["value"]
    tone = table[table["measure"] == "tone"]
    dated = {g: int(tone.loc[tone["group"] == g, "documents"].sum()) for g in options.compare}
    return {"over_time": {"period": options.framing.period, "dated": dated,
                          "apart": {g: int(apart.get(g, 0)) for g in options.compare},
                          "periods": int(tone["period"].nunique()),
                          "any": bool(sum(dated.values()))}}


def _explorer_section(texts: CorpusTables, framed: FramingTables,
                      options: ReportOptions) -> dict:
    """The explorer's data (JSON) and script, both inlined: the page needs no network."""
    data = None
    if framed.tone is not None and framed.voices is not None and framed.roles is not None:
        data = explorer_data(framed.keyness, framed.terms, texts.sentences, texts.documents,
                             framed.frames_sentences, framed.tone, framed.voices, framed.roles,
                             options.compare, options.report)
    return {"explorer_json": explorer_json(data) if data else "",
            "explorer_js": (TEMPLATES / "explorer.js").read_text(encoding="utf-8")}


def frame_method(card: dict | None) -> dict | None:
    """What the report says of a trained frame model: where it was trained and how it
    scored, cross-validated by document (None: the lexicon tagged the frames)."""
    if card is None:
        return None
    cv = card.get("cross_validation")
    try:
        agreement, kappa = f"{float(cv['agreement']):.0%}", f"{float(cv['kappa']):.2f}"
    except (KeyError, TypeError, ValueError):  # not cross-validated (or a hand-edited card)
        agreement = kappa = None
    return {"trained_on": card.get("trained_on", "?"), "sentences": card.get("sentences", "?"),
            "documents": card.get("documents", "?"), "agreement": agreement, "kappa": kappa}


def report_page(corpus: Corpus, documents: pd.DataFrame, segments: pd.DataFrame,
                sentences: pd.DataFrame, tokens: pd.DataFrame, entity_comparison: pd.DataFrame,
                entities: pd.DataFrame, topics: pd.DataFrame, topic_selection: pd.DataFrame,
                doc_topics: pd.DataFrame, keyness: pd.DataFrame, terms: pd.DataFrame,
                frame_shares: pd.DataFrame,
                frames_sentences: pd.DataFrame, tone_summary: pd.DataFrame,
                stance: pd.DataFrame, stance_markers: pd.DataFrame, actors: pd.DataFrame,
                alignment: pd.DataFrame, relationship: pd.DataFrame,
                framing_summary: pd.DataFrame, headline_frames: pd.DataFrame,
                sides: pd.DataFrame, quoted_speakers: pd.DataFrame,
                over_time: pd.DataFrame | None = None, tone: pd.DataFrame | None = None,
                voices: pd.DataFrame | None = None, actor_roles: pd.DataFrame | None = None,
                *, report: ReportSettings,
                compare: tuple[str, str], model: ModelSettings, parse: ParseSettings,
                framing: FramingSettings, frames_model: ModelFile | None = None,
                **figures: FigureFiles) -> dict[str, str]:
    """Stage function: groups the inputs the engine passes by name into one object per
    section and renders the page (:func:`report_files`)."""
    card = None
    if frames_model is not None and isinstance(frames_model.data, dict):
        card = dict(frames_model.data.get("card") or {})
    return report_files(
        CorpusTables(corpus, documents, segments, sentences, tokens),
        EntityTables(entities, entity_comparison),
        TopicTables(topics, topic_selection, doc_topics),
        FramingTables(keyness, terms, frame_shares, frames_sentences, tone_summary, stance,
                      stance_markers, actors, alignment, relationship, framing_summary,
                      headline_frames, sides, quoted_speakers, over_time, tone, voices,
                      actor_roles),
        figures, ReportOptions(report, tuple(compare), model, parse, framing, card))


def report_files(texts: CorpusTables, named: EntityTables, topic_tables: TopicTables,
                 framed: FramingTables, figures: dict[str, FigureFiles],
                 options: ReportOptions) -> dict[str, str]:
    """report.html and findings.md from the run's tables, one object per section."""
    compare = options.compare
    settings = options.report
    title = settings.title or f"How {_and([f'the {g}' for g in compare])} frame the story"
    index = SentenceIndex(texts.sentences)
    lowered = texts.tokens["lemma"].str.lower()
    texts = replace(texts, tokens=texts.tokens.assign(lemma_lower=lowered))
    measured = framed.summary[framed.summary["measure"] != "distinctive term"]
    first_line = verdict(measured, options.framing.fdr_level)
    context = {
        "title": title, "compare": compare, "verdict": first_line,
        "group_class": group_classes(compare), "colour_key": colour_key(compare),
        "groups_text": _and(list(compare)),
        "resampling": _resampling_text(measured),
        "resample_min_documents": options.framing.resample_min_documents,
        "frame_model": frame_method(options.frame_card),
        "findings": _key_findings(measured, texts, named, framed, index, settings),
        **_corpus_section(texts, options),
        **_entity_section(texts, named, index, options),
        **_topic_section(topic_tables, settings),
        **_framing_section(texts, framed, index, options),
        **_over_time_section(framed.over_time, options),
        **_explorer_section(texts, framed, options),
        "figures": {name: figures[name].svg_data_uri() for name in FIGURES if name in figures},
        "settings": {name: settings_dict(value) for name, value in (
            ("model", options.model), ("parse", options.parse), ("framing", options.framing))},
        "versions": {"python": platform.python_version(), "spacy": spacy.__version__,
                     "spaCy pipeline": f"{options.model.name} "
                                       f"{pipeline_version(options.model.name)}".strip(),
                     "pandas": pd.__version__, "jinja2": jinja2.__version__},
        "input_hashes": texts.corpus.fingerprint(),
        "run_date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    page = env.get_template("report.html.j2").render(**context)
    return {"report": page, "findings": findings_markdown(title, measured, settings.key_findings,
                                                          index, first_line)}


def _and(items: list[str]) -> str:
    """"a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def group_classes(compare: tuple[str, ...]) -> dict[str, str]:
    """The CSS class of each group's name, in the colour its charts give it."""
    names = ["group-a", "group-b", *(f"group-{i}" for i in range(2, len(GROUP_COLOURS)))]
    return {REST: "group-rest", **{g: names[i % len(names)] for i, g in enumerate(compare)}}


STATUS_LABELS = {"key": "", "suggestive": "Suggestive: ",
                 "not significant": "Not significant after correction: "}


def verdict(measured: pd.DataFrame, level: float) -> str:
    """The page's first line: how many differences pass the false discovery rate."""
    tested = int(measured["p_value"].notna().sum())
    key = int((measured.get("status") == "key").sum()) if "status" in measured else 0
    if not tested:
        return ("No difference between the groups could be measured: the article bodies hold "
                "too little text for any measure (see the corpus section below).")
    if key:
        return (f"{key} of the {tested} measured differences pass a false discovery rate of "
                f"{level:.0%} (Benjamini–Hochberg q below {level:g}): those are the key "
                "findings; the others are suggestive at most.")
    return (f"None of the {tested} measured differences passes a false discovery rate of "
            f"{level:.0%} (Benjamini–Hochberg): the differences below are suggestive at most, "
            "and each says so.")


def _resampling_text(measured: pd.DataFrame) -> str:
    """"whole documents", "paragraphs" (or both): what the findings' resampling drew."""
    words = {"document": "whole documents", "paragraph": "paragraphs", "sentence": "sentences"}
    units = [u for u in ("document", "paragraph", "sentence")
             if "resampling_unit" in measured and (measured["resampling_unit"] == u).any()]
    return " and ".join(words[u] for u in units) or "sentences"


def _ordered_findings(measured: pd.DataFrame) -> pd.DataFrame:
    """Key findings first, then suggestive ones, then the rest, each by rank."""
    if "status" not in measured:
        return measured
    order = {"key": 0, "suggestive": 1}
    return measured.assign(_o=measured["status"].map(order).fillna(2)) \
        .sort_values(["_o", "rank"], kind="stable").drop(columns="_o")


def _key_findings(measured: pd.DataFrame, texts: CorpusTables, named: EntityTables,
                  framed: FramingTables, index: SentenceIndex,
                  settings: ReportSettings) -> list[dict]:
    """The top findings, each with its evidence sentences and the words that carry it."""
    tokens = texts.tokens
    countries = named.mentions[named.mentions["label"] == "GPE"]
    findings = []
    tone_scores = None
    for row in _ordered_findings(measured).head(settings.key_findings).itertuples():
        marks = None
        if row.measure == "stance":
            marks = framed.stance_markers[framed.stance_markers["category"] == row.category]
        elif row.measure == "relationship":
            marks = countries
        elif row.measure == "frame share" and row.category != "none":
            marks = _cue_tokens(framed.frames_sentences, tokens, row.category)
        elif row.measure == "tone":
            if tone_scores is None:  # once, for every tone finding
                tone_scores = np.array(valence(tokens["text"]), dtype=float)
            marks = _tone_words(tokens, tone_scores, row.category)
        elif row.measure == "agency":
            marks = named.mentions[(named.mentions["canonical"] == row.category) |
                                   (named.mentions["refers_to"] == row.category)]
        findings.append({"rank": int(row.rank), "finding": row.finding, "anchor": f"f{row.rank}",
                         "status": getattr(row, "status", "key"),
                         "label": STATUS_LABELS.get(getattr(row, "status", "key"), ""),
                         "value_a": _fmt(row.value_a, row.unit),
                         "value_b": _fmt(row.value_b, row.unit),
                         "group_a": row.group_a, "group_b": row.group_b,
                         "measure": row.measure, "category": row.category.replace("_", " "),
                         "lines": index.evidence(row.evidence, marks)[:settings.context_lines]})
    return findings


def _corpus_section(texts: CorpusTables, options: ReportOptions) -> dict:
    """The groups, the documents and how each was split into parts."""
    settings, documents, segments = options.report, texts.documents, texts.segments
    groups = []
    for g in options.compare:
        docs = documents[documents["group"] == g]
        groups.append({"name": g, "description": texts.corpus.group_descriptions.get(g, ""),
                       "documents": len(docs), "words": int(docs["n_words"].sum())})
    excluded = segments[segments["part"].isin(["boilerplate", "byline", "comment"])]
    part_counts = segments.pivot_table(index="doc_id", columns="part", values="segment_id",
                                       aggfunc="count", fill_value=0)
    part_columns = [p for p in ("title", "byline", "heading", "paragraph", "list_item",
                                "comment", "boilerplate") if p in part_counts.columns]
    return {
        "groups": groups,
        "parts": _table(part_counts[part_columns].reset_index(), ["doc_id", *part_columns],
                        settings.table_rows, "tables/segments.csv"),
        "overview": _table(documents, [c for c in [
            "doc_id", "group", "title", "n_words", "n_sentences", "n_duplicate_sentences",
            "flesch_reading_ease", "mtld", "n_comment_words"] if c in documents],
            settings.table_rows, "tables/documents.csv"),
        "excluded": _table(excluded.assign(text=excluded["text"].str.slice(0, 90),
                                           why=excluded.get("comment_cue", "")),
                           ["doc_id", "part", "text", "why"], settings.table_rows,
                           "tables/segments.csv"),
    }


def _entity_section(texts: CorpusTables, named: EntityTables, index: SentenceIndex,
                    options: ReportOptions) -> dict:
    """The most-named entities and the sentences that name the top three."""
    settings, entities = options.report, named.mentions
    names = named.comparison[named.comparison["label"].isin(
        ["PERSON", "NORP", "ORG", "GPE", "LOC", "EVENT", "FAC", "LAW", "WORK_OF_ART", "PRODUCT"])]
    columns = ["canonical", "label", "mentions_a", "mentions_b", "only_in"]
    if len(options.compare) > 2:  # a column per group, of its rows against the rest
        rest = names[names["group_a"] == REST]  # against the rest: its own mentions
        top_entities = rest.pivot_table(index=["canonical", "label"], columns="group_b",
                                        values="mentions_b", aggfunc="first", fill_value=0) \
            .reindex(columns=list(options.compare), fill_value=0)
        top_entities = top_entities.assign(_t=top_entities.sum(axis=1)).sort_values(
            ["_t", *options.compare], ascending=False, kind="stable").drop(columns="_t") \
            .reset_index()
        columns = ["canonical", "label", *options.compare]
    else:
        top_entities = names.sort_values(["mentions_a", "mentions_b"], ascending=False) \
            if "mentions_a" in names else names
    entity_context = []
    for canonical in top_entities["canonical"].head(3):
        rows = entities[(entities["canonical"] == canonical)
                        & entities["part"].isin(set(options.parse.body_parts))]
        entity_context.append({"name": canonical, "lines": [
            index.line(r.doc_id, r.sentence_id, r.start_char, r.end_char)
            for r in rows.head(settings.context_lines).itertuples()]})
    return {
        "entities_table": _table(top_entities, [c for c in columns if c in top_entities],
                                 settings.table_rows,
                                 "tables/entity_comparison.csv"),
        "entity_context": entity_context,
        "has_names": not names.empty,
    }


def _topic_section(tables: TopicTables, settings: ReportSettings) -> dict:
    """How the number of topics was chosen, and the topics' labels."""
    return {
        "selection": _table(tables.selection, ["n_topics", "coherence", "stability", "chosen"],
                            settings.table_rows, "tables/topic_selection.csv"),
        "topic_labels": tables.topics.drop_duplicates("topic_id")[
            ["topic_id", "label", "coherence", "stability"]].to_dict("records"),
    }


def _framing_section(texts: CorpusTables, framed: FramingTables, index: SentenceIndex,
                     options: ReportOptions) -> dict:
    """Vocabulary, frames, tone, stance, actors, the relationship and aligned claims."""
    settings, compare = options.report, options.compare
    docs_of = {g: sorted(texts.documents.loc[texts.documents["group"] == g, "doc_id"])
               for g in compare}
    all_lemmas = framed.keyness[framed.keyness["kind"] == "lemma"]
    shown = shown_contrasts(compare)
    term_context = []
    for contrast in shown:
        lemmas = contrast_rows(all_lemmas, contrast)
        for group, sign in ((contrast.a, 1), (contrast.b, -1)):
            if group == REST:
                continue
            units = lemmas["units_a"] if sign > 0 else lemmas["units_b"]
            top = lemmas[(sign * lemmas["log_odds_z"] > 0)
                         & (units >= options.framing.min_units)] \
                .sort_values("log_odds_z", ascending=sign < 0, kind="stable").head(3)
            for row in top.itertuples():
                term_context.append({
                    "term": row.term, "group": group, "z": f"{row.log_odds_z:+.2f}",
                    "counts": f"{row.count_a} / {row.count_b}", "group_a": contrast.a,
                    "group_b": contrast.b, "distinctive": row.distinctive_for == group,
                    "lines": term_lines(framed.terms, index, row.term, row.kind,
                                        docs_of[group], settings.context_lines)})
    lemmas = all_lemmas if len(compare) == 2 else all_lemmas[all_lemmas["group_a"] == REST]
    alignment = framed.alignment
    order = {g: i for i, g in enumerate(compare)}
    first = alignment["group"].map(order) < alignment["match_group"].map(order)  # a pair once
    aligned = alignment[alignment["aligned"] & alignment["mutual"] & first] \
        .sort_values("similarity", ascending=False, kind="stable").head(settings.table_rows)
    pairs = [{"similarity": f"{r.similarity:.2f}", "a": index.line(r.doc_id, r.sentence_id),
              "b": index.line(r.match_doc_id, r.match_sentence_id),
              "frames": f"{r.frame} / {r.match_frame}".replace("_", " "),
              "tone": f"{r.compound:+.2f} / {r.match_compound:+.2f}",
              "shared": r.shared.replace("; ", ", ") if isinstance(r.shared, str) else "",
              "numbers": numbers_note(r.numbers_agree, r.numbers, r.match_numbers),
              "numbers_differ": r.numbers_agree in ("differ", "partly")}
             for r in aligned.itertuples()]
    # a sentence once, with a counterpart in any other group (two groups: its one row)
    per_sentence = alignment.groupby(["group", "doc_id", "sentence_id"], sort=False).agg(
        aligned=("aligned", "any"), similarity=("similarity", "max")).reset_index() \
        if len(compare) > 2 and not alignment.empty else alignment
    only = {g: [index.line(r.doc_id, r.sentence_id) for r in per_sentence[
        (per_sentence["group"] == g) & ~per_sentence["aligned"].astype(bool)].sort_values(
        "similarity", kind="stable").head(settings.context_lines).itertuples()] for g in compare}
    share_aligned = {g: _fmt(per_sentence.loc[per_sentence["group"] == g, "aligned"].mean(),
                             "share")
                     if (per_sentence["group"] == g).any() else "–" for g in compare}
    group_shares = framed.frame_shares[framed.frame_shares["level"] == "group"]
    frame_rows = group_shares.pivot_table(index="frame", columns="group", values="share") \
        .reindex(columns=list(compare))
    mention_columns = [f"{g}: mentioning" for g in compare]
    if "mention_share" in group_shares:
        mentions = group_shares.pivot_table(index="frame", columns="group",
                                            values="mention_share").reindex(columns=list(compare))
        frame_rows[mention_columns] = mentions.reindex(frame_rows.index).to_numpy()
    else:
        frame_rows[mention_columns] = float("nan")
    frame_rows = frame_rows.reset_index().sort_values(list(compare), ascending=False)
    stance, relationship = framed.stance, framed.relationship
    tone_summary = framed.tone_summary
    return {
        "keyness_table": _table(lemmas.reindex(lemmas["log_odds_z"].abs()
                                               .sort_values(ascending=False, kind="stable").index),
                                ([] if len(compare) == 2 else ["group_b"]) +
                                ["term", "count_a", "count_b", "rate_a", "rate_b", "log_odds_z",
                                 "p_exact", "g2", "log_ratio", "units_a", "units_b",
                                 "distinctive_for"],
                                settings.table_rows, "tables/keyness.csv"),
        "term_context": term_context,
        "vocabulary_note": vocabulary_note(all_lemmas if len(compare) == 2 else lemmas,
                                           compare, options.framing),
        "frames_table": _table(frame_rows, ["frame", *compare, *mention_columns], 20,
                               "tables/frame_shares.csv",
                               {c: "share" for c in [*compare, *mention_columns]}),
        "headline_table": _table(framed.headlines.assign(
            frame=framed.headlines["primary_frame"].str.replace("_", " ")),
            ["group", "doc_id", "part", "text", "frame"], settings.table_rows,
            "tables/headline_frames.csv"),
        "tone_table": _table(tone_summary[tone_summary["level"] != "segment"],
                             ["level", "group", "doc_id", "part", "sentences", "mean_compound",
                              "mean_low", "mean_high", "positive_share", "negative_share"],
                             settings.table_rows, "tables/tone_summary.csv",
                             {"positive_share": "share", "negative_share": "share"}),
        "stance_voice": options.framing.stance_voice,
        "speakers_table": _table(framed.speakers.sort_values(["quoted_words", "doc_id"],
                                                             ascending=[False, True],
                                                             kind="stable"),
                                 ["group", "doc_id", "speaker", "sentences", "quoted_words",
                                  "verbs"], settings.table_rows, "tables/quoted_speakers.csv"),
        "stance_table": _table(stance[(stance["level"] == "group")
                                      & (stance["voice"] == options.framing.stance_voice)]
                               .pivot_table(
            index="marker", columns="group", values="per_1k_words").reindex(
            columns=list(compare)).reset_index(), ["marker", *compare], 20, "tables/stance.csv"),
        "actors_table": _table(framed.actors.sort_values("mentions", ascending=False,
                                                         kind="stable"),
                               ["doc_id", "actor", "mentions", "agent", "patient", "agency",
                                "agent_verbs", "mean_tone"], settings.table_rows,
                               "tables/actors.csv"),
        "relationship_table": _table(relationship[relationship["level"] == "group"],
                                     ["group", "category", "sentences", "total", "share",
                                      "share_low", "share_high"], 20, "tables/relationship.csv",
                                     {"share": "share", "share_low": "share",
                                      "share_high": "share"}),
        "sides": _sides_of(framed.sides),
        "pairs": pairs, "only": only, "share_aligned": share_aligned,
        "align": {"threshold": f"{options.framing.align_threshold:g}",
                  "min_shared": options.framing.align_min_shared},
    }


def findings_markdown(title: str, measured: pd.DataFrame, n: int, index: SentenceIndex,
                      first_line: str = "") -> str:
    """The key findings as Markdown, each with its evidence sentences quoted; first the
    verdict (how many pass the false discovery rate), then key, suggestive, the rest."""
    lines = [f"# {title}: key findings", ""]
    if first_line:
        lines += [first_line, ""]
    for row in _ordered_findings(measured).head(n).itertuples():
        label = STATUS_LABELS.get(getattr(row, "status", "key"), "")
        lines.append(f"{row.rank}. {label}{row.finding}")
        for line in index.evidence(row.evidence)[:2]:
            text = " ".join(line["text"].split())
            lines.append(f"   - “{text}” ({line['doc_id']}, "
                         f"characters {line['start']}–{line['end']})")
    lines.append("")
    several = "group_a" in measured and (measured["group_a"] == REST).any()
    lines.append("Differences are group B minus group A"
                 + (" (the second group a finding names minus the first; \"rest\": the other "
                    "compared groups together)" if several else "")
                 + "; intervals are 95% bootstrap intervals "
                 "and p-values permutation tests over the units each finding names (documents "
                 "or paragraphs), q-values Benjamini–Hochberg adjusted over all measured "
                 "differences; see outputs/README.md for what they mean with few documents.")
    return "\n".join(lines) + "\n"
