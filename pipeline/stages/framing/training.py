"""Train the frame model (:mod:`.frame_model`) on hand-labelled sentences.

``python -m pipeline train-frames GOLD.jsonl`` matches each labelled sentence
(the gold format of :mod:`.evaluation`) to a parsed sentence of the run, computes
its features, and fits a multinomial logistic regression (scikit-learn, L2
penalty ``C``, classes weighted inversely to their frequency so that rare frames
are not drowned by common ones; a sentence whose labeller marked ``"confidence":
"low"`` counts half in the fit, ``low_confidence``: measured on 2,197 labelled
sentences, cross-validated by document, agreement 0.584, kappa 0.479 with every
sentence alike, 0.594 / 0.491 so, better on each of four partitions of the
documents into folds). Before the final fit it measures the model the honest
way: k-fold cross-validation *by document* (scikit-learn's ``GroupKFold``: no
document has sentences on both sides of a split), so the agreement in the data
card is what to expect on articles the model has not seen.

The vocabulary is the lemmas (and modal verbs) found in at least
``min_df`` labelled sentences; the inverse document frequency is
``ln((1 + n) / (1 + df)) + 1`` (the smoothed form of scikit-learn).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import PipelineError
from pipeline.nlp.docs import sentences_of
from pipeline.stages.framing.evaluation import frame_scores
from pipeline.stages.framing.frame_model import (
    CONTEXT_SCALE,
    CONTEXT_TOP,
    FORMAT,
    Features,
    FrameModel,
    article_context,
    article_idf,
    feature_vector,
    sentence_features,
)


@dataclass(frozen=True)
class TrainingOptions:
    """How the model is fitted: regularisation ``C``, the weight of the cue scores
    against the unit-length lemma vector, the vocabulary's minimum document frequency,
    the number of cross-validation folds, and the weight of a sentence labelled with
    low confidence (``low_confidence``, :func:`label_weights`)."""

    C: float = 10.0
    cue_scale: float = 0.3
    min_df: int = 2
    folds: int = 5
    max_iter: int = 3000
    balanced: bool = True
    low_confidence: float = 0.5


def label_weights(confidences: Sequence[str | None], options: TrainingOptions
                  ) -> list[float]:
    """Each labelled sentence's weight from its labeller's ``confidence``: ``"low"``
    counts ``options.low_confidence``, anything else (``"high"``, none given) 1.

    >>> label_weights(["high", "low", None], TrainingOptions())
    [1.0, 0.5, 1.0]
    """
    return [options.low_confidence if c == "low" else 1.0 for c in confidences]


def inverse_document_frequency(features: Sequence[Features], min_df: int) -> dict[str, float]:
    """The smoothed idf of every lemma in at least ``min_df`` of the sentences.

    >>> inverse_document_frequency([(Counter(a=1, b=2), {}, {}), (Counter(a=1), {}, {})], 2)
    {'a': 1.0}
    """
    df: Counter = Counter()
    for lemmas, _, _ in features:
        df.update(set(lemmas))
    n = len(features)
    return {w: round(math.log((1 + n) / (1 + c)) + 1.0, 6) for w, c in sorted(df.items())
            if c >= min_df}


def _matrix(features: Sequence[Features], idf: dict[str, float], cue_scale: float,
            min_df: int) -> tuple[np.ndarray, list[str]]:
    vectors = [feature_vector(f, idf, cue_scale) for f in features]
    seen: Counter = Counter()
    for v in vectors:
        seen.update(k for k in v if not k.startswith("lemma:"))
    form = sorted(k for k, c in seen.items() if c >= min_df or k.startswith(("cue:", "core:")))
    names = sorted({f"lemma:{w}" for w in idf}) + form
    index = {name: i for i, name in enumerate(names)}
    matrix = np.zeros((len(vectors), len(names)))
    for row, v in enumerate(vectors):
        for k, value in v.items():
            if k in index:
                matrix[row, index[k]] = value
    return matrix, names


def fit_model(features: Sequence[Features], labels: Sequence[str], frame_order: Sequence[str],
              options: TrainingOptions = TrainingOptions(), card: dict | None = None,
              context: dict | None = None, weights: Sequence[float] | None = None
              ) -> FrameModel:
    """Fit the model on sentences' raw features and their primary frames. Frames are
    kept in ``frame_order`` (the lexicon's), those with no labelled sentence left out.
    ``weights``: each sentence's weight (:func:`label_weights`; all 1 when None)."""
    from sklearn.linear_model import LogisticRegression

    frames = [f for f in frame_order if f in set(labels)]
    if len(frames) < 2:
        raise PipelineError(f"The labelled sentences name {len(frames)} frame"
                            f"{'' if len(frames) == 1 else 's'}; a model needs at least two",
                            fix="label sentences of more than one frame")
    idf = inverse_document_frequency(features, options.min_df)
    matrix, names = _matrix(features, idf, options.cue_scale, options.min_df)
    # scikit-learn's "balanced", counted by sentences: not by their weights, which would
    # give back to the frames with many low-confidence labels what those labels lost
    counts = Counter(labels)
    balanced = {f: len(labels) / (len(counts) * n) for f, n in sorted(counts.items())}
    model = LogisticRegression(C=options.C, class_weight=balanced if options.balanced else None,
                               max_iter=options.max_iter)
    model.fit(matrix, list(labels),
              sample_weight=None if weights is None else np.asarray(weights, dtype=float))
    order = [list(model.classes_).index(f) for f in frames]
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # binary: one row for the second class
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    weights = {name: [round(float(coef[i, j]), 6) for i in order]
               for j, name in enumerate(names)}
    weights = {k: v for k, v in weights.items() if any(v)}
    return FrameModel(frames, {w: v for w, v in idf.items() if f"lemma:{w}" in weights},
                      options.cue_scale, weights,
                      [round(float(intercept[i]), 6) for i in order], card or {},
                      context=context)


def cross_validated(features: Sequence[Features], labels: Sequence[str],
                    documents: Sequence[str], frame_order: Sequence[str],
                    options: TrainingOptions = TrainingOptions(),
                    weights: Sequence[float] | None = None) -> list[str] | None:
    """Each sentence's frame as predicted by a model fitted on the other folds (folds by
    document); None when the sentences come from fewer than two documents. ``weights``:
    each sentence's weight in training (:func:`fit_model`)."""
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(documents))
    if n_groups < 2:
        return None
    predicted: list[str] = [""] * len(labels)
    folds = GroupKFold(n_splits=min(options.folds, n_groups))
    for train, test in folds.split(np.zeros(len(labels)), list(labels), list(documents)):
        train_labels = [labels[i] for i in train]
        if len(set(train_labels)) < 2:
            for i in test:
                predicted[i] = train_labels[0]
            continue
        model = fit_model([features[i] for i in train], train_labels, frame_order, options,
                          weights=None if weights is None else [weights[i] for i in train])
        for i in test:
            predicted[i] = model.predict(features[i])[0]
    return predicted


