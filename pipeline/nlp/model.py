"""Load the spaCy pipeline named in ``[model]``, once per run.

A missing or broken pipeline is a :class:`ModelError` that names the package to
install and lists the pipelines that are installed.
"""

from __future__ import annotations

import importlib.metadata
import logging
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import NumpyOps, get_current_ops, set_current_ops

from pipeline.config import ModelSettings
from pipeline.errors import ModelError

log = logging.getLogger(__name__)


def installed_pipelines() -> list[str]:
    """Names of the installed spaCy pipeline packages (import names)."""
    return sorted(spacy.util.get_installed_models())


def package_name(name: str) -> str:
    """The pip package that provides the pipeline ``name`` (by spaCy's naming rule)."""
    return name.replace("_", "-")


def pipeline_version(name: str) -> str:
    """Installed version of the pipeline package, or "" if unknown."""
    try:
        return importlib.metadata.version(package_name(name))
    except importlib.metadata.PackageNotFoundError:
        return ""


def _not_installed(model: ModelSettings) -> ModelError:
    return ModelError(
        f"spaCy pipeline '{model.name}' is not installed or cannot be loaded",
        where="[model] name",
        fix=f"pip install {package_name(model.name)} (or name an installed pipeline)",
        options=installed_pipelines(),
    )


def check_pipeline_installed(model: ModelSettings) -> None:
    """The ModelError :func:`load_spacy_pipeline` would raise for a pipeline that is not
    installed, found without loading it (so a run can refuse before it writes)."""
    if not (spacy.util.is_package(model.name) or Path(model.name).is_dir()):
        raise _not_installed(model)


def load_spacy_pipeline(model: ModelSettings) -> Language:
    """Load ``model.name``; with ``numpy_ops`` its layers compute through numpy, not blis.

    The numpy setting only applies while the pipeline is built: thinc's
    current-ops setting is restored afterwards, the loaded layers keep theirs.
    """
    previous = get_current_ops()
    if model.numpy_ops:
        set_current_ops(NumpyOps(use_blis=False))
    try:
        nlp = spacy.load(model.name)
    except OSError:
        raise _not_installed(model) from None
    except Exception as err:  # a broken package: version clash, missing files
        raise ModelError(
            f"spaCy pipeline '{model.name}' failed to load: {type(err).__name__}: {err}",
            where="[model] name",
            fix=f"reinstall it: pip install --force-reinstall {package_name(model.name)}",
        ) from None
    finally:
        set_current_ops(previous)
    log.info("loaded spaCy pipeline %s %s", model.name, pipeline_version(model.name))
    return nlp
