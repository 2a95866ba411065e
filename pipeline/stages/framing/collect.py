"""Stage ``framing``: how the two compared groups frame the story, measured per sentence.

One pass over the parsed sentences of the article bodies and reader comments
collects, per sentence: frame cues and primary frame (:mod:`pipeline.stages.framing.frames`),
stance markers (:mod:`pipeline.stages.framing.stance`), VADER tone (:mod:`pipeline.nlp.tone`),
the grammatical role of each actor mention (:mod:`pipeline.stages.framing.actors`), which
countries it names, and the numbers it states. Terms are counted for
distinctive vocabulary (:mod:`pipeline.stages.framing.keyness`); sentences of the two groups
are aligned (:mod:`pipeline.stages.framing.alignment`); every group difference gets a
bootstrap interval and a permutation p-value (:mod:`pipeline.stats.uncertainty`) in
``framing_summary.csv`` (:mod:`pipeline.stages.framing.summary`).

Documents of groups other than the two compared are measured per document and
left out of the group comparisons.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import FramingSettings, ParseSettings
from pipeline.corpus.entity_lexicon import demonyms, lexicon_entries
from pipeline.corpus.lexicons import Lexicon
from pipeline.errors import ConfigError
from pipeline.nlp.cues import compile_cues
from pipeline.nlp.docs import sentences_of
from pipeline.nlp.terms import (
    TermOptions,
    duplicate_sentences,
    sentence_terms,
    stop_words,
    term_table,
)
from pipeline.nlp.tone import sentence_tone, tone_class
from pipeline.stages.framing.actors import AGENT, PATIENT, mention_role
from pipeline.stages.framing.alignment import align_sentences
from pipeline.stages.framing.frames import NONE, frame_definitions, sentence_frames
from pipeline.stages.framing.keyness import keyness_table
from pipeline.stages.framing.stance import RULE_CATEGORIES, sentence_stance, stance_categories
from pipeline.stages.framing.summary import summary_table
from pipeline.stats.streams import measure_stream
from pipeline.stats.uncertainty import bootstrap_intervals

BODY, COMMENT = "body", "comment"
SENTENCE_COLUMNS = ["doc_id", "group", "scope", "segment_id", "part", "sentence_id",
                    "start_char", "end_char", "n_words", "position", "text"]
_DIGITS = re.compile(r"\d")


def _countries(lexicons: Iterable[Lexicon]) -> set[str]:
    """Country names known to the entity lexicons: what capitals and nationality words
    (``[demonyms]``) refer to."""
    lexicons = list(lexicons)
    return ({e.refers_to for e in lexicon_entries(lexicons) if e.refers_to}
            | set(demonyms(lexicons).values()))


def _country_mentions(entities: pd.DataFrame, settings: FramingSettings) -> pd.DataFrame:
    """Mentions that name a country: places (GPE), and nationality words that refer to a
    country when ``demonyms_name_countries`` is on."""
    named = entities["label"] == "GPE"
    if settings.demonyms_name_countries:
        named |= (entities["label"] == "NORP") & (entities["refers_to"].fillna("") != "")
    return entities[named]


def _mentions_by_doc(entities: pd.DataFrame, labels: Iterable[str]) -> dict[str, list]:
    rows = entities[entities["label"].isin(list(labels))]
    out: dict[str, list] = defaultdict(list)
    for row in rows.itertuples(index=False):
        actor = row.refers_to if isinstance(row.refers_to, str) and row.refers_to else row.canonical
        out[row.doc_id].append((int(row.start_char), int(row.end_char), row.text, row.label,
                                row.canonical, actor))
    return out


def collect_sentences(docs: Iterable[Doc], sentences: pd.DataFrame, entities: pd.DataFrame,
                      groups: dict[str, str], *, frame_cues, stance_cues, terms: TermOptions,
                      settings: FramingSettings, parse: ParseSettings) -> dict[str, pd.DataFrame]:
    """Per-sentence measures of every body and comment sentence (repeats once), and the
    terms of the body sentences, in one pass over the parsed docs."""
    duplicates = set() if parse.keep_duplicates else duplicate_sentences(sentences)
    wanted = set(parse.body_parts) | {"comment"}
    actors_of = _mentions_by_doc(entities, settings.actor_labels)
    countries_of = _mentions_by_doc(_country_mentions(entities, settings), ["GPE", "NORP"])
    rows, frame_rows, marker_rows, role_rows, place_rows, term_rows = [], [], [], [], [], []
    for doc in docs:
        info = doc.user_data
        if info["part"] not in wanted:
            continue
        doc_id, base = info["doc_id"], info["start_char"]
        scope = COMMENT if info["part"] == "comment" else BODY
        chunks = list(doc.noun_chunks) if scope == BODY and terms.noun_phrases else []
        for k, sent in enumerate(sentences_of(doc)):
            sid = info["first_sentence_id"] + k
            if (doc_id, sid) in duplicates:
                continue
            start, end = base + sent.start_char, base + sent.end_char
            n_words = sum(1 for t in sent if not (t.is_punct or t.is_space))
            key = (doc_id, sid)
            rows.append((doc_id, groups.get(doc_id, ""), scope, info["segment_id"], info["part"],
                         sid, start, end, n_words, 0.0, sent.text))
            if scope == BODY:
                term_rows.extend(sentence_terms(doc, k, sent, terms, chunks))
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
            "places": places, "terms": term_table(term_rows)}


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
    """Share of sentences per category, per group and per document, with bootstrap intervals
    (one random stream per unit, so categories added or removed change no other row)."""
    rows = []
    units = [("group", g, "", sentences[sentences["group"] == g]) for g in compare]
    units += [("document", g, d, part) for (g, d), part in
              sentences.groupby(["group", "doc_id"], sort=True)]
    for level, group, doc_id, part in units:
        if part.empty:
            continue
        flags = {c: (part[column] == c).to_numpy(float) for c in categories}
        for name, series in (extra or {}).items():
            flags[name] = series.loc[part.index].to_numpy(float)
        matrix = np.column_stack(list(flags.values()))
        rng = measure_stream(settings.random_state, "share", column, level, group, doc_id)
        low, high = bootstrap_intervals(matrix, settings.bootstrap, rng)
        for j, category in enumerate(flags):
            num = matrix[:, j]
            rows.append((level, group, doc_id, category, int(num.sum()), len(part),
                         round(num.sum() / len(part), 6), _r(low[j]), _r(high[j])))
    return rows


def _r(value: float) -> float:
    return round(value, 6) if value == value else value


def _keyness_counts(occurrences: pd.DataFrame, sentences: pd.DataFrame,
                    compare: tuple[str, str]) -> tuple[pd.DataFrame, int, int]:
    """Per term and kind: counts, paragraphs and an example in each compared group."""
    body = sentences[(sentences["scope"] == BODY) & sentences["group"].isin(compare)]
    occ = occurrences.merge(body[["doc_id", "sentence_id", "group"]], on=["doc_id", "sentence_id"])
    occ = occ[occ["kind"].isin(["word", "phrase"])].assign(
        kind=lambda d: d["kind"].map({"word": "lemma", "phrase": "noun_phrase"}),
        unit=lambda d: d["doc_id"] + "#" + d["segment_id"].astype(str))
    words = body.groupby("group")["n_words"].sum()
    n_units = body.drop_duplicates(["doc_id", "segment_id"]).groupby("group").size()
    key = ["term", "kind"]
    counts = occ.groupby([*key, "group"]).size().unstack(fill_value=0) \
        .reindex(columns=list(compare), fill_value=0)
    units = occ.drop_duplicates([*key, "group", "unit"]).groupby([*key, "group"]).size() \
        .unstack(fill_value=0).reindex(index=counts.index, columns=list(compare), fill_value=0)
    forms = occ.groupby([*key, "text"]).size().rename("n").reset_index() \
        .sort_values([*key, "n", "text"], ascending=[True, True, False, True]) \
        .drop_duplicates(key).set_index(key)["text"]
    first = occ.sort_values(["doc_id", "start_char", "end_char"]).drop_duplicates(key) \
        .set_index(key)
    table = pd.DataFrame({
        "count_a": counts[compare[0]], "count_b": counts[compare[1]],
        "units_a": units[compare[0]], "units_b": units[compare[1]],
        "n_units_a": int(n_units.get(compare[0], 0)), "n_units_b": int(n_units.get(compare[1], 0)),
        "example": forms.reindex(counts.index), "example_doc_id": first["doc_id"],
        "example_start_char": first["start_char"], "example_end_char": first["end_char"],
    }).reset_index()
    return table, int(words.get(compare[0], 0)), int(words.get(compare[1], 0))


def _verb_lists(r: pd.DataFrame, role: str) -> pd.Series:
    """'verb (n), ...' per document and actor, most frequent first."""
    v = r[(r["role"] == role) & (r["verb"] != "")]
    if v.empty:
        return pd.Series(dtype=str)
    n = v.groupby(["doc_id", "actor", "verb"]).size().rename("n").reset_index() \
        .sort_values(["doc_id", "actor", "n", "verb"], ascending=[True, True, False, True])
    n["item"] = n["verb"] + " (" + n["n"].astype(str) + ")"
    return n.groupby(["doc_id", "actor"])["item"].agg(", ".join)


def actor_table(roles: pd.DataFrame, tone: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per document and actor: mentions, roles, verbs in each role, mean tone."""
    columns = ["doc_id", "group", "actor", "label", "mentions", "agent", "patient", "other",
               "agency", "agent_verbs", "patient_verbs", "mean_tone", "first_start_char",
               "first_end_char"]
    body = sentences[sentences["scope"] == BODY][["doc_id", "sentence_id", "group"]]
    r = roles.merge(body, on=["doc_id", "sentence_id"]).merge(
        tone[["doc_id", "sentence_id", "compound"]], on=["doc_id", "sentence_id"])
    if r.empty:
        return pd.DataFrame(columns=columns)
    r = r.sort_values(["doc_id", "start_char"]).assign(
        is_agent=lambda d: d["role"] == AGENT, is_patient=lambda d: d["role"] == PATIENT)
    key = ["doc_id", "actor"]
    out = r.groupby(key).agg(group=("group", "first"), mentions=("role", "size"),
                             agent=("is_agent", "sum"), patient=("is_patient", "sum"),
                             first_start_char=("start_char", "first"),
                             first_end_char=("end_char", "first"))
    labels = r.groupby([*key, "label"]).size().rename("n").reset_index() \
        .sort_values([*key, "n", "label"], ascending=[True, True, False, True]) \
        .drop_duplicates(key).set_index(key)["label"]
    out["label"] = labels
    out["other"] = out["mentions"] - out["agent"] - out["patient"]
    acted = out["agent"] + out["patient"]
    out["agency"] = (out["agent"] / acted.where(acted > 0)).round(4)
    out["agent_verbs"] = _verb_lists(r, AGENT)
    out["patient_verbs"] = _verb_lists(r, PATIENT)
    out["mean_tone"] = r.drop_duplicates([*key, "sentence_id"]).groupby(key)["compound"] \
        .mean().round(4)
    return out.reset_index()[columns]