def model_card(matched: pd.DataFrame, predicted: list[str] | None, source: str,
               options: TrainingOptions, frames: Sequence[str], provenance: dict | None = None
               ) -> dict:
    """What the model was trained on, how it scored in cross-validation by document,
    and the confusions it makes most. ``provenance``: what its features depend on (the
    lexicon's digest, the spaCy pipeline, the gold files' digests)."""
    card = {**(provenance or {}), "trained_on": source, "sentences": len(matched),
            "documents": int(matched["file"].nunique()),
            "labels": dict(Counter(matched["gold"]).most_common()),
            "options": {"C": options.C, "cue_scale": options.cue_scale,
                        "min_df": options.min_df, "folds": options.folds,
                        "low_confidence": options.low_confidence},
            "format": FORMAT}
    if predicted is None:
        card["cross_validation"] = "not possible: the sentences come from one document"
        return card
    scores = frame_scores(matched.assign(predicted=predicted), list(frames))
    pairs = Counter((g, p) for g, p in zip(matched["gold"], predicted, strict=True) if g != p)
    card["cross_validation"] = {
        "by": "document", "folds": min(options.folds, int(matched["file"].nunique())),
        "agreement": scores.agreement, "kappa": scores.kappa,
        "lenient_agreement": scores.lenient_agreement,
        "per_frame": [{"frame": r.frame, "gold": int(r.gold), "precision": r.precision,
                       "recall": r.recall, "f1": r.f1} for r in scores.per_frame.itertuples()]}
    card["known_confusions"] = [{"gold": g, "predicted": p, "sentences": n}
                                for (g, p), n in sorted(pairs.items(),
                                                        key=lambda kv: (-kv[1], kv[0]))[:8]]
    return card


