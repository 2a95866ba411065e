import importlib.util
import json
import os
import re
import shutil
import sys

import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.engine.lock import output_lock
from pipeline.engine.runner import Runner
from pipeline.engine.stage import Stage
from pipeline.errors import RunLockedError, StageError
from pipeline.stages import STAGES

from .conftest import CORPUS, tree_hashes, write_corpus


def lengths(corpus):
    return {"lengths": pd.DataFrame({"doc_id": [d.doc_id for d in corpus.documents],
                                     "n_chars": [len(d.text) for d in corpus.documents]})}


def doubled(lengths, *, factor=2):
    return {"doubled": lengths.assign(n_chars=lengths.n_chars * factor)}


def streamed(lengths, *, fail_after=None):
    for i, row in enumerate(lengths.itertuples()):
        if fail_after is not None and i >= fail_after:
            raise RuntimeError("disk on fire")
        yield {"rows": pd.DataFrame({"doc_id": [row.doc_id], "n": [row.n_chars]})}


def stages(factor=2, fail_after=None):
    return [
        Stage("lengths", lengths, ("corpus",), ("tables/lengths.csv",)),
        Stage("doubled", doubled, ("tables/lengths.csv",), ("tables/doubled.csv",),
              options={"factor": factor}),
        Stage("rows", streamed, ("tables/lengths.csv",), ("tables/rows.csv",),
              options={"fail_after": fail_after}),
    ]


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", {"a": ("overview", "Alpha text."),
                                              "b": ("op-ed", "Beta text, longer.")})


def statuses(results):
    return [(r.name, r.status) for r in results]


def test_second_run_skips_and_option_change_reruns_only_that_stage(tmp_path, corpus):
    out = tmp_path / "out"
    first = Runner(stages(), load_config(), corpus, out).run()
    assert statuses(first) == [("lengths", "ran"), ("doubled", "ran"), ("rows", "ran")]
    assert pd.read_csv(out / "tables/doubled.csv").n_chars.tolist() == [22, 36]
    assert (out / "tables/rows.csv").read_text() == "doc_id,n\na,11\nb,18\n"
    second = Runner(stages(), load_config(), corpus, out).run()
    assert statuses(second) == [("lengths", "skipped"), ("doubled", "skipped"), ("rows", "skipped")]
    third = Runner(stages(factor=3), load_config(), corpus, out).run()
    assert statuses(third) == [("lengths", "skipped"), ("doubled", "ran"), ("rows", "skipped")]
    assert third[1].reason == "options changed"
    assert pd.read_csv(out / "tables/doubled.csv").n_chars.tolist() == [33, 54]
    record = json.loads((out / "run.json").read_text())
    assert [s["status"] for s in record["stages"]] == ["skipped", "ran", "skipped"]
    assert set(record["input_hashes"]) >= {"manifest.toml", "a.txt", "b.txt"}


def test_corpus_change_reruns_downstream(tmp_path, corpus):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    (corpus / "a.txt").write_text("Alpha text, now edited.", encoding="utf-8")
    results = Runner(stages(), load_config(), corpus, out).run()
    assert statuses(results) == [("lengths", "ran"), ("doubled", "ran"), ("rows", "ran")]
    assert results[0].reason == "input corpus changed"


def test_edited_output_is_rewritten(tmp_path, corpus):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    (out / "tables/doubled.csv").write_text("doc_id,n_chars\na,0\n")
    results = Runner(stages(), load_config(), corpus, out).run()
    assert results[1].status == "ran" and "changed since it was written" in results[1].reason


def test_failed_stage_leaves_earlier_outputs_and_no_temp_files(tmp_path, corpus):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    before = tree_hashes(out)
    with pytest.raises(RuntimeError, match="disk on fire"):
        Runner(stages(fail_after=1), load_config(), corpus, out).run()
    assert tree_hashes(out) == before
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_stage_from_and_force(tmp_path, corpus):
    out = tmp_path / "out"
    runner = Runner(stages(), load_config(), corpus, out)
    with pytest.raises(StageError, match="run stage 'lengths' first"):
        runner.run(only="doubled")
    runner.run()
    assert statuses(runner.run(only="doubled")) == [("doubled", "skipped")]
    assert statuses(runner.run(only="doubled", force=True)) == [("doubled", "ran")]
    assert statuses(runner.run(start_from="doubled")) == [("doubled", "ran"), ("rows", "ran")]
    with pytest.raises(StageError, match="Unknown stage 'doubel'. Did you mean 'doubled'"):
        runner.run(only="doubel")


