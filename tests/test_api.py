"""The public API: every name documented, the README examples run as written."""

import os
import re
import shutil

import pipeline
from pipeline.errors import PipelineError

from .conftest import CORPUS, OPED, REPO, original_text


def api_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Python API", 1)[1].split("\n## ", 1)[0]


def test_every_public_name_is_documented():
    section = api_section()
    for name in pipeline.__all__:
        if name not in ("Config", "Runner", "StageResult"):
            assert f"pipeline.{name}" in section, name


def test_readme_examples_run_as_written(bundled_run, tmp_path, monkeypatch):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(bundled_run, tmp_path / "outputs")
    (tmp_path / "my.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.+?)```", api_section(), re.S)
    assert len(blocks) == 3
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    out = pipeline.load_outputs("outputs")
    lengths = out.table("sentence_lengths")
    assert set(lengths.doc_id) == {OPED, "overview-pakistan-japan"}
    counted = out.table("doc_tokens")  # the map-and-reduce example
    assert dict(zip(counted.doc_id, counted.tokens, strict=True)) == {
        d: sum(len(doc) for doc in out.docs(d)) for d in (OPED, "overview-pakistan-japan")}


def test_outputs_object_reads_tables_docs_and_text(bundled_run):
    out = pipeline.load_outputs(bundled_run)
    assert list(out.sentences.columns[:3]) == ["doc_id", "segment_id", "sentence_id"]
    row = out.entities.iloc[0]
    assert out.text(row.doc_id, row.start_char, row.end_char) == row.text
    assert out.text(OPED, 0, 8) == original_text(OPED)[:8]
    docs = out.docs(OPED)
    assert [d.user_data["segment_id"] for d in docs] == sorted(d.user_data["segment_id"]
                                                               for d in docs)
    assert docs[1][0].lemma_ and list(docs[1].noun_chunks)
    try:
        out.table("nothing_here")
    except PipelineError as err:
        assert "No table 'nothing_here'" in str(err) and "keyness" in str(err)
    else:
        raise AssertionError("an unknown table must fail clearly")
    assert os.path.basename(out.report) == "report.html"
