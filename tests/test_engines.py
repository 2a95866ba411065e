"""The Dask engine: the local engine's tables, byte for byte, on a LocalCluster the run
starts, on a scheduler and workers started as processes, and with a worker killed mid-run."""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.engine.runner import Runner
from pipeline.stages import STAGES

from .conftest import CORPUS, REPO, write_corpus

DASK = Path(sys.executable).with_name("dask")


def _tables(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "tables").glob("*.csv"))}


def _dask_children() -> list:
    return [p for p in multiprocessing.active_children() if "dask" in p.name.lower()]


def test_a_local_cluster_gives_the_local_engines_tables(bundled_run, tmp_path, nlp):
    config = tmp_path / "dask.toml"
    config.write_text('[engine]\nname = "dask"\nworkers = 2\n')
    out = tmp_path / "out"
    Runner(STAGES, load_config(config), CORPUS, out, nlp=nlp).run()
    assert _tables(out) == _tables(bundled_run)
    assert _dask_children() == []  # the run's LocalCluster stopped with it
    # the engine is in no stage's fingerprint: the local engine finds everything up to date
    statuses = Runner(STAGES, load_config(), CORPUS, out, nlp=nlp).status()
    assert {s.status for s in statuses} == {"up to date"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A scheduler and two single-threaded workers (no nanny: a killed worker stays dead),
    each its own process on 127.0.0.1; stopped after the test."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    started = [subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
         "--no-dashboard"], stdout=subprocess.DEVNULL,
        stderr=(logs / "scheduler.log").open("w"))]
    try:
        for i in range(2):
            started.append(subprocess.Popen(
                [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                stdout=subprocess.DEVNULL, stderr=(logs / f"worker{i}.log").open("w"),
                cwd=REPO))
        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    if len(client.scheduler_info(n_workers=-1)["workers"]) == 2:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the Dask workers did not start"
            time.sleep(0.5)
        yield address, started[1:]
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_scheduler_address_gives_the_local_engines_tables(bundled_run, dask_cluster,
                                                            tmp_path, nlp, logs):
    """With one document per shard, the later stages' map work goes to the workers too."""
    address, workers = dask_cluster
    config = tmp_path / "dask.toml"
    config.write_text(f'[engine]\nname = "dask"\nscheduler = "{address}"\n'
                      '[parse]\nshard_size = 1\n')
    out = tmp_path / "out"
    Runner(STAGES, load_config(config), CORPUS, out, nlp=nlp).run()
    assert _tables(out) == _tables(bundled_run)
    said = [r.getMessage() for r in logs.records]
    for stage in ("entities", "topics", "framing"):
        assert f"{stage}: per-document work on 2 shards (dask, 2 workers)" in said
    assert all(w.poll() is None for w in workers)  # the run leaves an outside cluster running


def test_a_worker_killed_mid_run_leaves_the_same_tables(dask_cluster, tmp_path, nlp):
    """Dask runs the dead worker's shards again on the other: the run completes; were
    none left, it would end in one line with the earlier outputs as they were. Either
    way the tables are the local engine's."""
    address, workers = dask_cluster
    text = (CORPUS / "004_72c9212a15cf79df.txt").read_text(encoding="utf-8")
    corpus = write_corpus(tmp_path / "corpus", {
        f"copy-{i:02d}": ("a" if i % 2 else "b", f"Copy {i}.\n\n{text}") for i in range(24)})
    config = tmp_path / "c.toml"
    config.write_text('compare = ["a", "b"]\n')
    local = tmp_path / "local"
    Runner(STAGES, load_config(config), corpus, local, nlp=nlp).run()
    out = tmp_path / "dask"
    shutil.copytree(local, out)
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out),
         "--config", str(config), "--engine", "dask", "--scheduler", address,
         "--stage", "parse", "--force"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    seen = []
    for line in run.stderr:
        seen.append(line)
        if line.startswith("parsed "):
            workers[0].send_signal(signal.SIGKILL)
            break
    assert any(line.startswith("parsed ") for line in seen), "".join(seen)
    _, rest = run.communicate(timeout=300)
    errors = [line for line in [*seen, *rest.splitlines()] if line.startswith("error")]
    assert workers[0].wait(timeout=10) == -signal.SIGKILL
    if run.returncode != 0:
        assert len(errors) == 1, errors
    assert _tables(out) == _tables(local)


def test_a_scheduler_without_the_dask_engine_or_reachable_is_one_line(tmp_path, capsys):
    assert main(["run", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --scheduler is an address of a Dask cluster") \
        and err.count("\n") == 1
    config = tmp_path / "c.toml"
    config.write_text("[engine]\nconnect_timeout = 1\n")
    out = tmp_path / "out"
    port = _free_port()  # nothing listens there
    assert main(["run", "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{port}",
                 "--config", str(config), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: Cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert err.count("\n") == 1 and "Fix: start it (dask scheduler)" in err
    assert not out.exists()  # refused before anything was written


def test_an_unreachable_scheduler_is_found_before_a_later_stage_runs(bundled_run, tmp_path,
                                                                     capsys):
    """framing maps its work over the engine: its run alone checks the scheduler first."""
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    before = _tables(out)
    config = tmp_path / "c.toml"
    config.write_text("[engine]\nconnect_timeout = 1\n")
    port = _free_port()
    assert main(["run", "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{port}",
                 "--config", str(config), "--out", str(out), "--stage", "framing",
                 "--force"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: Cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert err.count("\n") == 1
    assert _tables(out) == before
