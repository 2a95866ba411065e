"""Stage ``framing``: how the two compared groups frame the story, measured per sentence.

One pass over the parsed sentences of the article bodies and reader comments
collects, per sentence: frame cues and primary frame (:mod:`pipeline.frames`),
stance markers (:mod:`pipeline.stance`), VADER tone (:mod:`pipeline.tone`),
the grammatical role of each actor mention (:mod:`pipeline.actors`), which
countries it names, and the numbers it states. Terms are counted for
distinctive vocabulary (:mod:`pipeline.keyness`); sentences of the two groups
are aligned (:mod:`pipeline.alignment`); every group difference gets a
bootstrap interval and a permutation p-value (:mod:`pipeline.uncertainty`) in
``framing_summary.csv`` (:mod:`pipeline.framing_summary`).

Documents of groups other than the two compared are measured per document and
left out of the group comparisons.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from .actors import AGENT, PATIENT, mention_role
from .alignment import align_sentences
from .catalog import Lexicon
from .config import FramingSettings, ParseSettings
from .cues import compile_cues
from .errors import ConfigError
from .framing_charts import (plot_actor_agency, plot_fightin_words, plot_frame_shares,
                             plot_keyness_bars, plot_stance_rates, plot_tone_arcs)
from .framing_summary import summary_table
from .frames import NONE, frame_definitions, sentence_frames
from .keyness import keyness_table
from .parse import sentences_of
from .stance import RULE_CATEGORIES, sentence_stance, stance_categories
from .terms import stop_words, term_occurrences
from .tone import sentence_tone, tone_class
from .uncertainty import bootstrap_interval
from .chart_style import new_figure

BODY, COMMENT = "body", "comment"
SENTENCE_COLUMNS = ["doc_id", "group", "scope", "segment_id", "part", "sentence_id",
                    "start_char", "end_char", "n_words", "position", "text"]
_DIGITS = re.compile(r"\d")


def _countries(lexicons: Iterable[Lexicon]) -> set[str]:
    """Country names known to the entity lexicons: what capitals refer to, and GPE entries."""
    names: set[str] = set()
    for lexicon in lexicons:
        for entry in lexicon.data.get("entity", []):
            if entry.get("refers_to"):
                names.add(entry["refers_to"])
    return names


def _mentions_by_doc(entities: pd.DataFrame, labels: Iterable[str]) -> dict[str, list]:
    rows = entities[entities["label"].isin(list(labels))]
    out: dict[str, list] = defaultdict(list)
    for row in rows.itertuples(index=False):
        actor = row.refers_to if isinstance(row.refers_to, str) and row.refers_to else row.canonical
        out[row.doc_id].append((int(row.start_char), int(row.end_char), row.text, row.label,
                                row.canonical, actor))
    return out


def collect_sentences(docs: Iterable[Doc], sentences: pd.DataFrame, entities: pd.DataFrame,
                      groups: dict[str, str], *, frame_cues, stance_cues,
                      settings: FramingSettings, parse: ParseSettings) -> dict[str, pd.DataFrame]:
    """Per-sentence measures of every body and comment sentence (repeats once)."""
    duplicates = set() if parse.keep_duplicates else set(
        zip(sentences.loc[sentences["duplicate_of"].notna(), "doc_id"],
            sentences.loc[sentences["duplicate_of"].notna(), "sentence_id"].astype(int),
            strict=True))
    wanted = set(parse.body_parts) | {"comment"}
    actors_of = _mentions_by_doc(entities, settings.actor_labels)
    countries_of = _mentions_by_doc(entities, ["GPE"])
    rows, frame_rows, marker_rows, role_rows, place_rows = [], [], [], [], []
    for doc in docs:
        info = doc.user_data
        if info["part"] not in wanted:
            continue
        doc_id, base = info["doc_id"], info["start_char"]
        scope = COMMENT if info["part"] == "comment" else BODY
        for k, sent in enumerate(sentences_of(doc)):
            sid = info["first_sentence_id"] + k
            if (doc_id, sid) in duplicates:
                continue
            start, end = base + sent.start_char, base + sent.end_char
            n_words = sum(1 for t in sent if not (t.is_punct or t.is_space))
            key = (doc_id, sid)
            rows.append((doc_id, groups.get(doc_id, ""), scope, info["segment_id"], info["part"],
                         sid, start, end, n_words, 0.0, sent.text))
            primary, scores, matches = sentence_frames(sent, frame_cues)
            frame_rows.append((*key, primary, "; ".join(f"{m.category}: {m.cue}" for m in matches),
                               *scores.values()))
            counts, stance_matches = sentence_stance(sent, stance_cues)
            for m in stance_matches:
                span = doc[m.start:m.end]
                marker_rows.append((*key, m.category, m.cue, base + span.start_char,
                                    base + span.end_char, span.text))
            for category in RULE_CATEGORIES:
                if counts[category]:
                    marker_rows.append((*key, category, category, start, end, sent.text))
            for a, b, text, label, canonical, actor in actors_of.get(doc_id, []):
                if start <= a and b <= end:
                    span = doc.char_span(a - base, b - base, alignment_mode="expand")
                    if span is None:
                        continue
                    role = mention_role(span)
                    role_rows.append((*key, a, b, text, label, canonical, actor, role.role,
                                      role.verb, role.voice, role.via))
            for a, b, text, label, canonical, actor in countries_of.get(doc_id, []):
                if start <= a and b <= end:
                    place_rows.append((*key, a, b, text, actor))
            for token in sent:
                if _DIGITS.search(token.text) and token.like_num:
                    place_rows.append((*key, base + token.idx, base + token.idx + len(token),
                                       token.text, "#number"))
    sent_table = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    order = sent_table.groupby(["doc_id", "scope"]).cumcount()
    size = sent_table.groupby(["doc_id", "scope"])["sentence_id"].transform("size")
    sent_table["position"] = np.round((order + 0.5) / size, 4)
    frames = pd.DataFrame(frame_rows, columns=["doc_id", "sentence_id", "primary_frame", "cues",
                                               *frame_cues.categories])
    markers = pd.DataFrame(marker_rows, columns=["doc_id", "sentence_id", "category", "marker",
                                                 "start_char", "end_char", "text"])
    roles = pd.DataFrame(role_rows, columns=["doc_id", "sentence_id", "start_char", "end_char",
                                             "text", "label", "canonical", "actor", "role", "verb",
                                             "voice", "via"])
    places = pd.DataFrame(place_rows, columns=["doc_id", "sentence_id", "start_char", "end_char",
                                               "text", "actor"])
    return {"sentences": sent_table, "frames": frames, "markers": markers, "roles": roles,
            "places": places}


def choose_sides(places: pd.DataFrame, sentences: pd.DataFrame, settings: FramingSettings,
                 countries: set[str]) -> tuple[str, str]:
    """The two sides of the relationship: from the config, or the two most-named countries."""
    if settings.sides:
        return settings.sides[0], settings.sides[1]
    body = sentences.loc[sentences["scope"] == BODY, ["doc_id", "sentence_id"]]
    named = places[places["actor"] != "#number"].merge(body, on=["doc_id", "sentence_id"])
    if countries:
        known = named[named["actor"].isin(countries)]
        named = known if known["actor"].nunique() >= 2 else named
    counts = Counter(named["actor"])
    top = sorted(counts, key=lambda c: (-counts[c], c))[:2]
    if len(top) < 2:
        raise ConfigError(
            "The framing stage needs two sides of the relationship, but the article bodies "
            f"name {len(top)} country", fix="set [framing] sides = [\"Country A\", \"Country B\"] "
            "to canonical names from entities.csv")
    return top[0], top[1]


def relationship_labels(sentences: pd.DataFrame, places: pd.DataFrame, sides: tuple[str, str],
                        countries: set[str]) -> pd.DataFrame:
    """Per sentence: which sides and which third countries it names."""
    named = places[places["actor"] != "#number"].groupby(["doc_id", "sentence_id"])["actor"] \
        .agg(lambda s: sorted(set(s)))
    rows = []
    for doc_id, sid in zip(sentences["doc_id"], sentences["sentence_id"], strict=True):
        actors = named.get((doc_id, sid), [])
        a, b = sides[0] in actors, sides[1] in actors
        third = [c for c in actors if c not in sides and (not countries or c in countries)]
        category = ("both_sides" if a and b else "one_side" if a or b
                    else "third_party_only" if third else "neither")
        rows.append((doc_id, sid, category, a, b, "; ".join(third)))
    return pd.DataFrame(rows, columns=["doc_id", "sentence_id", "relationship", "names_side_a",
                                       "names_side_b", "third_parties"])


def _share_rows(sentences: pd.DataFrame, column: str, categories: list[str], compare: tuple,
                settings: FramingSettings, extra: dict[str, pd.Series] | None = None
                ) -> list[tuple]:
    """Share of sentences per category, per group and per document, with bootstrap intervals."""
    rng = np.random.default_rng(settings.random_state)
    rows = []
    units = [("group", g, "", sentences[sentences["group"] == g]) for g in compare]
    units += [("document", g, d, part) for (g, d), part in
              sentences.groupby(["group", "doc_id"], sort=True)]
    for level, group, doc_id, part in units:
        if part.empty:
            continue
        den = np.ones(len(part))
        flags = {c: (part[column] == c).to_numpy(float) for c in categories}
        for name, series in (extra or {}).items():
            flags[name] = series.loc[part.index].to_numpy(float)
        for category, num in flags.items():
            lo, hi = bootstrap_interval(num, den, settings.bootstrap, rng)
            rows.append((level, group, doc_id, category, int(num.sum()), len(part),
                         round(num.sum() / len(part), 6), _r(lo), _r(hi)))
    return rows


def _r(value: float) -> float:
    return round(value, 6) if value == value else value


def _keyness_counts(occurrences: pd.DataFrame, sentences: pd.DataFrame,
                    compare: tuple[str, str]) -> tuple[pd.DataFrame, int, int]:
    body = sentences[(sentences["scope"] == BODY) & sentences["group"].isin(compare)]
    occ = occurrences.merge(body[["doc_id", "sentence_id", "group"]], on=["doc_id", "sentence_id"])
    occ = occ[occ["kind"].isin(["word", "phrase"])].assign(
        kind=lambda d: d["kind"].map({"word": "lemma", "phrase": "noun_phrase"}))
    words = body.groupby("group")["n_words"].sum()
    units = body.groupby("group").apply(lambda g: g[["doc_id", "segment_id"]]
                                        .drop_duplicates().shape[0], include_groups=False)
    occ["unit"] = occ["doc_id"] + "#" + occ["segment_id"].astype(str)
    rows = []
    for (term, kind), g in occ.groupby(["term", "kind"], sort=True):
        by = g.groupby("group")
        count = by.size()
        unit_count = by["unit"].nunique()
        first = g.iloc[0]
        surfaces = Counter(g["text"])
        example = max(surfaces, key=lambda s: (surfaces[s], s))
        rows.append((term, kind, int(count.get(compare[0], 0)), int(count.get(compare[1], 0)),
                     int(unit_count.get(compare[0], 0)), int(unit_count.get(compare[1], 0)),
                     int(units.get(compare[0], 0)), int(units.get(compare[1], 0)), example,
                     first["doc_id"], int(first["start_char"]), int(first["end_char"])))
    table = pd.DataFrame(rows, columns=["term", "kind", "count_a", "count_b", "units_a", "units_b",
                                        "n_units_a", "n_units_b", "example", "example_doc_id",
                                        "example_start_char", "example_end_char"])
    return table, int(words.get(compare[0], 0)), int(words.get(compare[1], 0))


def actor_table(roles: pd.DataFrame, tone: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per document and actor: mentions, roles, verbs in each role, mean tone."""
    body = sentences[sentences["scope"] == BODY][["doc_id", "sentence_id", "group"]]
    r = roles.merge(body, on=["doc_id", "sentence_id"]).merge(
        tone[["doc_id", "sentence_id", "compound"]], on=["doc_id", "sentence_id"])
    rows = []
    for (doc_id, actor), g in r.groupby(["doc_id", "actor"], sort=True):
        agent, patient = int((g["role"] == AGENT).sum()), int((g["role"] == PATIENT).sum())
        verbs = {role: Counter(v for v in g.loc[g["role"] == role, "verb"] if v)
                 for role in (AGENT, PATIENT)}
        rows.append((doc_id, g["group"].iloc[0], actor, Counter(g["label"]).most_common(1)[0][0],
                     len(g), agent, patient, len(g) - agent - patient,
                     round(agent / (agent + patient), 4) if agent + patient else float("nan"),
                     ", ".join(f"{v} ({n})" for v, n in sorted(verbs[AGENT].items(),
                                                               key=lambda x: (-x[1], x[0]))),
                     ", ".join(f"{v} ({n})" for v, n in sorted(verbs[PATIENT].items(),
                                                               key=lambda x: (-x[1], x[0]))),
                     round(g.drop_duplicates("sentence_id")["compound"].mean(), 4),
                     int(g["start_char"].iloc[0]), int(g["end_char"].iloc[0])))
    return pd.DataFrame(rows, columns=["doc_id", "group", "actor", "label", "mentions", "agent",
                                       "patient", "other", "agency", "agent_verbs",
                                       "patient_verbs", "mean_tone", "first_start_char",
                                       "first_end_char"])


