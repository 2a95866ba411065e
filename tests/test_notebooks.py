"""The notebooks run top to bottom, each against its own copy of a finished run."""

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import CORPUS, REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == ["01_tour.ipynb", "02_custom_stage.ipynb",
                                          "03_custom_lexicon.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_clean(path, bundled_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)  # a finished run: the notebook's run skips what is done
    monkeypatch.setenv("FRAMING_OUT", str(out))
    monkeypatch.setenv("FRAMING_CORPUS", str(CORPUS))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    assert (CORPUS / "manifest.toml").is_file() and not (CORPUS / "stance.toml").exists()
