"""The runner's reading and writing side: artifacts by name, written atomically.

An artifact is named by its path under the output folder, and its suffix says
what it holds:

* ``.csv``   a table (pandas DataFrame), UTF-8, ``\\n`` line ends;
* ``.json``  a JSON object, keys sorted;
* ``.spacy`` a folder of DocBin shards (parsed docs), read lazily;
* ``.png``   a matplotlib figure, saved as PNG and as SVG beside it;
* ``.md`` / ``.html`` text.

The special name ``corpus`` is the input corpus folder; ``lexicon:NAME.toml``
is a data file users can edit: the general one in ``pipeline/data/NAME.toml``
and, if present, the corpus folder's own ``NAME.toml`` (loaded in that order);
``model:NAME`` is a trained model file the config points to (``model:frames``:
``[framing] frame_model``), loaded as its parsed JSON, or None when none is set. Every write goes to a
temporary file beside its target and is renamed into place only when the whole
stage has finished, so a failed or interrupted stage leaves earlier outputs as
they were.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from pipeline.corpus.lexicons import PACKAGE_DATA, Lexicon, ModelFile, read_lexicon_file
from pipeline.errors import ConfigError, StageError
from pipeline.nlp.docs import ParsedDocs

CORPUS = "corpus"
LEXICON_PREFIX = "lexicon:"
MODEL_PREFIX = "model:"
KINDS = {".csv": "table", ".json": "json", ".spacy": "docs", ".png": "figure", ".md": "text",
         ".html": "text", ".txt": "text"}
# Columns that always hold text, even when every value looks like a number.
TEXT_COLUMNS = {"doc_id", "text", "path", "group", "title", "part", "lemma", "pos", "tag", "dep",
                "source", "date", "notes", "term", "label", "canonical", "refers_to", "kind",
                "marker", "frame", "method", "entity_a", "entity_b", "example", "example_doc_id",
                "category", "actor", "verb", "voice", "via", "role", "country", "third_parties",
                "cues", "primary_frame", "match_frame", "match_group", "match_doc_id",
                "numbers", "match_numbers", "numbers_agree", "tone", "scope", "level", "side_a",
                "side_b", "measure", "unit", "group_a", "group_b", "finding", "evidence",
                "distinctive_for", "agent_verbs", "patient_verbs", "relationship", "feature",
                "period", "only_in", "higher", "lower", "group_name"}


def artifact_kind(name: str) -> str:
    """Kind of artifact ``name`` (by suffix), or a StageError listing the suffixes."""
    if name == CORPUS:
        return "corpus"
    if name.startswith(LEXICON_PREFIX):
        return "lexicon"
    if name.startswith(MODEL_PREFIX):
        return "model"
    kind = KINDS.get(Path(name).suffix)
    if kind is None:
        raise StageError(f"Artifact '{name}' has an unknown suffix",
                         fix="name outputs with one of the known suffixes", options=list(KINDS))
    return kind


def artifact_key(name: str) -> str:
    """Keyword under which a stage function receives or returns the artifact."""
    if name.startswith(LEXICON_PREFIX):
        return Path(name[len(LEXICON_PREFIX):]).stem + "_lexicon"
    if name.startswith(MODEL_PREFIX):
        return name[len(MODEL_PREFIX):] + "_model"
    return CORPUS if name == CORPUS else Path(name).stem


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV table written by the catalog, keeping text columns as text."""
    header = pd.read_csv(path, nrows=0).columns
    dtypes = {c: str for c in header if c in TEXT_COLUMNS}
    table = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={
        c: [""] for c in header if c not in TEXT_COLUMNS})
    if table.empty:  # no rows to infer from: numbers stay numbers (nlargest, comparisons)
        table = table.astype({c: float for c in header if c not in TEXT_COLUMNS})
    return table


