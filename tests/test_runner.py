import contextlib
import errno
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import load_config
from pipeline.engine.catalog import read_table, table_csv
from pipeline.engine.lock import output_lock
from pipeline.engine.runner import Runner
from pipeline.engine.stage import Stage
from pipeline.errors import RunLockedError, StageError
from pipeline.outputs import load_outputs
from pipeline.stages import STAGES

from .conftest import CORPUS, REPO, tree_hashes, write_corpus


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
        with pytest.raises(RunLockedError, match=rf"Another run \(process {os.getpid()}\) is writing to"):
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


# --- reliability: tables that round-trip, a state that heals, a lock that dies with its run

_CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@given(st.lists(st.tuples(_CELL, _CELL, st.integers(-10**12, 10**12)), min_size=1, max_size=20))
@settings(max_examples=300)
def test_any_text_in_a_table_cell_reads_back_exactly(tmp_path_factory, rows):
    # lone \r, \r\n, \u2028, quotes, commas, NUL, leading spaces, "nan", "": all kept
    table = pd.DataFrame(rows, columns=["doc_id", "text", "start_char"])
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text(table_csv(table), encoding="utf-8", newline="")
    back = read_table(path)
    assert back["doc_id"].tolist() == table["doc_id"].tolist()
    assert back["text"].tolist() == table["text"].tolist()
    assert back["start_char"].tolist() == table["start_char"].tolist()


@pytest.mark.parametrize("damage", [b"\xff\xfe{", b"[1, 2]", b'"state"', b"",
                                    b'{"lengths": "x", "doubled": {"key": 3, "outputs": []}}',
                                    b'{"lengths": {"key": {}, "outputs": {"tables/lengths.csv": 5}}}'])
def test_a_damaged_state_file_is_said_in_one_line_and_the_stages_run_again(
        tmp_path, corpus, logs, damage):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    good = {k: v for k, v in tree_hashes(out).items() if k.startswith("tables/")}
    (out / "cache" / "state.json").write_bytes(damage)
    results = Runner(stages(), load_config(), corpus, out).run()
    warned = [r.getMessage() for r in logs.records if "state.json" in r.getMessage()]
    assert len(warned) == 1 and "damaged" in warned[0]
    assert "ran" in {r.status for r in results}
    assert {k: v for k, v in tree_hashes(out).items() if k.startswith("tables/")} == good
    # and the state is whole again: a third run skips everything
    assert {r.status for r in Runner(stages(), load_config(), corpus, out).run()} == {"skipped"}


def test_an_input_changed_behind_the_runner_is_refused_when_its_stage_is_not_run(
        tmp_path, corpus):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    (out / "tables" / "lengths.csv").write_text("doc_id,n_chars\na,999\n")
    runner = Runner(stages(factor=3), load_config(), corpus, out)
    with pytest.raises(StageError, match=r"tables/lengths.csv was changed or damaged after "
                                         r"stage 'lengths' wrote it.*--from lengths"):
        runner.run(only="doubled")
    # a whole run mends it: the stage that wrote it runs again first
    results = runner.run()
    assert statuses(results)[0] == ("lengths", "ran")
    # "Alpha text." and "Beta text, longer." are 11 and 18 characters, times 3
    assert (out / "tables" / "doubled.csv").read_text() == "doc_id,n_chars\na,33\nb,54\n"


