"""Stage keys: code by syntax tree (comments and docstrings ignored), data files, libraries."""

import importlib.metadata
import shutil
import subprocess
import sys
import textwrap

import pytest

from pipeline.config import load_config
from pipeline.engine import fingerprints
from pipeline.engine.fingerprints import module_closure, source_digest
from pipeline.engine.runner import Runner
from pipeline.engine.stage import Stage
from pipeline.stages import STAGES

from .conftest import CORPUS, REPO


def test_comments_and_docstrings_do_not_count_but_code_does():
    source = (REPO / "pipeline" / "config.py").read_text(encoding="utf-8")
    commented = source.replace("\nimport ", "\n# a comment a reader added\nimport ", 1)
    redocumented = source.replace('"""', '"""Reworded. ', 1)
    assert commented != source and redocumented != source
    assert source_digest(commented) == source_digest(source) == source_digest(redocumented)
    assert "== " in source
    assert source_digest(source.replace("== ", "!= ", 1)) != source_digest(source)


def test_closure_follows_imports_and_stays_out_of_other_stages():
    closure = module_closure(["pipeline.stages.framing"])
    assert "pipeline.stages.framing.summary" in closure  # the stage's own modules
    assert "pipeline.nlp.docs" in closure and "pipeline.config" in closure  # what they import
    assert not any(m.startswith(("pipeline.stages.entities", "pipeline.stages.topics",
                                 "pipeline.stages.report", "pipeline.engine")) for m in closure)


def test_analysis_stages_draw_no_charts():
    for stage in ("ingest", "parse", "entities", "topics", "framing"):
        closure = module_closure([f"pipeline.stages.{stage}"])
        assert not any(m.startswith("pipeline.charts") for m in closure), stage
    probe = ("import sys, pipeline.stages.entities.mentions, pipeline.stages.topics.model, "
             "pipeline.stages.framing.collect; print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_no_stage_imports_another_stage():
    for stage in ("ingest", "parse", "entities", "topics", "framing", "report"):
        own = f"pipeline.stages.{stage}"
        others = [m for m in module_closure([own])
                  if m.startswith("pipeline.stages.") and not m.startswith(own)]
        assert others == [], (stage, others)


@pytest.fixture
def custom_module(tmp_path, monkeypatch):
    """A stage function in a module file of its own, importable for the test."""
    folder = tmp_path / "mods"
    folder.mkdir()
    path = folder / "fingerprint_probe.py"
    path.write_text(textwrap.dedent('''\
        """A probe stage."""

        def lengths(corpus):
            rows = [(d.doc_id, len(d.text)) for d in corpus.documents]
            import pandas as pd
            return {"lengths": pd.DataFrame(rows, columns=["doc_id", "n"])}
        '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    sys.modules.pop("fingerprint_probe", None)
    import fingerprint_probe

    yield path, fingerprint_probe.lengths
    sys.modules.pop("fingerprint_probe", None)


def test_comment_edit_reruns_nothing_code_edit_reruns(tmp_path, custom_module):
    path, func = custom_module
    stage = Stage("lengths", func, inputs=("corpus",), outputs=("tables/lengths.csv",))
    runner = Runner([stage], load_config(), CORPUS, tmp_path / "out")
    assert [r.status for r in runner.run()] == ["ran"]
    path.write_text(path.read_text().replace('"""A probe stage."""', '"""Probe."""  # note'))
    assert [r.status for r in runner.run()] == ["skipped"]
    path.write_text(path.read_text().replace("len(d.text)", "len(d.text) + 1"))
    [result] = runner.run()
    assert (result.status, result.reason) == ("ran", "code changed: fingerprint_probe")


def test_a_template_edit_reruns_the_report(bundled_run, tmp_path, monkeypatch):
    package = tmp_path / "package"
    template = "stages/report/templates/report.html.j2"
    assert template in next(s for s in STAGES if s.name == "report").data
    (package / template).parent.mkdir(parents=True)
    for data in next(s for s in STAGES if s.name == "report").data:  # the page and its script
        shutil.copy(REPO / "pipeline" / data, package / data)
    monkeypatch.setattr(fingerprints, "DATA_DIR", package)
    runner = Runner(STAGES, load_config(), CORPUS, bundled_run)
    assert all(s.status == "up to date" for s in runner.status())
    (package / template).write_text((package / template).read_text() + "<!-- edited -->\n")
    status = {s.name: (s.status, s.reason) for s in runner.status()}
    assert status["report"] == ("out of date", f"data file {template} changed")
    assert all(v[0] == "up to date" for k, v in status.items() if k != "report")


def test_a_library_version_change_reruns_the_stages_that_use_it(bundled_run, monkeypatch):
    real = importlib.metadata.version
    monkeypatch.setattr(fingerprints.importlib.metadata, "version",
                        lambda name: "99.0" if name == "scikit-learn" else real(name))
    status = {s.name: (s.status, s.reason) for s in
              Runner(STAGES, load_config(), CORPUS, bundled_run).status()}
    assert status["topics"] == ("out of date",
                                f"library changed: scikit-learn {real('scikit-learn')} -> 99.0")
    assert status["report"][0] == "out of date"  # it reads the topic tables
    for name in ("ingest", "parse", "entities", "framing"):
        assert status[name] == ("up to date", ""), name
