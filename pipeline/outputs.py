"""A finished run's outputs as one typed object: tables as DataFrames, docs, evidence.

>>> # out = load_outputs("outputs")
>>> # out.framing_summary.head(); out.docs("oped-fm-visit-2023")[0].ents
>>> # out.evidence(out.framing_summary.evidence[0])   # the sentences behind a finding
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from pipeline.corpus.manifest import load_corpus
from pipeline.engine.catalog import read_any_table
from pipeline.errors import StageError
from pipeline.nlp.docs import ParsedDocs
from pipeline.nlp.evidence import evidence_spans


def _table(name: str) -> cached_property:
    def read(self: Outputs) -> pd.DataFrame:
        return self.table(name)
    read.__doc__ = f"tables/{name}.csv (see outputs/README.md)"
    read.__name__ = name
    return cached_property(read)


@dataclass
class Outputs:
    """The output folder of a run. Each table attribute reads its CSV once, when first used."""

    folder: Path

    segments = _table("segments")
    sentences = _table("sentences")
    tokens = _table("tokens")
    documents = _table("documents")
    entities = _table("entities")
    entity_summary = _table("entity_summary")
    entity_comparison = _table("entity_comparison")
    cooccurrence = _table("cooccurrence")
    topics = _table("topics")
    topic_selection = _table("topic_selection")
    segment_topics = _table("segment_topics")
    doc_topics = _table("doc_topics")
    keyterms = _table("keyterms")
    keyness = _table("keyness")
    frames_sentences = _table("frames_sentences")
    frame_shares = _table("frame_shares")
    tone = _table("tone")
    tone_summary = _table("tone_summary")
    stance = _table("stance")
    stance_markers = _table("stance_markers")
    actors = _table("actors")
    actor_roles = _table("actor_roles")
    relationship = _table("relationship")
    relationship_sentences = _table("relationship_sentences")
    third_parties = _table("third_parties")
    alignment = _table("alignment")
    framing_summary = _table("framing_summary")

    def table(self, name: str) -> pd.DataFrame:
        """Any table of the run by name, a custom stage's included: its Parquet copy when
        the run wrote one (``[tables] parquet_rows``), else its CSV."""
        path = self.folder / "tables" / f"{name}.csv"
        if not path.is_file() and not path.with_suffix(".parquet").is_file():
            known = sorted({p.stem for p in (self.folder / "tables").glob("*.csv")} |
                           {p.stem for p in (self.folder / "tables").glob("*.parquet")})
            raise StageError(f"No table '{name}' in {self.folder / 'tables'}",
                             fix="run the stage that writes it, or pick a listed table",
                             options=known)
        return read_any_table(path)

    @cached_property
    def run(self) -> dict:
        """run.json: versions, settings, input hashes, what each stage did."""
        return json.loads((self.folder / "run.json").read_text(encoding="utf-8"))

    def figure(self, name: str) -> Path:
        """Path of a chart's PNG (``figures/NAME.png``)."""
        return self.folder / "figures" / f"{name}.png"

    @property
    def report(self) -> Path:
        return self.folder / "report.html"

    @cached_property
    def texts(self) -> dict[str, str]:
        """The original text of every document, read from the run's corpus folder."""
        corpus = load_corpus(Path(self.run["corpus"]), _corpus_settings(self.run))
        return {d.doc_id: d.text for d in corpus.documents}

    def text(self, doc_id: str, start: int, end: int) -> str:
        """``original_text[start:end]`` of a document: what any row's offsets point at."""
        return self.texts[doc_id][start:end]

    def evidence(self, evidence: str) -> list[tuple[str, int, int, str]]:
        """The sentences behind an ``evidence`` cell (a JSON list of spans), with their text."""
        return [(doc_id, start, end, self.text(doc_id, start, end))
                for doc_id, start, end in evidence_spans(evidence)]

    def docs(self, doc_id: str) -> list[Doc]:
        """The parsed segment docs of one document, in reading order (no model needed)."""
        import spacy

        docs = ParsedDocs(self.folder / "cache" / "docs.spacy", spacy.blank("en").vocab)
        found = docs.for_document(doc_id)
        if not found:
            raise StageError(f"No parsed document '{doc_id}' in {self.folder}",
                             fix="use a doc_id of documents.csv",
                             options=sorted(self.documents["doc_id"]))
        return found


def _corpus_settings(run: dict):
    from pipeline.config import CorpusSettings

    values = run["config"].get("corpus", {})
    return CorpusSettings(**{k: v for k, v in values.items() if k in
                             CorpusSettings.model_fields})


def load_outputs(folder: str | Path = "outputs") -> Outputs:
    """The outputs of a finished run in ``folder``; a clear error if there is none."""
    folder = Path(folder)
    if not (folder / "run.json").is_file():
        raise StageError(f"No finished run in {folder} (run.json missing)",
                         fix="run the pipeline first: python -m pipeline run --out "
                             f"{folder}")
    incomplete = folder / "INCOMPLETE.txt"
    if incomplete.is_file():
        warnings.warn(f"The last run in {folder} did not finish: its tables mix new and earlier "
                      f"outputs ({incomplete} says which stages finished); run the pipeline "
                      "again to finish it", stacklevel=2)
    return Outputs(folder)