def table_csv(df: pd.DataFrame, header: bool = True) -> str:
    """The exact CSV text the catalog writes for ``df`` (deterministic, row by row).

    Rows are written with minimal quoting, except a row with a lone carriage return
    in a text cell: Python's csv writer quotes a field only for the characters of
    the line terminator (``\n`` here), so such a row is written with every text
    field quoted, and it reads back as it was. Each row's text depends on that row
    alone, so a table written in chunks is the same whatever the chunks.
    """
    odd = _has_carriage_return(df)
    if not odd.any():
        return df.to_csv(index=False, header=header, lineterminator="\n")
    parts = [df.head(0).to_csv(index=False, lineterminator="\n")] if header else []
    flags = odd.to_numpy()
    starts = [0, *(i for i in range(1, len(flags)) if flags[i] != flags[i - 1])]
    for start, end in zip(starts, [*starts[1:], len(flags)], strict=True):
        parts.append(df.iloc[start:end].to_csv(
            index=False, header=False, lineterminator="\n",
            quoting=csv.QUOTE_NONNUMERIC if flags[start] else csv.QUOTE_MINIMAL))
    return "".join(parts)


def _has_carriage_return(df: pd.DataFrame) -> pd.Series:
    found = pd.Series(False, index=df.index)
    for column in df.columns:
        values = df[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            found |= values.astype(str).str.contains("\r", regex=False).fillna(False) \
                .astype(bool)
    return found


def file_hash(path: Path) -> str:
    """sha256 of a file, or of a folder's files (names and contents), in sorted order."""
    digest = hashlib.sha256()
    paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in paths:
        digest.update(str(p.relative_to(path) if path.is_dir() else p.name).encode())
        with p.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FigureFiles:
    """A saved chart as a stage input: its PNG bytes and SVG text."""

    png: bytes
    svg: str

    def svg_data_uri(self) -> str:
        """The SVG as a ``data:`` URI, for a self-contained page."""
        import base64

        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


# Temporary and replaced artifacts: ".<name>.tmp-<pid>-<random>" / ".<name>.old-<pid>-<random>"
# (older runs wrote "-<pid>" alone). Unique per writer, so a later run never reuses a dead
# run's folder, even when it has the same process id (PID 1 in a container).
# The folders below an output folder that the pipeline writes in (and cleans up).
OUTPUT_FOLDERS = ("cache", "tables", "figures", "evaluation")
_DEBRIS = re.compile(r"^\..+\.(tmp|old)-\d+(-[0-9a-f]+)?$")


def scratch_target(path: Path) -> Path | None:
    """The artifact a temporary or replaced name (``.<name>.tmp-<pid>-<random>``) was for,
    or None for any other name."""
    if not _DEBRIS.match(path.name):
        return None
    return path.with_name(re.sub(r"\.(tmp|old)-\d+(-[0-9a-f]+)?$", "", path.name[1:]))


def _scratch(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(6)}")


def remove_debris(out_dir: Path) -> list[Path]:
    """Remove what interrupted runs left below ``out_dir`` (their temporary and replaced
    artifacts); call it only while holding the folder's lock. Returns what was removed."""
    removed = []
    # only where the pipeline writes: the folder itself and its own subfolders, never
    # anything else a user keeps below it
    for folder in (out_dir, *(out_dir / d for d in OUTPUT_FOLDERS)):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in folder.iterdir():
            if not _DEBRIS.match(path.name):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return sorted(removed)


class _Writer:
    """Collects one artifact's content in temporary files; commit() renames it into place."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.tmp = _scratch(target, "tmp")
        self.chunks = 0

    def add(self, value: Any) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Work done after the last chunk and before any artifact of the stage is renamed
        into place (a failure here leaves every earlier output as it was)."""

    def commit(self) -> None:
        """Rename the finished artifact into place; on failure nothing temporary stays."""
        try:
            self._commit()
        except BaseException:
            self.abort()
            raise

    def _commit(self) -> None:
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        if self.tmp.is_dir():
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp.exists():
            self.tmp.unlink()


class _TableWriter(_Writer):
    """A table as CSV, chunk by chunk; with ``parquet_rows`` > 0 and at least that many
    rows, also as Parquet beside it (made from the CSV, ``row_group`` rows at a time)."""

    def __init__(self, target: Path, parquet_rows: int = 0, row_group: int = 100_000) -> None:
        super().__init__(target)
        self.parquet_rows, self.row_group = parquet_rows, row_group
        self.parquet_target = target.with_suffix(".parquet")
        self.parquet_tmp = _scratch(self.parquet_target, "tmp")
        self.rows = 0

    def add(self, value: Any) -> None:
        if not isinstance(value, pd.DataFrame):
            raise StageError(f"Output {self.target.name} must be a pandas DataFrame, "
                             f"got {type(value).__name__}", fix="return a DataFrame")
        with self.tmp.open("a" if self.chunks else "w", encoding="utf-8", newline="") as f:
            f.write(table_csv(value, header=self.chunks == 0))
        self.chunks += 1
        self.rows += len(value)

    def finish(self) -> None:
        if self.parquet_rows and self.rows >= self.parquet_rows:
            parquet_copy(self.tmp, self.parquet_tmp, self.row_group)

    def _commit(self) -> None:
        # the old copy goes first: however the run ends, no copy is beside a CSV it
        # does not match (at worst there is none, and readers read the CSV)
        self.parquet_target.unlink(missing_ok=True)
        os.replace(self.tmp, self.target)
        if self.parquet_tmp.exists():
            os.replace(self.parquet_tmp, self.parquet_target)

    def abort(self) -> None:
        super().abort()
        self.parquet_tmp.unlink(missing_ok=True)


def _csv_chunks(path: Path, header, rows: int, as_text: set[str]):
    """The CSV in chunks, read as :func:`read_table` reads it whole (and the columns of
    ``as_text`` as text, an empty cell of those missing, as pandas reads a text column)."""
    text = {c for c in header if c in TEXT_COLUMNS}
    return pd.read_csv(path, dtype={c: str for c in text | as_text}, keep_default_na=False,
                       na_values={c: [""] for c in header if c not in text}, chunksize=rows)


def _column_kind(column: pd.Series, text: bool) -> str:
    if text:
        return "string"
    if pd.api.types.is_bool_dtype(column):
        return "bool"
    if pd.api.types.is_integer_dtype(column):
        return "int"
    if pd.api.types.is_float_dtype(column):
        return "float"
    if pd.api.types.infer_dtype(column, skipna=True) == "boolean":
        return "bool"  # true and false with gaps
    return "string"


def parquet_copy(csv_path: Path, target: Path, row_group: int) -> None:
    """Write the catalog's CSV table at ``csv_path`` as Parquet at ``target``, reading it
    ``row_group`` rows at a time (memory flat in its size). Each column gets the type
    :func:`read_table` gives the whole CSV: text columns and any column with text in it
    are strings, a column of whole numbers with a gap is a float, as in pandas."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = list(pd.read_csv(csv_path, nrows=0).columns)
    kinds: dict[str, str] = {}
    gaps: set[str] = set()  # columns with a chunk of nothing but empty cells
    for chunk in _csv_chunks(csv_path, header, row_group, set()):
        for c in header:
            if c not in TEXT_COLUMNS and chunk[c].isna().all():
                gaps.add(c)  # says nothing of the column's type, only that it has gaps
                continue
            kind, before = _column_kind(chunk[c], c in TEXT_COLUMNS), kinds.get(c)
            kinds[c] = (kind if before in (None, kind) else
                        "float" if {kind, before} == {"int", "float"} else "string")
    for c in header:  # whole numbers with a gap read as floats; an empty column too
        if kinds.get(c) is None or (kinds[c] == "int" and c in gaps):
            kinds[c] = "float"
    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "bool": pa.bool_()}
    schema = pa.schema([(c, types[kinds[c]]) for c in header])
    text = {c for c in header if kinds[c] == "string"}
    floats = [c for c in header if kinds[c] == "float"]
    flags = [c for c in header if kinds[c] == "bool"]
    with pq.ParquetWriter(target, schema) as writer:
        for chunk in _csv_chunks(csv_path, header, row_group, text):
            chunk = chunk.astype(dict.fromkeys(floats, "float64"))
            for c in flags:  # a chunk of gaps only reads as floats
                chunk[c] = chunk[c].astype(object).where(chunk[c].notna(), None)
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False),
                               row_group_size=row_group)


def read_any_table(csv_path: Path) -> pd.DataFrame:
    """A table of a run: its Parquet copy when there is one (faster), else the CSV."""
    parquet = Path(csv_path).with_suffix(".parquet")
    if not parquet.is_file():
        return read_table(csv_path)
    table = pd.read_parquet(parquet)
    for column in table.columns:  # a gap in true/false reads as None: the CSV's NaN
        if table[column].dtype == object and table[column].isna().any():
            table[column] = table[column].where(table[column].notna(), np.nan)
    return table


class _JsonWriter(_Writer):
    def add(self, value: Any) -> None:
        self.tmp.write_text(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False,
                                       default=str) + "\n", encoding="utf-8")
        self.chunks += 1


class _TextWriter(_Writer):
    def add(self, value: Any) -> None:
        self.tmp.write_text(str(value), encoding="utf-8")
        self.chunks += 1


class _DocsWriter(_Writer):
    def add(self, value: Any) -> None:
        if not isinstance(value, DocBin):
            raise StageError(f"Output {self.target.name} must be a spaCy DocBin",
                             fix="return a DocBin")
        self.tmp.mkdir(parents=True, exist_ok=True)
        value.to_disk(self.tmp / f"shard-{self.chunks:05d}.spacy")
        self.chunks += 1

    def _commit(self) -> None:
        old = _scratch(self.target, "old")
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.tmp, self.target)
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


class _FigureWriter(_Writer):
    """Saves a matplotlib Figure as PNG and SVG (fixed metadata, so reruns match)."""

    def __init__(self, target: Path) -> None:
        super().__init__(target)
        self.svg_target = target.with_suffix(".svg")
        self.svg_tmp = _scratch(self.svg_target, "tmp")

    def add(self, value: Any) -> None:
        import matplotlib.pyplot as plt

        with plt.rc_context({"svg.hashsalt": "framing-pipeline"}):
            value.savefig(self.tmp, format="png", dpi=150, metadata={"Software": None})
            value.savefig(self.svg_tmp, format="svg", metadata={"Date": None})
        plt.close(value)
        self.chunks += 1

    def _commit(self) -> None:
        os.replace(self.tmp, self.target)
        os.replace(self.svg_tmp, self.svg_target)

    def abort(self) -> None:
        super().abort()
        if self.svg_tmp.exists():
            self.svg_tmp.unlink()


_WRITERS: dict[str, type[_Writer]] = {"table": _TableWriter, "json": _JsonWriter,
                                      "docs": _DocsWriter, "figure": _FigureWriter,
                                      "text": _TextWriter}


def write_artifacts(out_dir: Path, values: dict[str, Any]) -> list[Path]:
    """Write artifacts outside a stage (e.g. an evaluation's tables and charts) all or none:
    each goes to a temporary file first, and only when every one is written are they
    renamed into place. Returns their paths."""
    writers = []
    try:
        for name, value in values.items():
            path = Path(out_dir) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = _WRITERS[artifact_kind(name)](path)
            writers.append(writer)
            writer.add(value)
        for writer in writers:
            writer.finish()
    except BaseException:
        for writer in writers:
            writer.abort()
        raise
    for writer in writers:
        writer.commit()
    return [w.target for w in writers]


class Catalog:
    """Reads and writes the artifacts of one output folder."""

    def __init__(self, out_dir: Path, corpus_loader: Callable[[], Any],
                 vocab_loader: Callable[[], Vocab], lexicon_dirs: tuple[Path, ...] = (),
                 models: dict[str, Path | None] | None = None, parquet_rows: int = 0,
                 parquet_row_group: int = 100_000) -> None:
        self.out_dir = Path(out_dir)
        self.parquet_rows, self.parquet_row_group = parquet_rows, parquet_row_group
        self.models = dict(models or {})
        self._corpus_loader = corpus_loader
        self._vocab_loader = vocab_loader
        self.lexicon_dirs = tuple(Path(d) for d in lexicon_dirs)

    def path(self, name: str) -> Path:
        return self.out_dir / name

    def lexicon_files(self, name: str) -> list[Path]:
        """The files behind ``lexicon:NAME``: general first, then the corpus folder's, then
        those of ``[corpus] lexicon_dir``."""
        file_name = name[len(LEXICON_PREFIX):]
        candidates = [PACKAGE_DATA / file_name, self._corpus_loader().root / file_name,
                      *(d / file_name for d in self.lexicon_dirs)]
        return [p for p in candidates if p.is_file()]

    def exists(self, name: str) -> bool:
        if name == CORPUS or name.startswith((LEXICON_PREFIX, MODEL_PREFIX)):
            return True
        path = self.path(name)
        if artifact_kind(name) == "figure":
            return path.is_file() and path.with_suffix(".svg").is_file()
        return path.is_dir() if artifact_kind(name) == "docs" else path.is_file()

    def fingerprint(self, name: str) -> str:
        """Content hash of an artifact (for the corpus: of the manifest, files and metadata)."""
        if name == CORPUS:
            corpus = self._corpus_loader()
            return hashlib.sha256(json.dumps(corpus.fingerprint(), sort_keys=True)
                                  .encode()).hexdigest()
        if name.startswith(LEXICON_PREFIX):
            return "+".join(f"{p.name}:{file_hash(p)}" for p in self.lexicon_files(name))
        if name.startswith(MODEL_PREFIX):
            model = self.models.get(name[len(MODEL_PREFIX):])
            return f"{model.name}:{file_hash(model)}" if model else "none"
        path = self.path(name)
        if artifact_kind(name) == "figure":
            return file_hash(path) + file_hash(path.with_suffix(".svg"))
        return file_hash(path)

    def load(self, name: str) -> Any:
        """Load an artifact for a stage: DataFrame, dict, ParsedDocs, text or Corpus."""
        kind = artifact_kind(name)
        if kind == "corpus":
            return self._corpus_loader()
        if kind == "lexicon":
            return [Lexicon(str(p), read_lexicon_file(p)) for p in self.lexicon_files(name)]
        if kind == "model":
            return self._load_model(name)
        path = self.path(name)
        if kind == "table":
            return read_any_table(path)
        if kind == "json":
            return json.loads(path.read_text(encoding="utf-8"))
        if kind == "docs":
            return ParsedDocs(path, self._vocab_loader())
        if kind == "text":
            return path.read_text(encoding="utf-8")
        if kind == "figure":
            return FigureFiles(path.read_bytes(), path.with_suffix(".svg").read_text("utf-8"))
        raise StageError(f"Artifact '{name}' ({kind}) cannot be an input",
                         fix="read tables, JSON, text or docs")

    def _load_model(self, name: str) -> ModelFile | None:
        path = self.models.get(name[len(MODEL_PREFIX):])
        if path is None:
            return None
        try:
            return ModelFile(path, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ConfigError(f"Cannot read the model file {path}: {err}", where=str(path),
                              fix="give a model file written by the pipeline (train-frames), "
                                  'or set its config key to "" to do without') from None

    def writer(self, name: str) -> _Writer:
        """A writer for ``name``; call add() per chunk, then commit() or abort()."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if artifact_kind(name) == "table":
            return _TableWriter(path, self.parquet_rows, self.parquet_row_group)
        return _WRITERS[artifact_kind(name)](path)
