"""Faults in real processes: Ctrl-C (SIGINT) and a kill (SIGKILL) during parse and during
framing, with one parse process and with two; then a rerun. The rerun's tables equal a
clean run's, byte for byte, and nothing is left behind: no temporary files, no marker of
an unfinished run, no lock, no worker process of the killed run."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.engine.lock import output_lock
from pipeline.engine.runner import Runner
from pipeline.stages import STAGES

from .conftest import REPO, copy_bundled, tree_hashes

# Small shards, so parse reports after each document; more resamples, so framing runs
# long enough (a few seconds) for a signal to land inside it.
CONFIG = """
[model]
n_process = {processes}
min_segments_per_process = 1
[parse]
shard_size = 1
[framing]
bootstrap = 4000
permutations = 4000
"""

TRIGGERS = {"parse": "parsed 1/3 documents", "framing": "framing: running"}


@pytest.fixture(scope="module")
def fault_corpus(tmp_path_factory):
    """The bundled pair and a third document (a copy of the overview under its own id)."""
    corpus = copy_bundled(tmp_path_factory.mktemp("faults") / "corpus")
    shutil.copy(corpus / "000_de99f12ee1bd257d.txt", corpus / "copy.txt")
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[documents]]\ndoc_id = "overview-copy"\npath = "copy.txt"\n'
                'group = "overview"\n')
    return corpus


def _config(folder: Path, processes: int) -> Path:
    path = folder / f"faults-{processes}.toml"
    path.write_text(CONFIG.format(processes=processes), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean_tables(fault_corpus, tmp_path_factory, nlp):
    """The tables of an uninterrupted run (one process; two give the same bytes)."""
    folder = tmp_path_factory.mktemp("clean")
    out = folder / "out"
    Runner(STAGES, load_config(_config(folder, 1)), fault_corpus, out, nlp=nlp).run()
    return _tables(out)


def _tables(out: Path) -> dict[str, str]:
    return {k: v for k, v in tree_hashes(out).items() if k.startswith("tables/")}


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def _run_until(corpus: Path, out: Path, config: Path, trigger: str, signum: int,
               count_workers: bool = False):
    """Start a run, send ``signum`` when its log prints ``trigger``; its exit code, its
    stderr and (``count_workers``) the worker processes it had then. Counting them first
    delays the signal (a scan of /proc), so only a test that needs them does."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out),
         "--config", str(config)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines, deadline = [], time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stderr], [], [], 1)
            line = process.stderr.readline() if ready else ""
            lines.append(line)
            if trigger in line:
                break
            if not line and process.poll() is not None:
                pytest.fail("the run ended before the signal:\n" + "".join(lines))
        else:
            pytest.fail("the trigger never came:\n" + "".join(lines))
        workers = _children(process.pid) if count_workers else []
        process.send_signal(signum)
        rest = ""
        for _ in range(12):  # as a user would press Ctrl-C again if the first went unheard
            try:
                rest = process.communicate(timeout=5)[1]
                break
            except subprocess.TimeoutExpired:
                process.send_signal(signum)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, "".join(lines) + rest, workers


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("stage", ["parse", "framing"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_run_stopped_by_a_signal_is_finished_by_the_next_run(
        tmp_path, fault_corpus, clean_tables, nlp, processes, stage, signum):
    config = _config(tmp_path, processes)
    out = tmp_path / "out"
    code, stderr, workers = _run_until(fault_corpus, out, config, TRIGGERS[stage], signum,
                                       count_workers=stage == "parse" and processes == 2)
    if stage == "parse" and processes == 2:
        assert len(workers) >= 2, stderr  # the pool was running
    if signum == signal.SIGINT:
        assert code == 130, stderr
        last = stderr.strip().splitlines()[-1]
        assert last.startswith("interrupted: ") and "Traceback" not in stderr
        if stage == "framing":  # earlier stages had written new outputs: it says so
            assert "stages ingest, parse" in last and "INCOMPLETE.txt" in last, last
            assert "Stage it was running: framing." in (out / "INCOMPLETE.txt").read_text()
            shown = subprocess.run(
                [sys.executable, "-m", "pipeline", "stages", "--corpus", str(fault_corpus),
                 "--out", str(out), "--config", str(config)], capture_output=True, text=True,
                cwd=REPO)
            assert f"The last run in {out} did not finish" in shown.stdout
    else:
        assert code == -signal.SIGKILL
    # no worker outlives its run (they die with their parent)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]
    # the next run takes the lock at once and finishes the work
    results = Runner(STAGES, load_config(config), fault_corpus, out, nlp=nlp).run()
    assert "ran" in {r.status for r in results}
    assert _tables(out) == clean_tables
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name or ".old-" in p.name]
    assert not (out / "INCOMPLETE.txt").exists()
    with output_lock(out):  # free
        pass
