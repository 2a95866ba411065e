"""Shared fixtures: the bundled corpus, one loaded spaCy pipeline, small corpora built in tests."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.engine.runner import Runner
from pipeline.stages import STAGES

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
OPED = "oped-fm-visit-2023"
OVERVIEW = "overview-pakistan-japan"


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def nlp(config):
    from pipeline.nlp.model import load_spacy_pipeline

    return load_spacy_pipeline(config.model)


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory, nlp):
    """The whole pipeline run once on the bundled corpus; returns the output folder."""
    out = tmp_path_factory.mktemp("bundled")
    runner = Runner(STAGES, load_config(), CORPUS, out, nlp=nlp)
    runner.run()
    return out


@pytest.fixture
def logs(caplog, monkeypatch):
    """caplog that sees the pipeline's INFO lines even after a CLI test has run (``main``
    points the "pipeline" logger at stderr and stops it propagating)."""
    import logging

    monkeypatch.setattr(logging.getLogger("pipeline"), "propagate", True)
    caplog.set_level(logging.INFO, logger="pipeline")
    return caplog


def original_text(doc_id: str) -> str:
    """The decoded text of a bundled document, read straight from corpus/."""
    from pipeline.corpus.manifest import load_corpus

    corpus = load_corpus(CORPUS, load_config().corpus)
    return next(d.text for d in corpus.documents if d.doc_id == doc_id)


def write_corpus(root: Path, texts: dict[str, tuple[str, str]], *, csv: bool = False) -> Path:
    """Write a corpus folder: {doc_id: (group, text)} plus a manifest. Returns the folder."""
    root.mkdir(parents=True, exist_ok=True)
    if csv:
        lines = ["doc_id,path,group,title"]
        lines += [f"{d},{d}.txt,{g},Title of {d}" for d, (g, _) in texts.items()]
        (root / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        entries = [f'[[documents]]\ndoc_id = "{d}"\npath = "{d}.txt"\ngroup = "{g}"\n'
                   for d, (g, _) in texts.items()]
        (root / "manifest.toml").write_text("\n".join(entries), encoding="utf-8")
    for doc_id, (_, text) in texts.items():
        (root / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return root


def copy_bundled(dest: Path) -> Path:
    """A writable copy of the bundled corpus (tests break copies, never corpus/)."""
    shutil.copytree(CORPUS, dest)
    return dest


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (to prove a run changed nothing)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rerun_copy(bundled_run: Path, out: Path, nlp, stage: str, config: Path | None = None,
               force: bool = False) -> Path:
    """Copy the bundled run to ``out`` and run one stage there (with a user config)."""
    shutil.copytree(bundled_run, out)
    runner = Runner(STAGES, load_config(config), CORPUS, out, nlp=nlp)
    runner.run(only=stage, force=force)
    return out


def rerun_matches(bundled_run: Path, tmp_path: Path, nlp, stage: str, tables) -> list[str]:
    """Rerun one stage (forced) on a copy of the bundled run; the tables whose bytes differ."""
    out = rerun_copy(bundled_run, tmp_path / "again", nlp, stage, force=True)
    return [name for name in tables
            if (out / "tables" / f"{name}.csv").read_bytes()
            != (bundled_run / "tables" / f"{name}.csv").read_bytes()]


# Property tests (hypothesis): the same examples on every run and machine, no example
# database written into the clone, no per-example deadline (CI machines vary in speed).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("pipeline", derandomize=True, database=None,
                                      deadline=None, print_blob=True)
_hypothesis_settings.load_profile("pipeline")