def framing(docs, sentences: pd.DataFrame, documents: pd.DataFrame, entities: pd.DataFrame,
            frames_lexicon: list[Lexicon], stance_lexicon: list[Lexicon],
            stopwords_lexicon: list[Lexicon], entities_lexicon: list[Lexicon],
            background_lexicon: list[Lexicon], *, nlp: Language, framing: FramingSettings,
            parse: ParseSettings, compare: tuple[str, str]) -> dict[str, object]:
    """Stage function: the framing tables and charts."""
    settings, compare = framing, tuple(compare)
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    frames_def = frame_definitions(frames_lexicon)
    frame_cues = compile_cues(frames_def, nlp)
    stance_cues = compile_cues(stance_categories(stance_lexicon), nlp)
    parsed = docs
    collected = collect_sentences(parsed, sentences, entities, groups, frame_cues=frame_cues,
                                  stance_cues=stance_cues, settings=settings, parse=parse)
    sent = collected["sentences"]
    key = ["doc_id", "sentence_id"]
    tone = sent[key + ["part", "start_char", "end_char"]].copy()
    scores = pd.DataFrame(sentence_tone(sent["text"].tolist()),
                          columns=["compound", "pos", "neu", "neg"])
    tone = pd.concat([tone.reset_index(drop=True), scores.round(4)], axis=1)
    tone["tone"] = [tone_class(c, settings.tone_threshold) for c in tone["compound"]]
    tone["position"] = sent["position"].to_numpy()

    frames_sent = sent[key + ["part", "start_char", "end_char"]].merge(collected["frames"], on=key)
    countries = _countries(entities_lexicon)
    sides = choose_sides(collected["places"], sent, settings, countries)
    relation = relationship_labels(sent, collected["places"], sides, countries)

    body = sent[sent["scope"] == BODY].reset_index(drop=True)
    frame_names = [*frame_cues.categories, NONE]
    body_frames = body.merge(collected["frames"][key + ["primary_frame"]], on=key)
    frame_shares = pd.DataFrame(
        _share_rows(body_frames, "primary_frame", frame_names, compare, settings),
        columns=["level", "group", "doc_id", "frame", "sentences", "total", "share",
                 "share_low", "share_high"])
    body_rel = body.merge(relation, on=key)
    any_third = (body_rel["third_parties"] != "").astype(float)
    relationship = pd.DataFrame(
        _share_rows(body_rel, "relationship",
                    ["both_sides", "one_side", "third_party_only", "neither"], compare, settings,
                    {"any_third_party": any_third}),
        columns=["level", "group", "doc_id", "category", "sentences", "total", "share",
                 "share_low", "share_high"])
    relationship.insert(3, "side_a", sides[0])
    relationship.insert(4, "side_b", sides[1])
    third = body_rel[body_rel["third_parties"] != ""].assign(
        country=lambda d: d["third_parties"].str.split("; ")).explode("country")
    third_parties = (third.groupby(["group", "doc_id", "country"]).size()
                     .rename("sentences").reset_index()) if not third.empty else pd.DataFrame(
        columns=["group", "doc_id", "country", "sentences"])

    stance = _stance_table(collected["markers"], sent, stance_cues.categories, compare)
    occurrences = term_occurrences(parsed, sentences, parts=parse.body_parts, pos=settings.pos,
                                   stop=stop_words(stopwords_lexicon),
                                   keep_duplicates=parse.keep_duplicates)
    counts, words_a, words_b = _keyness_counts(occurrences, sent, compare)
    background = _background(background_lexicon, settings)
    keyness = keyness_table(counts, words_a, words_b, groups=compare,
                            prior_strength=settings.prior_strength, background=background,
                            z_threshold=settings.z_threshold, min_units=settings.min_units)
    actors = actor_table(collected["roles"], tone, sent)
    roles = collected["roles"].merge(sent[key + ["part"]], on=key)
    alignment = align_sentences(body, occurrences, frames_sent, tone, collected["markers"],
                                collected["places"], compare, settings)
    summary = summary_table(
        body=body, frames=body_frames, tone=tone, markers=collected["markers"],
        relation=body_rel, roles=roles, keyness=keyness, alignment=alignment,
        stance_categories=[*stance_cues.categories, *RULE_CATEGORIES], frame_names=frame_names,
        sides=sides, compare=compare, settings=settings)

    figures = _charts(keyness, frame_shares, tone, sent, stance, actors, sides, compare, settings,
                      groups)
    return {"keyness": keyness, "frames_sentences": frames_sent, "frame_shares": frame_shares,
            "tone": tone, "stance": stance, "stance_markers": collected["markers"],
            "actors": actors, "actor_roles": roles, "relationship": relationship,
            "relationship_sentences": body_rel[key + ["relationship", "names_side_a",
                                                      "names_side_b", "third_parties"]],
            "third_parties": third_parties, "alignment": alignment,
            "framing_summary": summary, **figures}


