"""The entity lexicon (``entities.toml``): named entries, nationality words, titles, heads.

Read by the entities stage (its corrections) and by the framing stage (which
countries a sentence names), so it lives here rather than in either stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipeline.corpus.lexicons import Lexicon
from pipeline.errors import CorpusError


@dataclass(frozen=True)
class PlaceCues:
    """When a metonym (a capital for its government) names the place itself: the
    ``[metonyms]`` table of entities.toml."""

    prepositions: frozenset[str] = frozenset()  # "in Tokyo", "to Beijing"
    verb_prepositions: frozenset[str] = frozenset()  # only after a verb: "flew from Tokyo"
    host_verbs: frozenset[str] = frozenset()  # "Tokyo hosted the talks", "visited Tokyo"
    harm_verbs: frozenset[str] = frozenset()  # "Kyiv was shelled", "strikes on Kyiv"


@dataclass(frozen=True)
class LexiconEntry:
    """One entity of a lexicon file."""

    canonical: str
    label: str
    aliases: tuple[str, ...]
    refers_to: str = ""


def _chosen(lexicons: Iterable[Lexicon], use_general: bool) -> list[Lexicon]:
    """The lexicon files to read: the general one in pipeline/data/ only if wanted."""
    return [lex for lex in lexicons
            if use_general or "pipeline/data" not in lex.origin.replace("\\", "/")]


def lexicon_entries(lexicons: Iterable[Lexicon], *, use_general: bool = True
                    ) -> list[LexiconEntry]:
    """Entries of the lexicon files; a later file's alias replaces an earlier one's."""
    by_alias: dict[str, LexiconEntry] = {}
    for lexicon in _chosen(lexicons, use_general):
        for i, raw in enumerate(lexicon.data.get("entity", []), start=1):
            try:
                entry = LexiconEntry(str(raw["canonical"]), str(raw["label"]),
                                     tuple(str(a) for a in raw.get("aliases", [raw["canonical"]])),
                                     str(raw.get("refers_to", "")))
            except (KeyError, TypeError):
                raise CorpusError(f"Lexicon entry {i} lacks canonical or label",
                                  where=lexicon.origin,
                                  fix="give every [[entity]] a canonical name and a label") from None
            for alias in entry.aliases:
                by_alias[alias] = entry
    return [replace(by_alias[alias], aliases=(alias,)) for alias in sorted(by_alias)]


def demonyms(lexicons: Iterable[Lexicon], *, use_general: bool = True) -> dict[str, str]:
    """Nationality word -> country, from the lexicons' ``[demonyms]`` tables (later wins)."""
    table: dict[str, str] = {}
    for lexicon in _chosen(lexicons, use_general):
        raw = lexicon.data.get("demonyms", {})
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise CorpusError("[demonyms] must map nationality words to country names",
                              where=lexicon.origin, fix='write e.g. Japanese = "Japan"')
        table.update(raw)
    return table


def _word_list(lexicons: Iterable[Lexicon], use_general: bool, key: str,
               table: str = "") -> frozenset[str]:
    """The lower-cased words of list ``key`` (inside ``[table]`` if given) of every file."""
    words: set[str] = set()
    for lexicon in _chosen(lexicons, use_general):
        data = lexicon.data.get(table, {}) if table else lexicon.data
        words.update(str(w).lower() for w in data.get(key, []))
    return frozenset(words)


def generic_heads(lexicons: Iterable[Lexicon], *, use_general: bool = True) -> frozenset[str]:
    """The generic place words of the lexicons ("region", "area"), lower-cased."""
    return _word_list(lexicons, use_general, "generic_heads")


def organisation_heads(lexicons: Iterable[Lexicon], *, use_general: bool = True
                       ) -> frozenset[str]:
    """Nouns that call the name beside them an organisation ("oil giant", "newspaper")."""
    return _word_list(lexicons, use_general, "organisation_heads")


def person_titles(lexicons: Iterable[Lexicon], *, use_general: bool = True) -> frozenset[str]:
    """Titles before names ("Mr", "Dr") from the lexicon files' ``person_titles`` lists."""
    titles: set[str] = set()
    for lexicon in _chosen(lexicons, use_general):
        titles.update(str(t).rstrip(".") for t in lexicon.data.get("person_titles", []))
    return frozenset(titles)


def place_cues(lexicons: Iterable[Lexicon], *, use_general: bool = True) -> PlaceCues:
    """The ``[metonyms]`` word lists of the lexicon files, joined."""
    lexicons = list(lexicons)
    return PlaceCues(**{name: _word_list(lexicons, use_general, name, "metonyms")
                        for name in ("prepositions", "verb_prepositions", "host_verbs",
                                     "harm_verbs")})


NAME_LABELS = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART",
                "LAW"}