def framing_tables(docs, sentences: pd.DataFrame, documents: pd.DataFrame, entities: pd.DataFrame,
            frames_lexicon: list[Lexicon], stance_lexicon: list[Lexicon],
            stopwords_lexicon: list[Lexicon], entities_lexicon: list[Lexicon],
            background_lexicon: list[Lexicon], *, nlp: Language, framing: FramingSettings,
            parse: ParseSettings, compare: tuple[str, str]) -> dict[str, object]:
    """Stage function: the framing tables."""
    settings, compare = framing, tuple(compare)
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    frames_def = frame_definitions(frames_lexicon)
    frame_cues = compile_cues(frames_def, nlp)
    stance_cues = compile_cues(stance_categories(stance_lexicon), nlp)
    terms = TermOptions(frozenset(settings.pos), stop_words(stopwords_lexicon))
    collected = collect_sentences(docs, sentences, entities, groups, frame_cues=frame_cues,
                                  stance_cues=stance_cues, terms=terms, settings=settings,
                                  parse=parse)
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
    occurrences = collected["terms"]
    counts, words_a, words_b = _keyness_counts(occurrences, sent, compare)
    background = _background(background_lexicon, settings)
    keyness = keyness_table(counts, words_a, words_b, groups=compare,
                            prior_strength=settings.prior_strength, background=background,
                            z_threshold=settings.z_threshold, min_units=settings.min_units)
    actors = actor_table(collected["roles"], tone, sent)
    roles = collected["roles"].merge(sent[key + ["part"]], on=key)
    claims = body[~body["part"].isin(["title", "heading"])]  # headings state no claim
    alignment = align_sentences(claims, occurrences, frames_sent, tone, collected["markers"],
                                collected["places"], compare, settings)
    summary = summary_table(
        body=body, frames=body_frames, tone=tone, markers=collected["markers"],
        relation=body_rel, roles=roles, keyness=keyness, alignment=alignment,
        stance_categories=[*stance_cues.categories, *RULE_CATEGORIES], frame_names=frame_names,
        sides=sides, compare=compare, settings=settings)

    return {"keyness": keyness, "frames_sentences": frames_sent, "frame_shares": frame_shares,
            "tone": tone, "tone_summary": tone_summary(tone, sent, compare, settings),
            "stance": stance, "stance_markers": collected["markers"],
            "actors": actors, "actor_roles": roles, "relationship": relationship,
            "relationship_sentences": body_rel[key + ["relationship", "names_side_a",
                                                      "names_side_b", "third_parties"]],
            "third_parties": third_parties, "alignment": alignment,
            "framing_summary": summary}


