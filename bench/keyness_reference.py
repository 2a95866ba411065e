"""Term counts of two groups of a finished run, for the distinctive-vocabulary check.

    .venv/bin/python -m pipeline run --corpus CORPUS --config CONFIG --out OUT
    .venv/bin/python bench/keyness_reference.py OUT tests/data/bbc_politics_sport_terms.csv

Writes one row per word term of the article bodies (headlines and headings
left out, as the framing stage does): its counts and paragraphs in each of the
two compared groups, the lower-cased forms it takes ("hope|hopes|hoped", for
the wordfreq prior) and the groups' word totals. Only counts leave the corpus,
never its text. tests/test_keyness.py reads the file shipped in tests/data/
(188 BBC politics against 237 BBC sport articles of ../shared/bench-corpus/,
terms used at least twice) and checks that the top terms of each side are the
obvious ones.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

import pandas as pd
import spacy

from pipeline.corpus.entity_lexicon import NAME_LABELS
from pipeline.engine.catalog import read_table
from pipeline.nlp.docs import ParsedDocs
from pipeline.nlp.terms import name_mentions, term_occurrences


def _stop_words() -> frozenset[str]:
    path = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "stopwords.toml"
    return frozenset(w.lower() for w in tomllib.loads(path.read_text("utf-8"))["words"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    run = json.loads((args.outputs / "run.json").read_text(encoding="utf-8"))
    settings = run["config"]
    compare = tuple(settings["compare"])
    tables = args.outputs / "tables"
    sentences = read_table(tables / "sentences.csv")
    documents = read_table(tables / "documents.csv")
    entities = read_table(tables / "entities.csv")
    docs = ParsedDocs(args.outputs / "cache" / "docs.spacy", spacy.blank("en").vocab)
    body = set(settings["parse"]["body_parts"]) - set(settings["framing"]["heading_parts"])
    occ = term_occurrences(docs, sentences, parts=body, pos=settings["framing"]["pos"],
                           stop=_stop_words(), noun_phrases=False,
                           mentions=name_mentions(entities, NAME_LABELS))
    occ = occ[occ["kind"] == "word"]
    groups = dict(zip(documents["doc_id"], documents["group"], strict=True))
    occ = occ.assign(group=occ["doc_id"].map(groups), form=occ["text"].str.lower(),
                     unit=occ["doc_id"] + "#" + occ["segment_id"].astype(str))
    occ = occ[occ["group"].isin(compare)]
    tokens = read_table(tables / "tokens.csv").merge(
        sentences[["doc_id", "sentence_id", "part"]], on=["doc_id", "sentence_id"])
    words = tokens[tokens["part"].isin(body) & ~tokens["pos"].isin(["PUNCT", "SPACE"])]
    n_words = words.assign(group=words["doc_id"].map(groups)).groupby("group").size()
    counts = occ.groupby(["term", "group"]).size().unstack(fill_value=0) \
        .reindex(columns=list(compare), fill_value=0)
    units = occ.drop_duplicates(["term", "group", "unit"]).groupby(["term", "group"]).size() \
        .unstack(fill_value=0).reindex(index=counts.index, columns=list(compare), fill_value=0)
    forms = occ.groupby("term")["form"].agg(lambda f: "|".join(sorted(set(f))))
    table = pd.DataFrame({"count_a": counts[compare[0]], "count_b": counts[compare[1]],
                          "units_a": units[compare[0]], "units_b": units[compare[1]],
                          "forms": forms}).reset_index()
    table = table[table["count_a"] + table["count_b"] >= args.min_count]
    table.insert(1, "group_a", compare[0])
    table.insert(2, "group_b", compare[1])
    table["words_a"], table["words_b"] = int(n_words[compare[0]]), int(n_words[compare[1]])
    table.sort_values("term").to_csv(args.target, index=False)
    print(f"{len(table)} terms, {n_words[compare[0]]} words of {compare[0]}, "
          f"{n_words[compare[1]]} of {compare[1]} -> {args.target}")


if __name__ == "__main__":
    main()