def test_a_damaged_docs_shard_is_rebuilt_by_a_whole_run(tmp_path, bundled_run, nlp):
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    shard = next((out / "cache" / "docs.spacy").glob("shard-*.spacy"))
    good = shard.read_bytes()
    shard.write_bytes(good[: len(good) // 2])  # truncated
    runner = Runner(STAGES, load_config(), CORPUS, out, nlp=nlp)
    with pytest.raises(StageError, match="cache/docs.spacy was changed or damaged"):
        runner.run(only="entities")
    results = runner.run()
    assert results[1].name == "parse" and results[1].status == "ran"
    assert "cache/docs.spacy changed since it was written" in results[1].reason
    assert shard.read_bytes() == good
    # a shard that was damaged before it was recorded is named in one line
    shard.write_bytes(b"\x00" * 64)
    from pipeline.nlp.docs import ParsedDocs

    with pytest.raises(StageError, match=r"parsed-docs cache is damaged: .*shard-00000.spacy "
                                         r"cannot be read.*--from parse"):
        list(ParsedDocs(shard.parent, nlp.vocab))


@pytest.mark.parametrize("where", ["file", "below a file"])
def test_an_output_path_that_is_or_is_below_a_file_is_refused_before_any_write(
        tmp_path, corpus, where):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    out = blocker if where == "file" else blocker / "sub" / "out"
    with pytest.raises(StageError, match="is a file, not a folder") as err:
        Runner(stages(), load_config(), corpus, out).run()
    assert err.value.fix.startswith("give --out")
    assert blocker.read_text() == "not a folder" and sorted(tmp_path.iterdir()) == \
        sorted([blocker, tmp_path / "corpus"])


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_write(
        tmp_path, corpus, monkeypatch):
    # os.access is what says "read-only file system" (EROFS) or "permission denied" for
    # every user, root included, whose chmod-based refusal would not apply
    real = os.access
    locked = tmp_path / "readonly"
    locked.mkdir()
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == locked
                        else real(p, mode, **kw))
    with pytest.raises(StageError, match=r"Cannot write in .*readonly \(a read-only file "
                                         r"system, or its permissions\)"):
        Runner(stages(), load_config(), corpus, locked / "out").run()
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_mid_run_is_one_error_and_earlier_outputs_stay(
        tmp_path, corpus, monkeypatch, code):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    before = tree_hashes(out)
    from pipeline.engine import catalog

    def full(self, value):  # the disk fills up while the third stage writes its table
        raise OSError(code, os.strerror(code), str(self.tmp))

    monkeypatch.setattr(catalog._TableWriter, "add", full)
    with pytest.raises(StageError) as err:
        Runner(stages(fail_after=5), load_config(), corpus, out).run(force=True)
    message = str(err.value)
    assert message.startswith(f"Cannot write {out}") and os.strerror(code) in message
    assert ("free space" if code == errno.ENOSPC else "writable file system") in err.value.fix
    assert tree_hashes(out) == before  # the first stage failed before it replaced anything
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_an_interrupted_run_marks_the_folder_until_a_run_finishes(tmp_path, corpus):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    # the options change makes all but the first stage rerun; the last one fails
    with pytest.raises(RuntimeError) as err:
        Runner(stages(factor=3, fail_after=1), load_config(), corpus, out).run(
            start_from="doubled")
    assert err.value.partial_outputs.startswith("stages doubled finished and wrote new "
                                                "outputs; rows and later stages still hold")
    marker = (out / "INCOMPLETE.txt").read_text()
    assert "Stages that finished with its inputs: doubled." in marker
    assert "Stage it was running: rows." in marker
    with pytest.warns(UserWarning, match="did not finish"):
        load_outputs(out)
    Runner(stages(factor=3), load_config(), corpus, out).run()
    assert not (out / "INCOMPLETE.txt").exists()


def test_a_lock_left_by_a_killed_run_is_free_even_while_its_child_lives(tmp_path, logs):
    out = tmp_path / "out"
    script = ("import multiprocessing, sys, time\n"
              "from pathlib import Path\n"
              "from pipeline.engine.lock import output_lock\n"
              "with output_lock(Path(sys.argv[1])):\n"
              "    child = multiprocessing.get_context('fork').Process(target=time.sleep,"
              " args=(60,))\n"
              "    child.start()\n"
              "    print(child.pid, flush=True)\n"
              "    time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    child = int(parent.stdout.readline())
    try:
        with pytest.raises(RunLockedError, match=rf"Another run \(process {parent.pid}\)"):
            with output_lock(out):
                pass
        parent.kill()
        parent.wait()
        os.kill(child, 0)  # the forked child still runs ...
        deadline = time.monotonic() + 10  # (a loaded machine may take a moment to reap)
        while True:
            try:
                with output_lock(out):  # ... and the lock is free
                    pass
                break
            except RunLockedError:
                if time.monotonic() > deadline:
                    raise
        assert f"took over the lock of an earlier run (process {parent.pid})" in logs.text
        assert (out / "cache" / "run.lock").read_text() == ""  # released cleanly this time
    finally:
        parent.kill()
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def test_cleanup_touches_only_the_pipelines_own_folders(tmp_path, corpus, logs):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    mine = out / "notes" / ".draft.txt.tmp-1"  # a user's file below --out, named like debris
    mine.parent.mkdir()
    mine.write_text("keep me")
    (out / "tables" / ".rows.csv.tmp-7-00ff00ff00ff").write_text("debris")
    Runner(stages(), load_config(), corpus, out).run(force=True)
    assert mine.read_text() == "keep me"
    assert not (out / "tables" / ".rows.csv.tmp-7-00ff00ff00ff").exists()
    assert "removed 1 leftover(s)" in logs.text


def test_a_folder_where_an_output_file_belongs_is_named_in_one_line(tmp_path, corpus):
    out = tmp_path / "out"
    Runner(stages(), load_config(), corpus, out).run()
    (out / "run.json").unlink()
    (out / "run.json").mkdir()
    with pytest.raises(StageError) as err:
        Runner(stages(), load_config(), corpus, out).run(force=True)
    assert str(err.value).startswith(f"Cannot write {out / 'run.json'}: Is a directory")
    assert "remove or rename the folder" in err.value.fix
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_group_names_that_look_like_numbers_stay_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("doc_id,only_in,group,period\n1,2,3,2023\n")
    table = read_table(path)
    assert table.iloc[0].tolist() == ["1", "2", "3", "2023"]
