"""``python -m pipeline export``: a finished run's tables in one SQLite file, or as Parquet.

SQLite (``--to outputs/framing.sqlite``): one table per ``tables/*.csv``, each column
typed (INTEGER, REAL or TEXT, as the pipeline reads the table back), an index on
``doc_id`` and on ``(doc_id, start_char, end_char)`` wherever a table has those
columns, a ``sentence_measures`` view joining every sentence to its frames, tone and
voice, and a ``run`` table holding ``run.json``. Ready for Datasette or DuckDB.

Parquet (``--format parquet --to outputs/parquet``): one ``NAME.parquet`` per table
(pyarrow), with the same column types.

Either is written to a temporary name beside its target and renamed into place when
complete, so an interrupted export never leaves half a file and never touches an
earlier export.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.engine.catalog import read_any_table
from pipeline.errors import PipelineError
from pipeline.outputs import load_outputs

FORMATS = ("sqlite", "parquet")
_INDEXED = (("doc_id",), ("doc_id", "start_char", "end_char"))

# The sentences with what the framing stage measured of each: one row per sentence the
# framing stage kept (repeats dropped), with its group, scope and offsets.
SENTENCE_VIEW = """
CREATE VIEW sentence_measures AS
SELECT v.doc_id, v."group", v.scope, v.part, v.sentence_id, v.start_char, v.end_char,
       s.text, f.primary_frame, f.frame_confidence, f.frames_present, t.compound, t.tone,
       v.voice, v.speaker
FROM voices AS v
JOIN sentences AS s ON s.doc_id = v.doc_id AND s.sentence_id = v.sentence_id
LEFT JOIN frames_sentences AS f ON f.doc_id = v.doc_id AND f.sentence_id = v.sentence_id
LEFT JOIN tone AS t ON t.doc_id = v.doc_id AND t.sentence_id = v.sentence_id
"""


def format_of(target: Path, chosen: str | None) -> str:
    """``--format`` as given, else from the target: ``.parquet`` or no suffix is parquet,
    anything else (``.sqlite``, ``.db``) sqlite.

    >>> format_of(Path("out/framing.sqlite"), None), format_of(Path("out/pq"), None)
    ('sqlite', 'parquet')
    """
    if chosen:
        return chosen
    return "parquet" if Path(target).suffix in ("", ".parquet") else "sqlite"


def run_tables(out_dir: Path) -> Iterator[tuple[str, pd.DataFrame]]:
    """Every table of a run, by name, in name order (custom stages' included)."""
    for path in sorted((Path(out_dir) / "tables").glob("*.csv")):
        yield path.stem, read_any_table(path)  # its Parquet copy when there is one


def sql_type(series: pd.Series) -> str:
    """The SQLite type of a table column, as the pipeline reads the column back.

    >>> sql_type(pd.Series([1, 2])), sql_type(pd.Series([0.5])), sql_type(pd.Series(["a"]))
    ('INTEGER', 'REAL', 'TEXT')
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    # a text-typed column with missing cells holds Python values: name them by their kind
    kind = pd.api.types.infer_dtype(series, skipna=True)
    return {"boolean": "INTEGER", "integer": "INTEGER", "floating": "REAL",
            "mixed-integer-float": "REAL"}.get(kind, "TEXT")


def _plain(value: object) -> object:
    """A cell as sqlite3 takes it: None for a missing value, Python numbers, text."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.bool_ | bool):
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _rows(table: pd.DataFrame) -> Iterator[tuple]:
    columns = [table[c].to_numpy(dtype=object) for c in table.columns]
    for row in zip(*columns, strict=True):
        yield tuple(_plain(v) for v in row)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_sqlite(tables: Iterator[tuple[str, pd.DataFrame]], run: dict, path: Path) -> list[str]:
    """Write the tables, their indexes, the sentence view and the run record into a new
    SQLite file at ``path``; returns the table names."""
    names = []
    db = sqlite3.connect(path)
    try:
        for name, table in tables:
            columns = ", ".join(f"{_quote(c)} {sql_type(table[c])}" for c in table.columns)
            db.execute(f"CREATE TABLE {_quote(name)} ({columns})")
            marks = ", ".join("?" * len(table.columns))
            db.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", _rows(table))
            for index in _INDEXED:
                if set(index) <= set(table.columns):
                    label = _quote(name + "_by_" + "_".join(index))
                    db.execute(f"CREATE INDEX {label} ON {_quote(name)} "
                               f"({', '.join(map(_quote, index))})")
            names.append(name)
        if {"voices", "sentences", "frames_sentences", "tone"} <= set(names):
            db.execute(SENTENCE_VIEW)
        db.execute("CREATE TABLE run (key TEXT PRIMARY KEY, value TEXT)")
        db.executemany("INSERT INTO run VALUES (?, ?)",
                       [(k, json.dumps(v, sort_keys=True, ensure_ascii=False))
                        for k, v in sorted(run.items())])
        db.commit()
    finally:
        db.close()
    return names


def write_parquet(tables: Iterator[tuple[str, pd.DataFrame]], folder: Path) -> list[str]:
    """Write each table as ``folder/NAME.parquet`` (pyarrow); returns the table names."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    names = []
    for name, table in tables:
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False),
                       folder / f"{name}.parquet")
        names.append(name)
    return names


def export(out_dir: Path, target: Path, fmt: str) -> list[str]:
    """Export the finished run in ``out_dir`` to ``target`` as ``fmt``; all or nothing.
    Returns the names of the tables written."""
    if fmt not in FORMATS:
        raise PipelineError(f"Unknown export format '{fmt}'", fix="pick one of the formats",
                            options=FORMATS)
    target = Path(target)
    if not target.parent.is_dir():
        raise PipelineError(f"--to names a folder that does not exist: {target.parent}",
                            fix="create it first, or give another --to path")
    if target.exists() and (fmt == "sqlite") != target.is_file():
        kind = "a folder" if target.is_dir() else "a file"
        raise PipelineError(f"--to {target} is {kind}; a {fmt} export would replace it with "
                            "something else", fix="give a new path, or remove it first")
    run = load_outputs(out_dir).run  # a clear error when there is no finished run
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(6)}")
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(6)}")
    try:
        tables = run_tables(out_dir)
        names = write_sqlite(tables, run, tmp) if fmt == "sqlite" else write_parquet(tables, tmp)
        if target.is_dir():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        raise PipelineError(f"Cannot write {err.filename or target}: {err.strerror or err}",
                            fix="give a --to path on a disk you can write") from None
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
    return names
