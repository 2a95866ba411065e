"""Map, then reduce (pipeline/engine/mapping.py): the stages' per-document work on shards
of the parsed docs, in forked workers, gives the one-process tables byte for byte."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.engine.catalog import artifact_key, read_table
from pipeline.engine.mapping import concatenated, map_tasks
from pipeline.engine.runner import Runner
from pipeline.engine.stage import Stage, setting_keyword
from pipeline.errors import StageError
from pipeline.nlp.docs import ParsedDocs
from pipeline.stages import STAGES

from .conftest import CORPUS, OPED, OVERVIEW

SHARDED = "[parse]\nshard_size = 1\n[model]\nn_process = 2\n"


@pytest.fixture(scope="module")
def sharded_run(tmp_path_factory, nlp, bundled_run):
    """The bundled corpus run with one document per shard and two worker processes."""
    folder = tmp_path_factory.mktemp("sharded")
    config = folder / "sharded.toml"
    config.write_text(SHARDED)
    out = folder / "out"
    Runner(STAGES, load_config(config), CORPUS, out, nlp=nlp).run()
    return out


def _tables(out):
    return {p.name: p.read_bytes() for p in sorted((out / "tables").glob("*.csv"))}


def test_two_workers_on_two_shards_give_the_one_process_tables(sharded_run, bundled_run):
    assert len(sorted((sharded_run / "cache" / "docs.spacy").glob("shard-*.spacy"))) == 2
    assert len(sorted((bundled_run / "cache" / "docs.spacy").glob("shard-*.spacy"))) == 1
    assert _tables(sharded_run) == _tables(bundled_run)


def test_the_log_says_where_the_map_ran(tmp_path, sharded_run, nlp, logs):
    config = tmp_path / "c.toml"
    config.write_text(SHARDED)
    runner = Runner(STAGES, load_config(config), CORPUS, sharded_run, nlp=nlp)
    runner.run(only="framing", force=True)
    said = [r.getMessage() for r in logs.records]
    assert "framing: per-document work on 2 shards (local, 2 workers)" in said
    assert "framing: 2/2 shards" in said


def test_each_task_gets_its_documents_rows_in_order(sharded_run, nlp):
    docs = ParsedDocs(sharded_run / "cache" / "docs.spacy", nlp.vocab)
    sentences = read_table(sharded_run / "tables" / "sentences.csv")
    corpus = Runner(STAGES, load_config(), CORPUS, sharded_run, nlp=nlp).corpus()
    words = pd.DataFrame({"word": ["no doc_id column"]})
    tasks = list(map_tasks(docs, "docs", {"docs": docs, "sentences": sentences,
                                          "corpus": corpus, "words": words}))
    assert [t.doc_ids for t in tasks] == [(OPED,), (OVERVIEW,)]  # corpus order
    for task in tasks:
        (doc_id,) = task.doc_ids
        mine = sentences[sentences["doc_id"] == doc_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(task.inputs["sentences"], mine)
        assert [d.doc_id for d in task.inputs["corpus"].documents] == [doc_id]
        assert "words" not in task.inputs and "docs" not in task.inputs  # shared, not split


def test_an_empty_shard_cannot_change_a_columns_type():
    ints = pd.DataFrame({"doc_id": ["a", "a"], "n": [1, 2]})
    nothing = pd.DataFrame({"doc_id": pd.Series([], dtype=object),
                            "n": pd.Series([], dtype=object)})
    both = concatenated([{"t": nothing}, {"t": ints}, {"t": nothing}, {"t": ints}])["t"]
    assert both["n"].tolist() == [1, 2, 1, 2]
    assert both["n"].dtype == "int64"
    assert concatenated([{"t": nothing}, {"t": nothing}])["t"].empty


def count_sentences(docs, sentences):
    """A user's map: sentences per document, counted on the parsed docs."""
    return {"counts": pd.DataFrame([(d.user_data["doc_id"], len(list(d.sents))) for d in docs],
                                   columns=["doc_id", "n"])}


def sum_counts(docs, sentences, *, mapped):
    """Its reduce: the per-segment counts summed per document."""
    return {"per_doc": mapped["counts"].groupby("doc_id", as_index=False)["n"].sum()}


def refuse(docs):
    raise StageError("this shard is refused", fix="give it another")


def _with_stage(name: str, map_func, folder, out, nlp) -> Runner:
    """A runner of the built-in stages and one of sum_counts with ``map_func``, sharded."""
    config = folder / "c.toml"
    config.write_text(SHARDED)
    stage = Stage(name, sum_counts, ("cache/docs.spacy", "tables/sentences.csv"),
                  (f"tables/{name}.csv",), map=map_func)
    return Runner([*STAGES, stage], load_config(config), CORPUS, out, nlp=nlp)


def test_a_users_stage_can_map_and_reduce(sharded_run, tmp_path, nlp):
    _with_stage("per_doc", count_sentences, tmp_path, sharded_run, nlp).run(only="per_doc")
    got = read_table(sharded_run / "tables" / "per_doc.csv")
    sentences = read_table(sharded_run / "tables" / "sentences.csv")
    expected = sentences.groupby("doc_id")["sentence_id"].size()
    assert dict(zip(got["doc_id"], got["n"], strict=True)) == expected.to_dict()
    assert set(got["doc_id"]) == {OPED, OVERVIEW}


def test_an_error_in_a_worker_is_its_one_line(sharded_run, tmp_path, nlp):
    runner = _with_stage("refused", refuse, tmp_path, sharded_run, nlp)
    with pytest.raises(StageError) as caught:
        runner.run(only="refused")
    assert str(caught.value) == "this shard is refused. Fix: give it another"
    assert not (sharded_run / "tables" / "refused.csv").exists()


def test_a_map_needs_parsed_docs(sharded_run, nlp):
    stage = Stage("nodocs", sum_counts, ("tables/sentences.csv",), ("tables/nodocs.csv",),
                  map=count_sentences)
    runner = Runner([*STAGES, stage], load_config(), CORPUS, sharded_run, nlp=nlp)
    with pytest.raises(StageError, match="has a map function but reads no parsed docs"):
        runner.run(only="nodocs")


def test_the_framing_reduce_alone_equals_the_mapped_run(sharded_run, nlp):
    """Called without ``mapped`` (as a notebook might), a stage function computes its map
    itself over all docs: the same rows as the run that mapped it over two workers."""
    runner = Runner(STAGES, load_config(), CORPUS, sharded_run, nlp=nlp)
    framing = next(s for s in STAGES if s.name == "framing")
    kwargs = {artifact_key(n): runner.catalog.load(n) for n in framing.inputs}
    for section, keyword in map(setting_keyword, framing.settings):
        kwargs[keyword] = runner.config.section(section)
    result = framing.func(**kwargs, nlp=nlp)
    written = read_table(sharded_run / "tables" / "frames_sentences.csv")
    key = ["doc_id", "sentence_id", "start_char", "end_char", "primary_frame"]
    assert result["frames_sentences"][key].values.tolist() == written[key].values.tolist()
    tone = read_table(sharded_run / "tables" / "tone.csv")
    assert result["tone"]["compound"].tolist() == tone["compound"].tolist()
