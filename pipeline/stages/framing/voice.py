"""Whose voice a sentence (and each word of it) is in: the author's, or someone quoted.

Per parsed segment, three kinds of quoted speech are found:

* **Direct quotes**: text between quotation marks (“…”, "…", ‘‘…’’). A quote
  left open at the end of a paragraph runs on into the next paragraph when that
  one opens with a quotation mark (the news convention for long quotes);
  otherwise it ends with its sentence (the closing mark was left off). A short
  quoted span with no finite verb (fewer than ``[framing] quote_min_words``
  words: scare quotes, titles) is not speech.
* **Indirect speech**: the clausal complement of a reporting verb ("the
  minister said that Japan would help"). Reporting verbs are the
  ``attributed_speech`` lemmas of stance.toml.
* **"According to X"**: the rest of its sentence is X's.

A first-person subject ("we believe", "I said") is the author's own voice.

The speaker is the subject of the reporting verb that introduces the quote: in
the same sentence outside the quote, else in the sentence before it when that
one ends with a colon; for "according to X", X. A subject inside an entity
mention takes its canonical name; "he" or "she" takes the nearest PERSON named
before it in the document; anything else is the subject's words ("one
analyst"). A quote with no such verb has speaker "" (unattributed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd
from spacy.tokens import Doc, Span, Token

AUTHOR, QUOTED = "author", "quoted"
_OPEN = {"“", "‘‘", "``", "«"}
_CLOSE = {"”", "’’", "''", "»"}
_STRAIGHT = {'"'}
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_FIRST_PERSON = {"i", "we"}
_RESOLVED = {"he", "she", "him", "her"}
_QUOTE_CHARS = "“\"‘«"
_SPEAKER_LABELS = {"PERSON", "ORG"}


@dataclass(frozen=True)
class Claim:
    """One piece of quoted speech: who speaks, with which verb, found how."""

    speaker: str
    verb: str
    cue: str  # "quotation marks", "reporting verb", "according to"


@dataclass(frozen=True)
class SentenceVoice:
    voice: str
    speaker: str
    verb: str
    cue: str
    quoted_words: int


class VoiceMap:
    """The voice of every token of one segment doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.claim_of: list[int] = [-1] * len(doc)  # token -> index into claims, -1 = author
        self.claims: list[Claim] = []

    def mark(self, tokens, claim: Claim, overwrite: bool = False) -> None:
        index = len(self.claims)
        self.claims.append(claim)
        for i in tokens:
            if overwrite or self.claim_of[i] < 0:
                self.claim_of[i] = index

    def token(self, i: int) -> tuple[str, str]:
        """(voice, speaker) of token ``i``."""
        c = self.claim_of[i]
        return (AUTHOR, "") if c < 0 else (QUOTED, self.claims[c].speaker)

    def sentence(self, sent: Span) -> SentenceVoice:
        """Quoted when at least half of the sentence's words are quoted."""
        words = [t.i for t in sent if not (t.is_punct or t.is_space)]
        quoted = [self.claim_of[i] for i in words if self.claim_of[i] >= 0]
        if not quoted or 2 * len(quoted) < len(words):
            return SentenceVoice(AUTHOR, "", "", "", len(quoted))
        claim = self.claims[Counter(quoted).most_common(1)[0][0]]
        return SentenceVoice(QUOTED, claim.speaker, claim.verb, claim.cue, len(quoted))


def _quote_spans(doc: Doc, runs_on: bool) -> list[tuple[int, int]]:
    """Token ranges inside quotation marks (marks excluded)."""
    spans, start, straight = [], None, False
    for t in doc:
        text = t.text
        if start is None and (text in _OPEN or text in _STRAIGHT):
            start, straight = t.i + 1, text in _STRAIGHT
        elif start is not None and (text in _CLOSE or (straight and text in _STRAIGHT)):
            spans.append((start, t.i))
            start = None
    if start is not None:  # left open: on to the paragraph's end, or to its sentence's
        end = len(doc) if runs_on or start >= len(doc) else doc[start].sent.end
        spans.append((start, end))
    return spans


def _is_speech(doc: Doc, start: int, end: int, min_words: int) -> bool:
    words = [t for t in doc[start:end] if not (t.is_punct or t.is_space)]
    return len(words) >= min_words or any(t.tag_ in _FINITE for t in words)


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


class _Names:
    """Speaker names: entity mentions of the document and earlier PERSON names."""

    def __init__(self, doc: Doc, mentions: list[tuple]) -> None:
        self.base = doc.user_data.get("start_char", 0)
        # (start, end, text, label, canonical, actor) in file offsets
        self.mentions = mentions

    def name(self, token: Token) -> str:
        char = self.base + token.idx
        for a, b, _, _, canonical, _ in self.mentions:
            if a <= char < b:
                return canonical
        if token.lower_ in _RESOLVED:
            earlier = [(a, canonical) for a, _, _, label, canonical, _ in self.mentions
                       if label == "PERSON" and a < char]
            if earlier:
                return max(earlier)[1]
        if token.pos_ == "PRON":
            return token.text
        phrase = token.doc[token.left_edge.i:token.i + 1]
        return self.name_of_span(phrase) or self.words(phrase)

    @staticmethod
    def words(span: Span) -> str:
        """A noun phrase as a speaker: its words without articles or punctuation."""
        kept = [t.text for t in span if not t.is_punct and t.lower_ not in ("the", "a", "an")]
        return " ".join(kept[-6:])

    def name_of_span(self, span: Span) -> str:
        """The person or organisation named inside ``span`` (the longest), else ""."""
        lo, hi = self.base + span.start_char, self.base + span.end_char
        found = [(b - a, -a, canonical) for a, b, _, label, canonical, _ in self.mentions
                 if lo <= a and b <= hi and label in _SPEAKER_LABELS]
        return max(found)[2] if found else ""


