"""The catalog's tables (pipeline/engine/catalog.py): a large table is also written as
Parquet, in row groups, with the values the CSV reads back as."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.config import load_config
from pipeline.engine.catalog import parquet_copy, read_any_table, read_table, table_csv
from pipeline.engine.runner import Runner
from pipeline.outputs import load_outputs
from pipeline.stages import STAGES

from .conftest import CORPUS


@pytest.fixture(scope="module")
def parquet_run(tmp_path_factory, nlp):
    """The bundled corpus with every table of 1 row or more also written as Parquet,
    in row groups of 50 rows."""
    folder = tmp_path_factory.mktemp("parquet")
    config = folder / "pq.toml"
    config.write_text("[tables]\nparquet_rows = 1\nparquet_row_group = 50\n")
    out = folder / "out"
    Runner(STAGES, load_config(config), CORPUS, out, nlp=nlp).run()
    return out, config


def test_every_table_gets_parquet_with_the_csvs_values(parquet_run, bundled_run):
    out, _ = parquet_run
    csvs = sorted((out / "tables").glob("*.csv"))
    assert len(csvs) > 30
    for path in csvs:
        copy = path.with_suffix(".parquet")
        assert copy.is_file(), path.name
        pd.testing.assert_frame_equal(read_any_table(path), read_table(path), obj=path.name)
        # the stages read the Parquet copies, and wrote the same CSV files as ever
        assert path.read_bytes() == (bundled_run / "tables" / path.name).read_bytes(), path.name
    tokens = pq.ParquetFile(out / "tables" / "tokens.parquet")
    rows = tokens.metadata.num_rows
    assert rows == len(read_table(out / "tables" / "tokens.csv")) > 1000
    assert tokens.metadata.num_row_groups == math.ceil(rows / 50)
    assert tokens.schema_arrow.field("start_char").type == "int64"
    assert tokens.schema_arrow.field("lemma").type == "string"


def test_default_runs_write_no_parquet_and_a_smaller_table_drops_its_copy(parquet_run, tmp_path,
                                                                          nlp, bundled_run):
    assert not list((bundled_run / "tables").glob("*.parquet"))  # 500,000 rows by default
    out = tmp_path / "out"
    shutil.copytree(parquet_run[0], out)
    Runner(STAGES, load_config(), CORPUS, out, nlp=nlp).run(only="framing", force=True)
    # rewritten below the default size: an old copy would no longer match its CSV
    assert not (out / "tables" / "frames_sentences.parquet").exists()
    assert (out / "tables" / "tokens.parquet").exists()  # not rewritten


def test_load_outputs_reads_either(parquet_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(parquet_run[0], out)
    expected = read_table(out / "tables" / "sentences.csv")
    (out / "tables" / "sentences.csv").unlink()
    got = load_outputs(out).table("sentences")
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(load_outputs(out).table("tokens"),
                                  read_table(out / "tables" / "tokens.csv"))


def test_column_types_follow_the_whole_csv_not_one_chunk(tmp_path):
    """Chunks of 2 rows: a count with a gap only in the last chunk is a float, a column
    with a word after numbers is text, true/false with a gap stays true/false."""
    table = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b", "c"],
        "n": [1, 2, 3, 4, None],
        "mixed": ["1", "2", "3", "4", "five"],
        "flag": [True, False, True, None, False],
        "text": ["x", "", "z", "1", "w"],
    })
    path = tmp_path / "t.csv"
    path.write_text(table_csv(table), encoding="utf-8")
    parquet_copy(path, tmp_path / "t.parquet", 2)
    schema = pq.ParquetFile(tmp_path / "t.parquet").schema_arrow
    assert [str(schema.field(c).type) for c in table.columns] == [
        "string", "double", "string", "bool", "string"]
    got = read_any_table(path)
    pd.testing.assert_frame_equal(got, read_table(path))
    assert got["text"].tolist() == ["x", "", "z", "1", "w"]
    assert got["n"].tolist()[:4] == [1.0, 2.0, 3.0, 4.0] and math.isnan(got["n"].iloc[4])


def test_a_chunk_of_nothing_but_gaps_keeps_the_columns_type(tmp_path):
    """Chunks of 2 rows, the first all empty: true/false stays true/false, whole numbers
    become floats (as pandas reads them whole), a column empty throughout is a float."""
    table = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "flag": [None, None, True, False],
                          "n": [None, None, 3, 4], "none": [None] * 4})
    path = tmp_path / "gaps.csv"
    path.write_text(table_csv(table), encoding="utf-8")
    parquet_copy(path, tmp_path / "gaps.parquet", 2)
    schema = pq.ParquetFile(tmp_path / "gaps.parquet").schema_arrow
    assert [str(schema.field(c).type) for c in ("flag", "n", "none")] == [
        "bool", "double", "double"]
    got = read_any_table(path)
    pd.testing.assert_frame_equal(got, read_table(path))
    assert got["flag"].tolist()[2:] == [True, False]