def tone_summary(tone: pd.DataFrame, sent: pd.DataFrame, compare: tuple[str, str],
                 settings: FramingSettings) -> pd.DataFrame:
    """Mean tone and shares of positive and negative sentences per segment, document and
    scope, and group (body), with bootstrap intervals of the mean above segment level."""
    columns = ["level", "group", "doc_id", "part", "segment_id", "sentences", "mean_compound",
               "mean_low", "mean_high", "positive_share", "negative_share", "start_char",
               "end_char"]
    t = tone.merge(sent[["doc_id", "sentence_id", "group", "scope", "segment_id"]],
                   on=["doc_id", "sentence_id"]).assign(
        positive=lambda d: d["tone"] == "positive", negative=lambda d: d["tone"] == "negative")

    def summarise(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
        # fsum: the mean does not depend on the summation order of the installed numpy/pandas
        return frame.groupby(key, sort=True).agg(
            sentences=("compound", "size"),
            mean_compound=("compound", lambda v: math.fsum(v) / len(v)),
            positive_share=("positive", "mean"), negative_share=("negative", "mean"),
            start_char=("start_char", "min"), end_char=("end_char", "max")).reset_index()

    body = t[(t["scope"] == BODY) & t["group"].isin(compare)]
    groups = summarise(body, ["group"]).assign(level="group", doc_id="", scope=BODY,
                                               start_char=None, end_char=None)
    groups = groups.set_index("group").reindex([g for g in compare if g in set(groups["group"])]) \
        .reset_index()
    docs = summarise(t, ["group", "doc_id", "scope"]).assign(level="document")
    segments = summarise(t, ["group", "doc_id", "scope", "segment_id"]).assign(level="segment")
    by_group = {(g,): part["compound"].to_numpy(float) for g, part in body.groupby("group")}
    by_doc = {key: part["compound"].to_numpy(float) for key, part in
              t.groupby(["group", "doc_id", "scope"], sort=True)}
    for level, table, values in (("group", groups, [(g,) for g in groups["group"]]),
                                 ("document", docs, list(by_doc))):
        source = by_group if level == "group" else by_doc
        bounds = [bootstrap_intervals(
            source[key][:, None], settings.bootstrap,
            measure_stream(settings.random_state, "tone_summary", level, *key))
            for key in values]
        table["mean_low"] = [_r(float(lo[0])) for lo, _ in bounds]
        table["mean_high"] = [_r(float(hi[0])) for _, hi in bounds]
    segments["mean_low"] = segments["mean_high"] = float("nan")
    out = pd.concat([groups, docs, segments], ignore_index=True).rename(columns={"scope": "part"})
    out["segment_id"] = out["segment_id"].astype("Int64") if "segment_id" in out else None
    for c in ("mean_compound", "positive_share", "negative_share"):
        out[c] = out[c].astype(float).round(4)
    for c in ("start_char", "end_char"):
        out[c] = out[c].astype("Int64")
    return out[columns]


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
    doc_key = ["group", "doc_id", "scope"]
    words = sent.groupby(doc_key)["n_words"].sum()
    counts = m.groupby([*doc_key, "category"]).size()
    full = pd.MultiIndex.from_tuples([(*k, c) for k in words.index for c in all_categories],
                                     names=[*doc_key, "category"])
    doc_rows = counts.reindex(full, fill_value=0).rename("count").reset_index()
    doc_rows["words"] = words.reindex(pd.MultiIndex.from_frame(doc_rows[doc_key])).to_numpy()
    doc_rows.insert(0, "level", "document")
    body = doc_rows[(doc_rows["scope"] == BODY) & doc_rows["group"].isin(compare)]
    group_rows = body.groupby(["group", "category"], sort=False)[["count", "words"]].sum() \
        .reset_index()
    order = {c: i for i, c in enumerate(all_categories)}
    group_rows = group_rows.assign(level="group", doc_id="", scope=BODY,
                                   _g=group_rows["group"].map({g: i for i, g in enumerate(compare)}),
                                   _c=group_rows["category"].map(order))
    doc_rows = doc_rows.assign(_c=doc_rows["category"].map(order))
    out = pd.concat([doc_rows.sort_values([*doc_key, "_c"], kind="stable"),
                     group_rows.sort_values(["_g", "_c"], kind="stable")], ignore_index=True)
    out["per_1k_words"] = np.where(out["words"] > 0,
                                   (1000 * out["count"] / out["words"].where(out["words"] > 0, 1))
                                   .round(4), 0.0)
    out = out.rename(columns={"scope": "part", "category": "marker"})
    return out[["level", "group", "doc_id", "part", "marker", "count", "words",
                "per_1k_words"]].astype({"count": int, "words": int})
