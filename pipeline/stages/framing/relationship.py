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
from dataclasses import dataclass

import pandas as pd

from pipeline.config import FramingSettings
from pipeline.corpus.entity_lexicon import demonyms, lexicon_entries
from pipeline.corpus.lexicons import Lexicon
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


@dataclass(frozen=True)
class Sides:
    """The two sides of the relationship, where they came from and why.

    ``source`` is ``config`` ([framing] sides), ``manifest`` (``sides`` in
    manifest.toml), ``inferred`` (the two countries the bodies name most, when
    they lead clearly) or ``none`` (no pair leads: the relationship measures are
    skipped; ``a`` and ``b`` are empty).
    """

    a: str
    b: str
    source: str
    note: str

    @property
    def found(self) -> bool:
        return bool(self.a and self.b)


SIDES_COLUMNS = ["rank", "country", "sentences", "share", "side", "source", "note"]


def _country_counts(places: pd.DataFrame, sentences: pd.DataFrame,
                    countries: set[str]) -> pd.Series:
    """Body sentences naming each country, most first (ties by name)."""
    body = sentences.loc[sentences["scope"] == BODY, ["doc_id", "sentence_id"]]
    named = places[places["actor"] != "#number"].merge(body, on=["doc_id", "sentence_id"])
    if countries:
        known = named[named["actor"].isin(countries)]
        named = known if known["actor"].nunique() >= 2 else named
    per_sentence = named.drop_duplicates(["doc_id", "sentence_id", "actor"])
    counts = Counter(per_sentence["actor"])
    ordered = sorted(counts, key=lambda c: (-counts[c], c))
    return pd.Series([counts[c] for c in ordered], index=ordered, dtype=int)


def choose_sides(places: pd.DataFrame, sentences: pd.DataFrame, settings: FramingSettings,
                 countries: set[str], declared: tuple[str, ...] = ()
                 ) -> tuple[Sides, pd.DataFrame]:
    """The two sides: from the config, else the manifest, else the two countries the article
    bodies name most, if they lead the third by ``sides_min_lead`` times, are each named
    in at least ``sides_min_sentences`` sentences and together take at least
    ``sides_min_share`` of all namings of countries. Also the table of the countries named."""
    counts = _country_counts(places, sentences, countries)
    n = [int(v) for v in counts.iloc[:3]] + [0, 0, 0]
    names = list(counts.index[:3]) + ["", "", ""]
    fix = "declare them: [framing] sides in the config, or sides in manifest.toml"
    if settings.sides or declared:
        source = "config" if settings.sides else "manifest"
        a, b = settings.sides or declared
        sides = Sides(a, b, source, f"{a} and {b}, as the {source} sets them")
    elif n[1] >= settings.sides_min_sentences and n[1] >= settings.sides_min_lead * n[2] \
            and n[0] + n[1] >= settings.sides_min_share * max(1, int(counts.sum())):
        third = f"; the next, {names[2]}, in {n[2]}" if names[2] else "; no third country"
        sides = Sides(names[0], names[1], "inferred",
                      f"inferred: {names[0]} and {names[1]} are the countries the article "
                      f"bodies name most ({n[0]} and {n[1]} sentences{third}); to choose, {fix}")
    else:
        named = ", ".join(f"{c} ({k})" for c, k in zip(names, n, strict=False) if c) or "none"
        total = int(counts.sum())
        sides = Sides("", "", "none",
                      f"no pair of countries leads (most-named, in sentences: {named}, of "
                      f"{total} namings of countries), so the texts are not read as about one "
                      f"relationship and the relationship measures are skipped; to measure "
                      f"them, {fix}")
    total = int(counts.sum())
    table = pd.DataFrame({
        "rank": range(1, len(counts) + 1), "country": counts.index, "sentences": counts.values,
        "share": (counts.values / total).round(4) if total else [],
        "side": ["A" if c == sides.a else "B" if c == sides.b else "" for c in counts.index],
        "source": sides.source, "note": sides.note}, columns=SIDES_COLUMNS)
    for side, label in ((sides.a, "A"), (sides.b, "B")):
        if side and side not in set(table["country"]):  # a declared side the texts never name
            table = pd.concat([table, pd.DataFrame([{
                "rank": len(table) + 1, "country": side, "sentences": 0, "share": 0.0,
                "side": label, "source": sides.source, "note": sides.note}])], ignore_index=True)
    if table.empty:
        table = pd.DataFrame([{"rank": 0, "country": "", "sentences": 0, "share": 0.0,
                               "side": "", "source": sides.source, "note": sides.note}])
    return sides, table


def relationship_labels(sentences: pd.DataFrame, places: pd.DataFrame, sides: Sides,
                        countries: set[str]) -> pd.DataFrame:
    """Per sentence: which sides and which third countries it names (no rows when there
    are no sides)."""
    columns = ["doc_id", "sentence_id", "relationship", "names_side_a", "names_side_b",
               "third_parties"]
    if not sides.found:
        return pd.DataFrame(columns=columns)
    pair = (sides.a, sides.b)
    named = places[places["actor"] != "#number"].groupby(["doc_id", "sentence_id"])["actor"] \
        .agg(lambda s: sorted(set(s)))
    rows = []
    for doc_id, sid in zip(sentences["doc_id"], sentences["sentence_id"], strict=True):
        actors = named.get((doc_id, sid), [])
        a, b = pair[0] in actors, pair[1] in actors
        third = [c for c in actors if c not in pair and (not countries or c in countries)]
        category = ("both_sides" if a and b else "one_side" if a or b
                    else "third_party_only" if third else "neither")
        rows.append((doc_id, sid, category, a, b, "; ".join(third)))
    return pd.DataFrame(rows, columns=columns)


def relationship_tables(body: pd.DataFrame, relation: pd.DataFrame, sides: Sides,
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
                 "share_low", "share_high", "resampling_unit"])
    shares.insert(3, "side_a", sides.a)
    shares.insert(4, "side_b", sides.b)
    third = body_rel[body_rel["third_parties"] != ""].assign(
        country=lambda d: d["third_parties"].str.split("; ")).explode("country")
    third_parties = (third.groupby(["group", "doc_id", "country"]).size()
                     .rename("sentences").reset_index()) if not third.empty else pd.DataFrame(
        columns=["group", "doc_id", "country", "sentences"])
    return body_rel, shares, third_parties
