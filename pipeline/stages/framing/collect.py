"""Stage ``framing``: how the two compared groups frame the story, measured per sentence.

:func:`collect_sentences` makes one pass over the parsed sentences of the
article bodies and reader comments and collects, per sentence, what the
per-sentence modules find: frame cues and primary frame (:mod:`.frames`),
stance markers (:mod:`.stance`), the grammatical role of each actor mention
(:mod:`.actors`), which countries it names (:mod:`.relationship`) and the
numbers it states, plus its terms. :func:`framing_tables` then hands those
rows to the modules that aggregate them, each beside its per-sentence part:
tone (:mod:`.tone`), stance rates (:mod:`.stance`), actors and agency
(:mod:`.actors`), the two sides and the relationship shares
(:mod:`.relationship`), distinctive vocabulary (:mod:`.keyness`), aligned
claims (:mod:`.alignment`), shares with intervals (:mod:`.units`) and the
findings with bootstrap intervals and permutation p-values (:mod:`.summary`).

Documents of groups other than the two compared are measured per document and
left out of the group comparisons.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import FramingSettings, ParseSettings
from pipeline.corpus.dates import period_of
from pipeline.corpus.entity_lexicon import NAME_LABELS
from pipeline.corpus.groups import Contrast, contrasts, relabelled, stacked
from pipeline.corpus.lexicons import Lexicon, ModelFile
from pipeline.corpus.manifest import Corpus
from pipeline.errors import ConfigError
from pipeline.nlp.cues import compile_cues
from pipeline.nlp.docs import file_offsets, sentences_of, with_original_text
from pipeline.nlp.roles import mention_role
from pipeline.nlp.terms import (
    TermOptions,
    duplicate_sentences,
    name_spans,
    sentence_terms,
    stop_words,
    term_table,
)
from pipeline.stages.framing.actors import actor_table
from pipeline.stages.framing.alignment import align_sentences
from pipeline.stages.framing.frame_model import (
    FrameModel,
    lexicon_digest,
    model_from_dict,
    sentence_features,
)
from pipeline.stages.framing.frames import (
    NONE,
    FrameRules,
    frame_definitions,
    frame_rules,
    frame_share_table,
    frames_present,
    headline_table,
    sentence_frames,
)
from pipeline.stages.framing.keyness import background_counts, keyness_counts, keyness_table
from pipeline.stages.framing.over_time import over_time_table
from pipeline.stages.framing.relationship import (
    choose_sides,
    country_mentions,
    known_countries,
    relationship_labels,
    relationship_tables,
)
from pipeline.stages.framing.stance import (
    RULE_CATEGORIES,
    sentence_stance,
    stance_categories,
    stance_table,
)
from pipeline.stages.framing.summary import summary_table
from pipeline.stages.framing.tone import merged_tone_summary, tone_summary_rows, tone_table
from pipeline.stages.framing.units import BODY, COMMENT, HEADING
from pipeline.stages.framing.voice import (
    AUTHOR,
    opens_with_quote,
    quoted_speakers,
    reporting_verbs,
    voice_map,
    voice_table_of,
)

log = logging.getLogger(__name__)
SENTENCE_COLUMNS = ["doc_id", "group", "scope", "segment_id", "part", "sentence_id",
                    "start_char", "end_char", "n_words", "position", "text"]
_DIGITS = re.compile(r"\d")


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
                      settings: FramingSettings, parse: ParseSettings,
                      texts: dict[str, str] | None = None,
                      frame_rules: FrameRules | None = None,
                      frame_model: FrameModel | None = None
                      ) -> dict[str, pd.DataFrame]:
    """Per-sentence measures of every body and comment sentence (repeats once), and the
    terms of the body sentences, in one pass over the parsed docs. ``texts`` (the
    documents' texts) tell whether a quote left open runs on into the next paragraph.
    With a ``frame_model`` the model chooses each primary frame (with its probability);
    the frames present stay those whose cues fire."""
    duplicates = set() if parse.keep_duplicates else duplicate_sentences(sentences)
    wanted = set(parse.body_parts) | {"comment"}
    actors_of = _mentions_by_doc(entities, settings.actor_labels)
    countries_of = _mentions_by_doc(country_mentions(entities, settings), ["GPE", "NORP"])
    names_of = _mentions_by_doc(entities, NAME_LABELS)
    reporting = reporting_verbs(stance_cues)
    rows, frame_rows, marker_rows, role_rows, place_rows, term_rows = [], [], [], [], [], []
    voice_rows = []
    for_model: dict[str, list] = defaultdict(list)  # doc_id -> its sentences' model inputs
    for doc in docs:
        info = doc.user_data
        if info["part"] not in wanted:
            continue
        doc_id, base = info["doc_id"], info["start_char"]
        end_in_file = file_offsets(doc, 0, len(doc.text))[1]
        runs_on = bool(texts) and opens_with_quote(texts.get(doc_id, "")[end_in_file:])
        voices = voice_map(doc, reporting, names_of.get(doc_id, []),
                           min_words=settings.quote_min_words, runs_on=runs_on)
        scope = (COMMENT if info["part"] == "comment" else
                 HEADING if info["part"] in settings.heading_parts else BODY)
        chunks = list(doc.noun_chunks) if scope == BODY and terms.noun_phrases else []
        names = name_spans(doc, [(a, b, canonical) for a, b, _, _, canonical, _ in
                                 names_of.get(doc_id, [])]) if scope == BODY else {}
        for k, sent in enumerate(sentences_of(doc)):
            sid = info["first_sentence_id"] + k
            if (doc_id, sid) in duplicates:
                continue
            start, end = base + sent.start_char, base + sent.end_char
            n_words = sum(1 for t in sent if not (t.is_punct or t.is_space))
            key = (doc_id, sid)
            rows.append((doc_id, groups.get(doc_id, ""), scope, info["segment_id"], info["part"],
                         sid, start, end, n_words, 0.0, sent.text))
            voice = voices.sentence(sent)
            voice_rows.append((*key, voice.voice, voice.speaker, voice.verb, voice.cue,
                               voice.quoted_words))
            if scope == BODY:
                term_rows.extend(sentence_terms(doc, k, sent, terms, chunks, names))
            tagged = sentence_frames(sent, frame_cues, frame_rules)
            primary, scores, matches = tagged
            present = frames_present(scores, settings.present_min_score)
            confidence = None
            if frame_model is not None:  # chosen below, once the whole article is read
                for_model[doc_id].append((len(frame_rows), sentence_features(
                    sent, frame_cues, frame_rules, tagged), info["segment_id"], scope == BODY))
            frame_rows.append((*key, primary, confidence, present,
                               "; ".join(f"{m.category}: {m.cue}" for m in matches),
                               *scores.values()))
            counts, stance_matches = sentence_stance(sent, stance_cues)
            for m in stance_matches:
                span = doc[m.start:m.end]
                marker_rows.append((*key, m.category, m.cue, base + span.start_char,
                                    base + span.end_char, span.text, *voices.token(m.start)))
            for category in RULE_CATEGORIES:
                if counts[category]:
                    # quoting is the author's act; a question is the voice of its sentence
                    who = ((AUTHOR, "") if category == "quotations" else
                           (voice.voice, voice.speaker))
                    marker_rows.append((*key, category, category, start, end, sent.text, *who))
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
    for _, inputs in sorted(for_model.items()):
        inputs.sort(key=lambda r: frame_rows[r[0]][1])  # in sentence order
        features = frame_model.with_context([r[1] for r in inputs], [r[2] for r in inputs],
                                            [r[3] for r in inputs])
        for (row, *_), sentence in zip(inputs, features, strict=True):
            primary, confidence = frame_model.predict(sentence)
            frame_rows[row] = (*frame_rows[row][:2], primary, round(confidence, 4),
                               *frame_rows[row][4:])
    sent_table = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    order = sent_table.groupby(["doc_id", "scope"]).cumcount()
    size = sent_table.groupby(["doc_id", "scope"])["sentence_id"].transform("size")
    sent_table["position"] = np.round((order + 0.5) / size, 4)
    frames = pd.DataFrame(frame_rows, columns=["doc_id", "sentence_id", "primary_frame",
                                               "frame_confidence", "frames_present", "cues",
                                               *frame_cues.categories])
    markers = pd.DataFrame(marker_rows, columns=["doc_id", "sentence_id", "category", "marker",
                                                 "start_char", "end_char", "text", "voice",
                                                 "speaker"])
    voice_table = pd.DataFrame(voice_rows, columns=["doc_id", "sentence_id", "voice", "speaker",
                                                    "verb", "cue", "quoted_words"])
    sent_table = sent_table.merge(voice_table[["doc_id", "sentence_id", "quoted_words"]],
                                  on=["doc_id", "sentence_id"], how="left")
    roles = pd.DataFrame(role_rows, columns=["doc_id", "sentence_id", "start_char", "end_char",
                                             "text", "label", "canonical", "actor", "role", "verb",
                                             "voice", "via"])
    places = pd.DataFrame(place_rows, columns=["doc_id", "sentence_id", "start_char", "end_char",
                                               "text", "actor"])
    return {"sentences": sent_table, "frames": frames, "markers": markers, "roles": roles,
            "places": places, "terms": term_table(term_rows), "voices": voice_table}


# Per process: the compiled cues and the frame model of the lexicons and model file a
# run gives (compiled once per worker, not once per shard).
_TOOLS: dict[str, tuple] = {}


def _framing_tools(frames_lexicon: list[Lexicon], stance_lexicon: list[Lexicon],
                   frames_model: ModelFile | None, nlp: Language) -> tuple:
    key = repr((id(nlp), [(x.origin, x.data) for x in (*frames_lexicon, *stance_lexicon)],
                None if frames_model is None else (str(frames_model.path), frames_model.data)))
    if key not in _TOOLS:
        frames_def = frame_definitions(frames_lexicon)
        frame_cues = compile_cues(frames_def, nlp)
        model = None if frames_model is None else _frame_model(frames_model, frames_def)
        _TOOLS.clear()
        _TOOLS[key] = (frame_cues, frame_rules(frames_def), model,
                       compile_cues(stance_categories(stance_lexicon), nlp))
    return _TOOLS[key]


def _frame_model(frames_model: ModelFile, frames_def: dict) -> FrameModel:
    model = model_from_dict(frames_model.data, str(frames_model.path))
    known = {*frames_def, NONE}
    unknown = [f for f in model.frames if f not in known]
    if unknown:
        raise ConfigError(f"The frame model {frames_model.path} tags frame {unknown[0]!r}, "
                          "which the frame lexicon does not define",
                          fix="add the frame to frames.toml or retrain the model on "
                              "this lexicon's frames (train-frames)",
                          options=list(frames_def))
    return model


def _say_which_frames(frames_model: ModelFile | None, frames_def: dict) -> None:
    """Log once per run which frames the model chooses and whether its lexicon moved."""
    if frames_model is None:
        return
    model = _frame_model(frames_model, frames_def)
    log.info("framing: primary frames from the trained model %s", frames_model.path)
    untrained = [f for f in frames_def if f not in model.frames]
    if untrained:
        log.warning("framing: the frame model was trained on no sentence of %s, so it "
                    "never chooses %s as a primary frame (frames_present still names it "
                    "when its cues fire); label some and retrain (train-frames)",
                    ", ".join(untrained), "it" if len(untrained) == 1 else "them")
    if model.card.get("lexicon") and model.card["lexicon"] != lexicon_digest(frames_def):
        log.warning("framing: the frame lexicon differs from the one the model %s was "
                    "trained with; its cue features now mean something else: retrain "
                    "it (train-frames) or check its agreement (evaluate-frames)",
                    frames_model.path)


def framing_map(corpus: Corpus, docs, sentences: pd.DataFrame, documents: pd.DataFrame,
                entities: pd.DataFrame, frames_lexicon: list[Lexicon],
                stance_lexicon: list[Lexicon], stopwords_lexicon: list[Lexicon],
                frames_model: ModelFile | None = None, *, nlp: Language,
                framing: FramingSettings, parse: ParseSettings,
                compare: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The stage's per-document work (the runner's map): every measure of each sentence
    of these documents (:func:`collect_sentences`), its tone, and the per-document rows
    of the frame shares and of the tone summary (each with its bootstrap intervals)."""
    frame_cues, rules, model, stance_cues = _framing_tools(frames_lexicon, stance_lexicon,
                                                           frames_model, nlp)
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    terms = TermOptions(frozenset(framing.pos), stop_words(stopwords_lexicon))
    collected = collect_sentences(docs, sentences, entities, groups, frame_cues=frame_cues,
                                  frame_rules=rules, frame_model=model,
                                  stance_cues=stance_cues, terms=terms, settings=framing,
                                  parse=parse, texts={d.doc_id: d.text for d in corpus.documents})
    sent = collected["sentences"]
    collected["tone"] = tone_table(sent, framing.tone_threshold)
    body_frames = _body_frames(sent, collected["frames"])
    collected["frame_share_documents"] = frame_share_table(
        body_frames, list(frame_cues.categories), compare, framing, levels=("document",))
    collected["tone_summary_documents"] = tone_summary_rows(
        collected["tone"], sent, compare, framing, levels=("document", "segment"))
    return collected


def _body_frames(sent: pd.DataFrame, frames: pd.DataFrame) -> pd.DataFrame:
    body = sent[sent["scope"] == BODY].reset_index(drop=True)
    return body.merge(frames[["doc_id", "sentence_id", "primary_frame", "frames_present"]],
                      on=["doc_id", "sentence_id"])


def framing_tables(corpus: Corpus, docs, sentences: pd.DataFrame, documents: pd.DataFrame,
                   entities: pd.DataFrame, frames_lexicon: list[Lexicon],
                   stance_lexicon: list[Lexicon], stopwords_lexicon: list[Lexicon],
                   entities_lexicon: list[Lexicon], background_lexicon: list[Lexicon],
                   frames_model: ModelFile | None = None, *, nlp: Language, framing: FramingSettings, parse: ParseSettings,
                   compare: tuple[str, ...], mapped: dict[str, pd.DataFrame] | None = None
                   ) -> dict[str, object]:
    """Stage function, the reduce: the framing tables (pair-wise ones with a block of rows
    per contrast of :func:`~pipeline.corpus.groups.contrasts`) from the per-sentence rows
    of :func:`framing_map` (``mapped``; computed here over all docs when not given)."""
    settings, compare = framing, tuple(compare)
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    frames_def = frame_definitions(frames_lexicon)
    _say_which_frames(frames_model, frames_def)
    collected = mapped if mapped is not None else framing_map(
        corpus, docs, sentences, documents, entities, frames_lexicon, stance_lexicon,
        stopwords_lexicon, frames_model, nlp=nlp, framing=framing, parse=parse,
        compare=compare)
    frame_categories = list(frames_def)
    stance_names = list(stance_categories(stance_lexicon))
    sent = collected["sentences"]
    key = ["doc_id", "sentence_id"]
    tone = collected["tone"]

    frames_sent = sent[key + ["part", "start_char", "end_char"]].merge(collected["frames"], on=key)
    headlines = headline_table(sent, collected["frames"], HEADING)
    countries = known_countries(entities_lexicon)
    sides, sides_table = choose_sides(collected["places"], sent, settings, countries,
                                      corpus.sides)
    (log.info if sides.found else log.warning)("framing: sides of the relationship: %s",
                                               sides.note)
    relation = relationship_labels(sent, collected["places"], sides, countries)

    body = sent[sent["scope"] == BODY].reset_index(drop=True)
    frame_names = [*frame_categories, NONE]
    body_frames = _body_frames(sent, collected["frames"])
    frame_shares = pd.concat([
        frame_share_table(body_frames, frame_categories, compare, settings, levels=("group",)),
        collected["frame_share_documents"].sort_values(["group", "doc_id"], kind="stable"),
    ], ignore_index=True)
    body_rel, relationship, third_parties = relationship_tables(body, relation, sides, compare,
                                                                settings)

    stance = stance_table(collected["markers"], sent, stance_names, compare)
    voices = voice_table_of(collected["voices"], sent)
    occurrences = collected["terms"]
    background = background_counts(background_lexicon, settings, occurrences)
    every = contrasts(compare)

    def contrast_keyness(contrast: Contrast) -> pd.DataFrame:
        counts, words_a, words_b = keyness_counts(occurrences, relabelled(sent, contrast),
                                                  contrast.labels)
        return keyness_table(counts, words_a, words_b, groups=contrast.labels,
                             prior_strength=settings.prior_strength, background=background,
                             prior_min=settings.prior_min,
                             z_threshold=settings.z_threshold, min_units=settings.min_units)

    keyness = stacked([contrast_keyness(c) for c in every])
    actors = actor_table(collected["roles"], tone, sent, settings.agency_min_roles)
    roles = collected["roles"].merge(sent[key + ["part"]], on=key)
    claims = body[~body["part"].isin(["title", "heading"])]  # headings state no claim
    alignment = stacked([align_sentences(claims, occurrences, frames_sent, tone,
                                         collected["markers"], collected["places"], c.labels,
                                         settings) for c in every if not c.one_vs_rest])
    summary = summary_table(
        body=body, frames=body_frames, tone=tone, markers=collected["markers"],
        relation=body_rel, roles=roles, keyness=keyness, alignment=alignment, voices=voices,
        stance_categories=[*stance_names, *RULE_CATEGORIES], frame_names=frame_names,
        sides=sides, compare=compare, settings=settings)

    term_rows = occurrences[occurrences["kind"].isin(["word", "phrase"])].assign(
        kind=lambda d: d["kind"].map({"word": "lemma", "phrase": "noun_phrase"}))
    texts = {d.doc_id: d.text for d in corpus.documents}
    return {"keyness": keyness, "terms": with_original_text(term_rows[[
                "doc_id", "sentence_id", "kind", "term", "start_char", "end_char", "text"]], texts),
            "frames_sentences": frames_sent, "frame_shares": frame_shares,
            "headline_frames": with_original_text(headlines, texts),
            "tone": tone, "tone_summary": merged_tone_summary(
                tone_summary_rows(tone, sent, compare, settings, levels=("group",)),
                collected["tone_summary_documents"]),
            "stance": stance, "stance_markers": with_original_text(collected["markers"], texts),
            "actors": actors, "actor_roles": with_original_text(roles, texts), "relationship": relationship,
            "sides": sides_table, "voices": voices, "quoted_speakers": quoted_speakers(voices),
            "relationship_sentences": body_rel[key + ["relationship", "names_side_a",
                                                      "names_side_b", "third_parties"]],
            "third_parties": third_parties, "alignment": alignment,
            "framing_summary": summary,
            "over_time": over_time_table(
                body_frames, tone, stance,
                {d.doc_id: period_of(d.date, settings.period) for d in corpus.documents},
                groups, compare, frame_names, stance_names, settings)}