def test_dry_run_writes_nothing(tmp_path, corpus):
    out = tmp_path / "out"
    results = Runner(stages(), load_config(), corpus, out).run(dry=True)
    assert statuses(results) == [("lengths", "would run"), ("doubled", "would run"),
                                 ("rows", "would run")]
    assert not out.exists()


def test_a_second_run_on_the_same_folder_is_refused(tmp_path, corpus):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(RunLockedError, match="Another run is writing to"):
            Runner(stages(), load_config(), corpus, out).run()
    Runner(stages(), load_config(), corpus, out).run()  # free again afterwards


def test_stage_list_is_checked():
    with pytest.raises(StageError, match="reads 'tables/nowhere.csv', which no earlier stage"):
        Runner([Stage("x", doubled, ("tables/nowhere.csv",), ("tables/x.csv",))],
               load_config(), "corpus", "out")
    with pytest.raises(StageError, match="unknown suffix"):
        Runner([Stage("x", lengths, ("corpus",), ("tables/x.xlsx",))], load_config(), "c", "o")


def test_code_change_reruns_the_stage(tmp_path, corpus):
    module_path = tmp_path / "custom_stage_mod.py"

    def load(body):
        module_path.write_text(
            "import pandas as pd\n"
            f"def count(corpus):\n    return {{'n': pd.DataFrame({{'n': [{body}]}})}}\n")
        spec = importlib.util.spec_from_file_location("custom_stage_mod", module_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["custom_stage_mod"] = module
        spec.loader.exec_module(module)
        return [Stage("count", module.count, ("corpus",), ("tables/n.csv",))]

    out = tmp_path / "out"
    assert Runner(load("len(corpus.documents)"), load_config(), corpus, out).run()[0].status == "ran"
    assert Runner(load("len(corpus.documents)"), load_config(), corpus, out).run()[0].status \
        == "skipped"
    result = Runner(load("len(corpus.documents) + 1"), load_config(), corpus, out).run()[0]
    assert (result.status, result.reason) == ("ran", "code changed: custom_stage_mod")
    assert (out / "tables/n.csv").read_text() == "n\n3\n"


def test_leftovers_of_a_killed_run_are_removed_and_never_reused(tmp_path, bundled_run, nlp):
    # what a run killed during parse leaves: a half-written DocBin folder and table, under
    # the names an older run used (".<name>.tmp-<pid>") and the names used now
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    shard = next((out / "cache" / "docs.spacy").glob("shard-*.spacy"))
    for name in (".docs.spacy.tmp-1", ".docs.spacy.tmp-1-0a1b2c3d4e5f"):
        (out / "cache" / name).mkdir()
        shutil.copy(shard, out / "cache" / name / shard.name)
    (out / "tables" / ".tokens.csv.tmp-1").write_text("doc_id\nstale\n")
    (out / "figures" / ".tone_arcs.svg.old-7-00ff00ff00ff").write_text("<svg/>")
    before = tree_hashes(bundled_run)
    results = Runner(STAGES, load_config(), CORPUS, out, nlp=nlp).run(only="parse", force=True)
    assert [r.status for r in results] == ["ran"]
    leftovers = [p for p in out.rglob("*") if ".tmp-" in p.name or ".old-" in p.name]
    assert leftovers == []
    after = tree_hashes(out)
    assert {k: v for k, v in after.items() if k.startswith(("tables/", "cache/docs.spacy/"))} \
        == {k: v for k, v in before.items() if k.startswith(("tables/", "cache/docs.spacy/"))}


def test_temporary_names_are_unique_per_writer(tmp_path):
    from pipeline.engine.catalog import _scratch

    target = tmp_path / "tables" / "tokens.csv"
    names = {_scratch(target, "tmp").name for _ in range(50)}
    assert len(names) == 50
    assert all(re.fullmatch(rf"\.tokens\.csv\.tmp-{os.getpid()}-[0-9a-f]{{12}}", n)
               for n in names)