def card_markdown(model: FrameModel, n_top: int = 8) -> str:
    """The data card as a page to read beside the model file."""
    card = model.card
    lines = ["# Frame model: data card", "",
             f"Trained on `{card.get('trained_on', '?')}`: {card.get('sentences', '?')} "
             f"labelled sentences of {card.get('documents', '?')} documents.", "",
             "Labels (primary frame: sentences): " + ", ".join(
                 f"{k} {v}" for k, v in (card.get("labels") or {}).items()) + ".", ""]
    options = card.get("options") or {}
    if "low_confidence" in options:
        lines += [f"A sentence its labeller marked `\"confidence\": \"low\"` counts "
                  f"{options['low_confidence']:g} in the fit (others 1); classes are weighted "
                  "inversely to their numbers of sentences.", ""]
    cv = card.get("cross_validation")
    if isinstance(cv, dict):
        lines += [f"Cross-validated by document ({cv['folds']} folds; no document on both "
                  f"sides of a split): agreement **{cv['agreement']:.3f}**, Cohen's kappa "
                  f"**{cv['kappa']:.3f}**, lenient agreement (gold primary or secondary) "
                  f"{cv['lenient_agreement']:.3f}.", "",
                  "| frame | gold | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {r['frame']} | {r['gold']} | {r['precision']:.3f} | {r['recall']:.3f} "
                  f"| {r['f1']:.3f} |" for r in cv["per_frame"]]
        lines += ["", "Known confusions (gold → predicted, sentences in cross-validation): "
                  + "; ".join(f"{c['gold']} → {c['predicted']} {c['sentences']}"
                              for c in card.get("known_confusions", [])) + "."]
    elif cv:
        lines.append(f"Cross-validation: {cv}.")
    lines += ["", "## Strongest features per frame", ""]
    for frame, top in model.top_features(n_top).items():
        lines.append(f"- **{frame}**: " + ", ".join(f"{name} ({w:+.2f})" for name, w in top))
    lines += ["", "Features: `lemma:` TF-IDF of content lemmas, `cue:`/`core:` the frame "
              "lexicon's cue score (on the main predicate or its arguments for `core:`), "
              "`modal:` a modal verb. "
              "See pipeline/stages/framing/frame_model.py.", ""]
    return "\n".join(lines)


def features_of_sentences(docs, wanted: set[tuple[str, int]], cues, rules,
                          body_parts: set[str] | None = None
                          ) -> tuple[dict[tuple[str, int], Features], dict | None]:
    """The raw features of the parsed sentences named by (doc_id, sentence_id). With
    ``body_parts`` (the parts whose sentences are an article's body) each also carries
    its article's context (:func:`~.frame_model.article_context`, idf over every article
    of the run), and the second value is the context settings the model records (else
    None)."""
    per_article: dict[str, list] = defaultdict(list)
    for doc in docs:
        info = doc.user_data
        is_body = body_parts is not None and info["part"] in body_parts
        for k, sent in enumerate(sentences_of(doc)):
            key = (info["doc_id"], info["first_sentence_id"] + k)
            if key in wanted or is_body:
                per_article[info["doc_id"]].append(
                    (key, sentence_features(sent, cues, rules), info["segment_id"], is_body))
    if body_parts is None:
        return {key: f for rows in per_article.values() for key, f, _, _ in rows
                if key in wanted}, None
    articles = []
    for rows in per_article.values():
        counts: Counter = Counter()
        for _, features, _, is_body in rows:
            if is_body:
                counts.update(features[0])
        articles.append(counts)
    context = {"idf": article_idf(articles), "top": CONTEXT_TOP, "scale": CONTEXT_SCALE}
    out = {}
    for _, rows in sorted(per_article.items()):
        rows.sort(key=lambda r: r[0][1])  # in sentence order
        if not any(r[0] in wanted for r in rows):
            continue
        added = article_context([r[1] for r in rows], [r[2] for r in rows],
                                [r[3] for r in rows], context["idf"])
        out.update({r[0]: f for r, f in zip(rows, added, strict=True) if r[0] in wanted})
    return out, context