def voice_map(doc: Doc, reporting: frozenset[str], mentions: list[tuple], *,
              min_words: int = 5, runs_on: bool = False) -> VoiceMap:
    """Voices of one segment doc. ``mentions``: entity mentions of the document
    (file offsets); ``runs_on``: the next paragraph opens with a quotation mark."""
    voices = VoiceMap(doc)
    names = _Names(doc, mentions)
    direct = [(s, e) for s, e in _quote_spans(doc, runs_on) if e > s
              and _is_speech(doc, s, e, min_words)]
    inside = {i for s, e in direct for i in range(s, e)}

    def reporting_verb(t: Token) -> bool:
        return t.pos_ == "VERB" and t.lemma_.lower() in reporting and t.i not in inside

    for s, e in direct:
        speaker, verb = "", ""
        sents = list(dict.fromkeys(doc[i].sent for i in (s, e - 1)))
        candidates = [t for sent in sents for t in sent if reporting_verb(t)]
        if not candidates:
            first = doc[s].sent
            before = doc[first.start - 1].sent if first.start > 0 else None
            if before is not None and before.text.rstrip().endswith(":"):
                candidates = [t for t in before if reporting_verb(t)]
        according = [t for sent in sents for t in sent if t.lower_ == "according"
                     and t.i not in inside]
        if candidates:
            nearest = min(candidates, key=lambda t: min(abs(t.i - s), abs(t.i - e)))
            subject = _subject(nearest)
            if subject is not None and subject.lower_ in _FIRST_PERSON:
                continue  # "we said, 'let us ...'": the author quoting themself
            speaker = names.name(subject) if subject is not None else ""
            verb = nearest.lemma_.lower()
        elif according:
            speaker = _according_speaker(according[0], names)
            verb = "according to"
        voices.mark(range(s, e), Claim(speaker, verb, "quotation marks"), overwrite=True)

    for t in doc:
        if reporting_verb(t):
            subject = _subject(t)
            if subject is not None and subject.lower_ in _FIRST_PERSON:
                continue
            for child in t.children:
                if child.dep_ == "ccomp":
                    speaker = names.name(subject) if subject is not None else ""
                    voices.mark((x.i for x in child.subtree),
                                Claim(speaker, t.lemma_.lower(), "reporting verb"))
        elif t.lower_ == "according" and t.i not in inside:
            pp = {x.i for x in t.subtree}
            speaker = _according_speaker(t, names)
            voices.mark((x.i for x in t.sent if x.i not in pp),
                        Claim(speaker, "according to", "according to"))
    return voices


def _according_speaker(according: Token, names: _Names) -> str:
    """X of "according to X"."""
    for to in according.children:
        for obj in to.children:
            if obj.dep_ == "pobj":
                span = according.doc[obj.left_edge.i:obj.right_edge.i + 1]
                return names.name_of_span(span) or names.words(span)
    return ""


def opens_with_quote(text: str) -> bool:
    """Whether a paragraph opens with a quotation mark (a quote running on)."""
    return text.lstrip()[:1] in _QUOTE_CHARS


def reporting_verbs(stance_cues) -> frozenset[str]:
    """The single-word ``attributed_speech`` cues of the stance lexicon."""
    return frozenset(lemma for lemma, categories in stance_cues.lemmas.items()
                     if "attributed_speech" in categories)


VOICE_COLUMNS = ["doc_id", "group", "scope", "part", "sentence_id", "start_char", "end_char",
                 "voice", "speaker", "verb", "cue", "quoted_words", "n_words"]


def voice_table_of(voices: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """``voices.csv``: every sentence with its voice and, when quoted, its speaker."""
    key = ["doc_id", "sentence_id"]
    table = sentences[["doc_id", "group", "scope", "part", "sentence_id", "start_char",
                       "end_char", "n_words"]].merge(voices.drop(columns="quoted_words"), on=key)
    table = table.merge(sentences[key + ["quoted_words"]], on=key)
    return table[VOICE_COLUMNS]


SPEAKER_COLUMNS = ["group", "doc_id", "scope", "speaker", "sentences", "quoted_words", "verbs",
                   "first_start_char", "first_end_char"]


def quoted_speakers(voice_table: pd.DataFrame) -> pd.DataFrame:
    """``quoted_speakers.csv``: who is quoted, per document and scope, how often (sentences
    in their voice, quoted words) and with which reporting verbs."""
    quoted = voice_table[voice_table["voice"] == QUOTED].assign(
        speaker=lambda d: d["speaker"].fillna("").replace("", "(unattributed)"))
    if quoted.empty:
        return pd.DataFrame(columns=SPEAKER_COLUMNS)
    key = ["group", "doc_id", "scope", "speaker"]
    out = quoted.sort_values(["doc_id", "start_char"]).groupby(key, sort=True).agg(
        sentences=("sentence_id", "size"), quoted_words=("quoted_words", "sum"),
        first_start_char=("start_char", "first"), first_end_char=("end_char", "first"))
    verbs = quoted[quoted["verb"].fillna("") != ""].groupby([*key, "verb"]).size() \
        .rename("n").reset_index().sort_values([*key, "n", "verb"],
                                               ascending=[True] * len(key) + [False, True])
    verbs["item"] = verbs["verb"] + " (" + verbs["n"].astype(str) + ")"
    out["verbs"] = verbs.groupby(key)["item"].agg(", ".join)
    out["verbs"] = out["verbs"].fillna("")
    return out.reset_index()[SPEAKER_COLUMNS]
