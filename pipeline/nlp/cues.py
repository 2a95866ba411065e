"""Cue lexicons (frames, stance markers) matched on lemmas, never on substrings.

A single-word cue matches a token whose lemma is the cue or, when its lemma is no
cue at all, whose lower-cased form is ("arms" when spaCy reads it as "arm").

A cue lexicon has named categories, each with ``lemmas`` (single words),
``phrases`` (several words) and optionally ``pos`` / ``tags`` that a single-word
match must have. Phrases are lemmatised with the run's spaCy pipeline when the
lexicon is compiled, so "human rights" in the file matches "human right(s)" in
the text whatever the inflection.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> cues = compile_cues({"trade": {"lemmas": ["export"], "phrases": ["free trade"]}}, nlp)
>>> doc = nlp("Free trade and export")
>>> [(m.category, m.cue) for m in cues.matches(doc[:])]
[('trade', 'free trade'), ('trade', 'export')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Span

from pipeline.corpus.lexicons import Lexicon
from pipeline.errors import CorpusError
from pipeline.nlp.lemmas import token_lemma


@dataclass(frozen=True)
class CueMatch:
    """One matched cue: its category, the cue as written in the lexicon, token span."""

    category: str
    cue: str
    start: int  # token index in the doc
    end: int


@dataclass
class CueSet:
    """Compiled categories: single lemmas and lemma-sequence phrases."""

    categories: list[str]
    lemmas: dict[str, list[str]] = field(default_factory=dict)  # lemma -> categories
    phrases: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    pos: dict[str, frozenset[str]] = field(default_factory=dict)
    tags: dict[str, frozenset[str]] = field(default_factory=dict)
    written: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    _first: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def _lemma_ok(self, category: str, token) -> bool:
        if category in self.pos and token.pos_ not in self.pos[category]:
            return False
        return not (category in self.tags and token.tag_ not in self.tags[category])

    def matches(self, sentence: Span, *, exclusive: bool = True) -> list[CueMatch]:
        """Cue matches in a sentence, longest phrase first at each position.

        ``exclusive``: a token inside a matched phrase is not matched again (by
        any category); otherwise every category is matched independently.
        """
        lemmas = [lemma_key(t) for t in sentence]
        if self._first is None:  # the first lemma of every phrase -> its longest length
            self._first = {}
            for p in self.phrases:
                self._first[p[0]] = max(self._first.get(p[0], 0), len(p))
        out: list[CueMatch] = []
        taken: dict[str, set[int]] = {}
        used: set[int] = set()
        for i in range(len(lemmas)):
            longest = self._first.get(lemmas[i], 0)
            for n in range(min(longest, len(lemmas) - i), 1, -1):
                key = tuple(lemmas[i:i + n])
                for category in self.phrases.get(key, []):
                    blocked = used if exclusive else taken.setdefault(category, set())
                    if blocked & set(range(i, i + n)):
                        continue
                    out.append(CueMatch(category, self.written[(category, key)],
                                        sentence.start + i, sentence.start + i + n))
                    blocked.update(range(i, i + n))
                    if exclusive:
                        break
        for i, token in enumerate(sentence):
            # the lemma, or the word as written when the lemma is no cue: "arms" is a cue
            # of its own though spaCy lemmatises it to "arm"
            key = lemmas[i]
            if key not in self.lemmas:
                key = token.lower_.replace("’", "'")
            for category in self.lemmas.get(key, []):
                blocked = used if exclusive else taken.get(category, set())
                if i in blocked or not self._lemma_ok(category, token):
                    continue
                out.append(CueMatch(category, key, sentence.start + i, sentence.start + i + 1))
        return sorted(out, key=lambda m: (m.start, -m.end, self.categories.index(m.category)))


def lemma_key(token) -> str:
    """Lower-cased lemma (checked against the tag: :mod:`pipeline.nlp.lemmas`) with
    typographic apostrophes made plain."""
    return token_lemma(token).replace("’", "'")


def merge_lexicons(lexicons: Iterable[Lexicon], table: str) -> dict[str, dict]:
    """Merge the categories of several lexicon files (later files add to earlier ones).

    ``table`` is the TOML key: ``"frame"`` (an array of tables with ``name``) or
    ``"category"`` (a table of tables).
    """
    merged: dict[str, dict] = {}
    for lexicon in lexicons:
        entries = lexicon.data.get(table, {})
        items = (entries.items() if isinstance(entries, Mapping)
                 else [(e.get("name", ""), e) for e in entries])
        for name, entry in items:
            if not name or not isinstance(entry, Mapping):
                raise CorpusError(f"Every [{table}] entry needs a name and a table of cues",
                                  where=lexicon.origin,
                                  fix="see pipeline/data/ for the format")
            target = merged.setdefault(name, {"lemmas": [], "phrases": []})
            for key, value in entry.items():
                if key in ("lemmas", "phrases"):
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise CorpusError(f"'{key}' of '{name}' must be a list of strings",
                                          where=lexicon.origin, fix="write e.g. lemmas = [\"trade\"]")
                    target[key] = target[key] + [v for v in value if v not in target[key]]
                else:
                    target[key] = value
    return merged


def compile_cues(categories: Mapping[str, Mapping], nlp: Language) -> CueSet:
    """Compile categories {name: {lemmas, phrases, pos?, tags?}} into a CueSet."""
    cues = CueSet(list(categories))
    for name, entry in categories.items():
        for lemma in entry.get("lemmas", []):
            key = lemma.lower().replace("’", "'")
            if name not in cues.lemmas.setdefault(key, []):
                cues.lemmas[key].append(name)
        if entry.get("pos"):
            cues.pos[name] = frozenset(entry["pos"])
        if entry.get("tags"):
            cues.tags[name] = frozenset(entry["tags"])
        phrases = list(entry.get("phrases", []))
        for phrase, doc in zip(phrases, nlp.pipe(phrases), strict=True):
            key = tuple(lemma_key(t) for t in doc if not t.is_space)
            if len(key) == 1:
                cues.lemmas.setdefault(key[0], [])
                if name not in cues.lemmas[key[0]]:
                    cues.lemmas[key[0]].append(name)
                continue
            if name not in cues.phrases.setdefault(key, []):
                cues.phrases[key].append(name)
            cues.written[(name, key)] = phrase
    return cues
