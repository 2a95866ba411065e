"""The two sides of the relationship, and which of them (or which third countries) each
sentence names.

Countries are named by place names (GPE) and, when ``demonyms_name_countries``
is on, by nationality words that refer to a country (``[demonyms]`` of
entities.toml). The sides come from ``[framing] sides`` or are the two
countries the article bodies name most.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pandas as pd

from pipeline.config import FramingSettings
from pipeline.corpus.entity_lexicon import demonyms, lexicon_entries
from pipeline.corpus.lexicons import Lexicon
from pipeline.errors import ConfigError
from pipeline.stages.framing.units import BODY, share_rows

CATEGORIES = ["both_sides", "one_side", "third_party_only", "neither"]


def known_countries(lexicons: Iterable[Lexicon]) -> set[str]:
    """Country names known to the entity lexicons: what capitals and nationality words
    (``[demonyms]``) refer to."""
    lexicons = list(lexicons)
    return ({e.refers_to for e in lexicon_entries(lexicons) if e.refers_to}
            | set(demonyms(lexicons).values()))


def country_mentions(entities: pd.DataFrame, settings: FramingSettings) -> pd.DataFrame:
    """Mentions that name a country: places (GPE), and nationality words that refer to a
    country when ``demonyms_name_countries`` is on."""
    named = entities["label"] == "GPE"
    if settings.demonyms_name_countries:
        named |= (entities["label"] == "NORP") & (entities["refers_to"].fillna("") != "")
    return entities[named]


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


def relationship_tables(body: pd.DataFrame, relation: pd.DataFrame, sides: tuple[str, str],
                        compare: tuple[str, str], settings: FramingSettings
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The body sentences with their relationship labels, the shares of each category
    (``relationship``) and the third countries named per document (``third_parties``)."""
    key = ["doc_id", "sentence_id"]
    body_rel = body.merge(relation, on=key)
    any_third = (body_rel["third_parties"] != "").astype(float)
    shares = pd.DataFrame(
        share_rows(body_rel, "relationship", CATEGORIES, compare, settings,
                   {"any_third_party": any_third}),
        columns=["level", "group", "doc_id", "category", "sentences", "total", "share",
                 "share_low", "share_high"])
    shares.insert(3, "side_a", sides[0])
    shares.insert(4, "side_b", sides[1])
    third = body_rel[body_rel["third_parties"] != ""].assign(
        country=lambda d: d["third_parties"].str.split("; ")).explode("country")
    third_parties = (third.groupby(["group", "doc_id", "country"]).size()
                     .rename("sentences").reset_index()) if not third.empty else pd.DataFrame(
        columns=["group", "doc_id", "country", "sentences"])
    return body_rel, shares, third_parties