def _background(lexicons: list[Lexicon], settings: FramingSettings) -> dict[str, float] | None:
    if settings.prior != "background":
        return None
    counts: dict[str, float] = {}
    for lexicon in lexicons:
        counts.update({str(k).lower(): float(v) for k, v in lexicon.data.get("counts", {}).items()})
    if not counts:
        raise ConfigError("[framing] prior = \"background\" but the corpus folder has no "
                          "background.toml with a [counts] table",
                          fix="add background.toml ([counts] term = number) or set prior = "
                              "\"corpus\"")
    return counts


def _stance_table(markers: pd.DataFrame, sent: pd.DataFrame, categories: list[str],
                  compare: tuple[str, str]) -> pd.DataFrame:
    """Counts and rates per 1,000 words per category, per document and scope, and per group."""
    all_categories = [*categories, *RULE_CATEGORIES]
    m = markers.merge(sent[["doc_id", "sentence_id", "scope", "group"]],
                      on=["doc_id", "sentence_id"])
    rows = []
    levels = [("document", g, d, s, sent[(sent["doc_id"] == d) & (sent["scope"] == s)],
               m[(m["doc_id"] == d) & (m["scope"] == s)])
              for (g, d, s) in sorted(set(zip(sent["group"], sent["doc_id"], sent["scope"])))]
    levels += [("group", g, "", BODY, sent[(sent["group"] == g) & (sent["scope"] == BODY)],
                m[(m["group"] == g) & (m["scope"] == BODY)]) for g in compare]
    for level, group, doc_id, scope, s, mm in levels:
        words = int(s["n_words"].sum())
        counts = Counter(mm["category"])
        for category in all_categories:
            n = counts.get(category, 0)
            rows.append((level, group, doc_id, scope, category, n, words,
                         round(1000 * n / words, 4) if words else 0.0))
    return pd.DataFrame(rows, columns=["level", "group", "doc_id", "part", "marker", "count",
                                       "words", "per_1k_words"])


def _charts(keyness, frame_shares, tone, sent, stance, actors, sides, compare, settings, groups):
    lemmas = keyness[keyness["kind"] == "lemma"]
    bars, (ax,) = new_figure(9, 0.3 * 2 * settings.chart_top_n + 1.5)
    plot_keyness_bars(ax, lemmas, compare, settings.chart_top_n, settings.z_threshold,
                      settings.min_units)
    scatter, (ax,) = new_figure(9, 6.5)
    plot_fightin_words(ax, lemmas, compare, settings.z_threshold)
    shares, (ax,) = new_figure(9, 5.5)
    plot_frame_shares(ax, frame_shares, compare)
    arcs, (ax,) = new_figure(9, 4.5)
    plot_tone_arcs(ax, tone.merge(sent[["doc_id", "sentence_id", "scope"]]), groups, compare)
    rates, (ax,) = new_figure(9, 5)
    plot_stance_rates(ax, stance, compare)
    agency, (ax,) = new_figure(9, 5)
    plot_actor_agency(ax, actors, compare, settings.chart_top_n)
    return {"distinctive_terms": bars, "fightin_words": scatter, "frame_share_bars": shares,
            "tone_arcs": arcs, "stance_rates": rates, "actor_agency": agency}
