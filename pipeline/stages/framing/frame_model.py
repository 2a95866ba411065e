"""A trained frame tagger: a linear model over a sentence's words, frame cues and form.

The model is a plain JSON data file (written by ``python -m pipeline train-frames``,
:mod:`.training`), read here without scikit-learn: every number in it can be read
and checked by hand. A sentence's features are

* ``lemma:<lemma>``: its content lemmas (alphabetic, not stop words, not in the
  name of a person or place), weighted by
  TF-IDF (sublinear term frequency ``1 + ln tf`` times the training set's inverse
  document frequency, the vector scaled to unit length), as in Salton and Buckley
  (1988) and scikit-learn's ``TfidfVectorizer``;
* ``cue:<frame>``: the frame's cue score from the lexicon (:mod:`.frames`), and
  ``core:<frame>`` the part of it on the sentence's main predicate or its subject
  and objects (a cue there says more about the sentence than one in a modifier),
  both times ``cue_scale``;
* ``modal:<word>``: a modal verb (what should, could or will be done: policy);
* the sentence's article around it (:func:`article_context`; models trained with
  ``context``): ``doc:<frame>``, ``para:<frame>`` and ``near:<frame>``, the mean cue
  score of the other body sentences of its article, of its paragraph and of the
  sentences just before and after it; and ``ctx:<lemma>``, the ``context.top``
  lemmas of the rest of the article with the highest TF-IDF (idf over articles,
  ``context.idf``), the vector scaled to ``context.scale``. Annotators read a sentence
  in its article; so does the model. (Measured on 1,542 labelled sentences,
  cross-validated by document: agreement 0.540 without the article, 0.588 with it.)

(Main-predicate lemmas and entity labels as further features were measured and
left out: cross-validated agreement 0.553 without them, 0.529 with them, on 1,542
labelled sentences.)

The score of a frame is the dot product of its coefficients with the features
plus its intercept; the probabilities are their softmax (multinomial logistic
regression). The primary frame is the most probable one.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from pipeline.errors import ConfigError
from pipeline.nlp.cues import CueSet
from pipeline.nlp.lemmas import token_lemma
from pipeline.stages.framing.frames import FrameRules, sentence_frames

MODALS = frozenset({"should", "must", "need", "would", "could", "can", "will", "may",
                    "might", "shall", "ought"})
CORE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd", "xcomp", "ccomp",
                       "acomp"})
FORMAT = "framing-pipeline frame model 1"


def is_core(token) -> bool:
    """Whether a token is the main predicate of its sentence, one of its core arguments
    (subject, object, complement), or the object of a preposition attached to it."""
    if token.dep_ == "ROOT":
        return True
    head = token.head
    if token.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
        token, head = head, head.head
    return head.dep_ == "ROOT" and (token.dep_ in CORE_DEPS or token.dep_ in ("prep", "agent"))


# Names of people and places say who and where, not how a story is framed, and they do
# not carry over to other stories: their words are no features. (Measured on 1,542
# labelled sentences, cross-validated by document: agreement 0.553 with them, 0.540
# without; the models with them gave rare frames names as their strongest features.)
PERSON_PLACE_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC"})


Features = tuple[Counter, dict[str, float], dict[str, float]]
CONTEXT_TOP, CONTEXT_SCALE = 30, 1.0


def _cue_sums(features: list[Features]) -> dict[str, float]:
    total: dict[str, float] = {}
    for _, cue, _ in features:
        for name, value in cue.items():
            if name.startswith("cue:"):
                total[name[4:]] = total.get(name[4:], 0.0) + value
    return total


def _mean_without(total: dict[str, float], n: int, own: dict[str, float] | None
                  ) -> dict[str, float]:
    """The mean cue scores of ``n`` sentences whose sums are ``total``, one sentence (its
    ``own`` cue scores) left out; exact zeros dropped."""
    if own is not None:
        n -= 1
    if n <= 0:
        return {}
    out = {}
    for f, v in sorted(total.items()):
        value = round(((v - own.get(f"cue:{f}", 0.0)) if own is not None else v) / n, 6)
        if value:
            out[f] = value
    return out


def article_idf(articles: list[Counter]) -> dict[str, float]:
    """The smoothed idf over articles, ``ln((1 + n) / (1 + df)) + 1``, of the lemmas in
    at least two of them (each article: the lemma counts of its body sentences)."""
    df: Counter = Counter()
    for counts in articles:
        df.update(set(counts))
    n = len(articles)
    return {w: round(math.log((1 + n) / (1 + c)) + 1.0, 6) for w, c in sorted(df.items())
            if c >= 2}


def article_context(sentences: list[Features], paragraphs: list, body: list[bool],
                    idf: dict[str, float], top: int = CONTEXT_TOP,
                    scale: float = CONTEXT_SCALE) -> list[Features]:
    """The features of each sentence of one article (in order) with its article's context
    added (see the module's docstring). Only body sentences (``body``) are context; a
    sentence is never its own context. ``paragraphs``: each sentence's paragraph."""
    inside = [i for i, b in enumerate(body) if b]
    article: Counter = Counter()
    for i in inside:
        article.update(sentences[i][0])
    doc_total = _cue_sums([sentences[i] for i in inside])
    by_paragraph: dict = {}
    for i in inside:
        by_paragraph.setdefault(paragraphs[i], []).append(i)
    paragraph_total = {p: (_cue_sums([sentences[i] for i in rows]), len(rows))
                       for p, rows in by_paragraph.items()}
    place = {i: k for k, i in enumerate(inside)}
    out = []
    for i, (lemmas, cue, form) in enumerate(sentences):
        own = cue if body[i] else None
        features = dict(cue)
        features.update({f"doc:{f}": v for f, v in
                         _mean_without(doc_total, len(inside), own).items()})
        total, n = paragraph_total.get(paragraphs[i], ({}, 0))
        features.update({f"para:{f}": v for f, v in _mean_without(total, n, own).items()})
        at = place[i] if body[i] else sum(1 for j in inside if j < i)
        # the body sentences just before and after it
        near = inside[max(0, at - 1):at + 2] if body[i] else inside[max(0, at - 1):at + 1]
        around = [sentences[j] for j in near if j != i]
        features.update({f"near:{f}": v for f, v in
                         _mean_without(_cue_sums(around), len(around), None).items()})
        rest = article - lemmas if body[i] else article
        weights = sorted(((w, (1.0 + math.log(n)) * idf[w]) for w, n in rest.items() if w in idf),
                         key=lambda kv: (-kv[1], kv[0]))[:top]
        norm = math.sqrt(sum(v * v for _, v in weights)) or 1.0
        form = {**form, **{f"ctx:{w}": round(scale * v / norm, 6) for w, v in weights}}
        out.append((lemmas, features, form))
    return out


def sentence_features(sentence: Span, cues: CueSet, rules: FrameRules | None = None,
                      tagged: tuple | None = None) -> Features:
    """The raw features of one sentence: its content-lemma counts, its cue scores
    (``cue:<frame>``, ``core:<frame>``) and its modal verbs (``modal:``). Stop words are
    spaCy's, so a model reads every corpus alike. ``tagged``: the sentence's
    :func:`~.frames.sentence_frames`, when already computed."""
    lemmas: Counter = Counter()
    form: dict[str, float] = {}
    for token in sentence:
        if token.is_alpha and len(token.text) > 1 and token.ent_type_ not in PERSON_PLACE_LABELS:
            lemma = token_lemma(token).lower()
            if not token.is_stop and lemma not in STOP_WORDS:
                lemmas[lemma] += 1
        if token.pos_ == "AUX" and token.lower_ in MODALS:
            form[f"modal:{token.lower_}"] = 1.0
    _, scores, matches = tagged or sentence_frames(sentence, cues, rules)
    core: dict[str, float] = {}
    for m in matches:
        if is_core(sentence.doc[m.start:m.end].root):
            core[m.category] = core.get(m.category, 0.0) + (m.end - m.start)
    cue = {f"cue:{f}": float(v) for f, v in scores.items() if v}
    cue.update({f"core:{f}": v for f, v in core.items()})
    return lemmas, cue, form


def feature_vector(features: Features, idf: dict[str, float], cue_scale: float
                   ) -> dict[str, float]:
    """Named feature values of one sentence: TF-IDF of the lemmas known to the model
    (unit length), the cue scores times ``cue_scale``, the form features as they are."""
    lemmas, cue, form = features
    weights = {f"lemma:{w}": (1.0 + math.log(n)) * idf[w] for w, n in sorted(lemmas.items())
               if w in idf}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    out = {k: v / norm for k, v in weights.items()} if norm else {}
    out.update({k: v * cue_scale for k, v in sorted(cue.items())})
    out.update(sorted(form.items()))
    return out


@dataclass(frozen=True)
class FrameModel:
    """A trained frame model as read from its JSON file."""

    frames: list[str]
    idf: dict[str, float]
    cue_scale: float
    weights: dict[str, list[float]]  # feature -> one coefficient per frame
    intercepts: list[float]
    card: dict
    path: str = ""
    context: dict | None = None  # {"idf": {...}, "top": n, "scale": x}: article features

    def with_context(self, sentences: list[Features], paragraphs: list, body: list[bool]
                     ) -> list[Features]:
        """The sentences of one article with its context, when the model reads it."""
        if not self.context:
            return sentences
        return article_context(sentences, paragraphs, body, self.context["idf"],
                               int(self.context["top"]), float(self.context["scale"]))

    def probabilities(self, features: dict[str, float]) -> list[float]:
        """Softmax over the frames' linear scores."""
        scores = list(self.intercepts)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for i, w in enumerate(row):
                    scores[i] += w * value
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return [e / total for e in exp]

    def predict(self, features: Features) -> tuple[str, float]:
        """(most probable frame, its probability) of a sentence's raw features
        (:func:`sentence_features`); ties go to the earlier frame."""
        probs = self.probabilities(feature_vector(features, self.idf, self.cue_scale))
        best = max(range(len(probs)), key=lambda i: (probs[i], -i))
        return self.frames[best], probs[best]

    def top_features(self, n: int = 10) -> dict[str, list[tuple[str, float]]]:
        """The ``n`` features with the largest coefficient for each frame."""
        out = {}
        for i, frame in enumerate(self.frames):
            ranked = sorted(self.weights.items(), key=lambda kv: (-kv[1][i], kv[0]))
            out[frame] = [(name, row[i]) for name, row in ranked[:n] if row[i] > 0]
        return out

    def to_dict(self) -> dict:
        out = {"format": FORMAT, "frames": self.frames, "cue_scale": self.cue_scale,
               "intercepts": self.intercepts, "idf": self.idf, "weights": self.weights,
               "card": self.card}
        if self.context:
            out["context"] = self.context
        return out


def lexicon_digest(definitions: dict) -> str:
    """A digest of the merged frame definitions (cues, rules), recorded in a model's card
    so that a run can tell when the lexicon its cue features came from has changed."""
    import hashlib

    text = json.dumps(definitions, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def model_from_dict(data: dict, where: str = "") -> FrameModel:
    """A FrameModel from its JSON form; one clear error when it is not one."""
    try:
        if data.get("format") != FORMAT:
            raise ValueError("format")
        frames = [str(f) for f in data["frames"]]
        weights = {str(k): [float(x) for x in v] for k, v in data["weights"].items()}
        intercepts = [float(x) for x in data["intercepts"]]
        if (len(frames) < 2 or len(set(frames)) != len(frames) or len(intercepts) != len(frames)
                or any(len(v) != len(frames) for v in weights.values())):
            raise ValueError("shape")
        context = data.get("context")
        if context is not None:
            context = {"idf": {str(k): float(v) for k, v in context["idf"].items()},
                       "top": int(context["top"]), "scale": float(context["scale"])}
        return FrameModel(frames, {str(k): float(v) for k, v in data["idf"].items()},
                          float(data["cue_scale"]), weights, intercepts,
                          dict(data.get("card") or {}), where, context)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ConfigError(f"{where or 'The frame model'} is not a frame model written by "
                          "train-frames",
                          fix="train one with python -m pipeline train-frames GOLD.jsonl, or "
                              'set [framing] frame_model = "" to use the lexicon alone') from None


def read_model(path: Path) -> FrameModel:
    """Read a frame model file (JSON)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"Cannot read the frame model {path}: {err}",
                          fix="give the JSON file train-frames wrote, or set [framing] "
                              'frame_model = "" to use the lexicon alone') from None
    return model_from_dict(data, str(path))


def model_json(model: FrameModel) -> str:
    """The model file's text: the card and frames first, then one line per idf entry and
    per feature's coefficients, so that a diff of two models reads line by line."""
    data = model.to_dict()

    def block(mapping: dict) -> str:
        rows = [f"    {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}"
                for k, v in sorted(mapping.items())]
        return "{\n" + ",\n".join(rows) + "\n  }"

    head = {k: data[k] for k in ("format", "frames", "cue_scale", "intercepts")}
    parts = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
    if "context" in data:
        parts.append(f'  "context": {{"top": {data["context"]["top"]}, "scale": '
                     f'{json.dumps(data["context"]["scale"])}, "idf": '
                     f'{block(data["context"]["idf"]).replace(chr(10), chr(10) + "  ")}}}')
    parts.append('  "card": ' + json.dumps(data["card"], ensure_ascii=False, indent=2,
                                           sort_keys=True).replace("\n", "\n  "))
    parts.append(f'  "idf": {block(data["idf"])}')
    parts.append(f'  "weights": {block(data["weights"])}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def model_feature_table(model: FrameModel, n: int = 15) -> pd.DataFrame:
    """The strongest features of each frame: frame, rank, feature, coefficient."""
    rows = [(frame, rank, name, weight) for frame, top in model.top_features(n).items()
            for rank, (name, weight) in enumerate(top, 1)]
    return pd.DataFrame(rows, columns=["frame", "rank", "feature", "coefficient"])
