"""``python -m pipeline export``: every table round-trips through SQLite and Parquet."""

import sqlite3

import numpy as np
import pandas as pd

from pipeline.cli import main
from pipeline.engine.catalog import read_table
from pipeline.export import write_sqlite

from .conftest import tree_hashes


def _same(back: pd.DataFrame, table: pd.DataFrame) -> None:
    assert list(back.columns) == list(table.columns)
    assert len(back) == len(table)
    for column in table.columns:
        a, b = table[column].to_numpy(dtype=object), back[column].to_numpy(dtype=object)
        for x, y in zip(a, b, strict=True):
            missing = (x is None or x != x), (y is None or y != y)
            assert missing[0] == missing[1], (column, x, y)
            if not missing[0]:
                assert x == y and type(_py(x)) is type(_py(y)), (column, x, y)


def _py(v):
    return int(v) if isinstance(v, bool | np.bool_) else v.item() if isinstance(v, np.generic) \
        else v


def test_every_table_round_trips_through_sqlite_with_types_and_indexes(bundled_run, tmp_path,
                                                                        capsys):
    target = tmp_path / "framing.sqlite"
    before = tree_hashes(bundled_run)
    assert main(["export", "--out", str(bundled_run), "--to", str(target)]) == 0
    tables = sorted(p.stem for p in (bundled_run / "tables").glob("*.csv"))
    assert capsys.readouterr().out.strip() == \
        f"exported {len(tables)} tables of {bundled_run} to {target} (sqlite)"
    assert tree_hashes(bundled_run) == before  # the run is only read
    db = sqlite3.connect(target)
    for name in tables:
        table = read_table(bundled_run / "tables" / f"{name}.csv")
        cursor = db.execute(f'SELECT * FROM "{name}"')  # raw values, not pandas' guesses
        back = pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description],
                            dtype=object)
        _same(back, table.astype({c: int for c in table.columns if table[c].dtype == bool}))
    types = dict(db.execute("SELECT name, type FROM pragma_table_info('sentences')").fetchall())
    assert types["doc_id"] == "TEXT" and types["start_char"] == "INTEGER"
    assert types["duplicate_of"] == "REAL"  # a sentence id, or empty
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"sentences_by_doc_id", "sentences_by_doc_id_start_char_end_char",
            "tokens_by_doc_id_start_char_end_char", "frames_sentences_by_doc_id"} <= indexes
    # the sentences with their frame, tone and voice, one row per sentence framing kept
    view = pd.read_sql_query("SELECT * FROM sentence_measures", db)
    voices = read_table(bundled_run / "tables" / "voices.csv")
    frames = read_table(bundled_run / "tables" / "frames_sentences.csv")
    assert len(view) == len(voices)
    merged = view.merge(frames, on=["doc_id", "sentence_id"], suffixes=("", "_f"))
    assert (merged["primary_frame"] == merged["primary_frame_f"]).all() and len(merged) == len(view)
    row = view.iloc[0]
    text = sqlite3.connect(target).execute(
        "SELECT text FROM sentences WHERE doc_id = ? AND sentence_id = ?",
        (row.doc_id, int(row.sentence_id))).fetchone()[0]
    assert text == row.text
    run = dict(db.execute("SELECT key, value FROM run").fetchall())
    assert "spacy" in run["versions"] and "stages" in run


def test_every_table_round_trips_through_parquet(bundled_run, tmp_path):
    target = tmp_path / "parquet"
    assert main(["export", "--out", str(bundled_run), "--to", str(target)]) == 0
    names = sorted(p.stem for p in (bundled_run / "tables").glob("*.csv"))
    assert sorted(p.stem for p in target.glob("*.parquet")) == names
    for name in names:
        table = read_table(bundled_run / "tables" / f"{name}.csv")
        back = pd.read_parquet(target / f"{name}.parquet")
        _same(back, table)  # a missing cell may come back as None or NaN
        if not table.empty:
            numeric = [c for c in table.columns if table[c].dtype.kind in "iufb"]
            assert (back[numeric].dtypes == table[numeric].dtypes).all(), name
    # a second export replaces the first whole
    (target / "stray.parquet").write_bytes(b"old")
    assert main(["export", "--out", str(bundled_run), "--to", str(target),
                 "--format", "parquet"]) == 0
    assert not (target / "stray.parquet").exists()


def test_export_mistakes_are_one_line_and_write_nothing(tmp_path, bundled_run, capsys):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a.parquet").write_text("a file")
    cases = [
        (["--out", str(tmp_path / "nothing"), "--to", str(tmp_path / "x.sqlite")],
         "No finished run in"),
        (["--out", str(bundled_run), "--to", str(tmp_path / "missing" / "x.sqlite")],
         "--to names a folder that does not exist"),
        (["--out", str(bundled_run), "--to", str(tmp_path / "folder"), "--format", "sqlite"],
         "is a folder; a sqlite export would replace it"),
        (["--out", str(bundled_run), "--to", str(tmp_path / "a.parquet")],
         "is a file; a parquet export would replace it"),
    ]
    before = tree_hashes(tmp_path)
    for args, message in cases:
        assert main(["export", *args]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and message in err and "\n" not in err, err
    assert tree_hashes(tmp_path) == before


def test_an_export_that_fails_midway_leaves_the_earlier_one(tmp_path, bundled_run,
                                                           monkeypatch):
    target = tmp_path / "framing.sqlite"
    assert main(["export", "--out", str(bundled_run), "--to", str(target)]) == 0
    good = target.read_bytes()

    def full(tables, run, path):  # the disk fills while the tables are written
        write_sqlite(iter(list(tables)[:3]), run, path)
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("pipeline.export.write_sqlite", full)
    assert main(["export", "--out", str(bundled_run), "--to", str(target)]) == 1
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["framing.sqlite"]
