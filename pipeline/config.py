"""One validated configuration: commented defaults in ``defaults.toml``, a user file on top.

Each section is a small frozen pydantic model; a stage receives only its own
section. ``defaults.toml`` is the one source of default values: a model's
fields have none of their own, and a section built in code
(``TopicSettings(min_df=3)``) takes every key it is not given from that file.
Unknown keys, wrong types and bad values are all reported together in one
:class:`~pipeline.errors.ConfigError` that names the key and the file.

>>> cfg = load_config()
>>> cfg.model.batch_size
64
>>> TopicSettings(min_df=3).max_df
0.5
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from pipeline.corpus.groups import ALL
from pipeline.errors import ConfigError, did_you_mean

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")


def _read_defaults() -> dict[str, Any]:
    with DEFAULTS_PATH.open("rb") as handle:
        return tomllib.load(handle)


_DEFAULTS = _read_defaults()

SEGMENT_PARTS = ("title", "byline", "heading", "paragraph", "list_item", "comment", "boilerplate")
_POS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
             "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")


def _regexes(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error:
            raise ValueError("must be valid Python regular expressions") from None
    return patterns


def _some_parts(parts: tuple[str, ...]) -> tuple[str, ...]:
    if not parts:
        raise ValueError("must name at least one part (else there is nothing to analyse): "
                         + ", ".join(SEGMENT_PARTS))
    return _parts(parts)


def _parts(parts: tuple[str, ...]) -> tuple[str, ...]:
    if not set(parts) <= set(SEGMENT_PARTS):
        raise ValueError("may only name the parts " + ", ".join(SEGMENT_PARTS))
    return parts


def _pos_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    if not tags or not set(tags) <= set(_POS_TAGS):
        raise ValueError("must name universal POS tags: " + ", ".join(_POS_TAGS))
    return tags


def _pair(lo: int, hi: int | None = None):
    def check(v: tuple[int, ...]) -> tuple[int, ...]:
        if not (len(v) == 2 and lo <= v[0] <= v[1] and (hi is None or v[1] <= hi)):
            limit = f" and at most {hi}" if hi is not None else ""
            raise ValueError(f"must be two integers [low, high], low <= high, at least {lo}{limit}")
        return v
    return AfterValidator(check)


Strings = tuple[str, ...]
Patterns = Annotated[Strings, AfterValidator(_regexes)]
Parts = Annotated[Strings, AfterValidator(_parts)]
SomeParts = Annotated[Strings, AfterValidator(_some_parts)]
PosTags = Annotated[Strings, AfterValidator(_pos_tags)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[int, Field(ge=1)]
Count = Annotated[int, Field(ge=0)]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]  # what numpy and scikit-learn accept


class Section(BaseModel):
    """A config section: strict types, no unknown keys, defaults from defaults.toml."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    section: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _defaults_and_lists(cls, values: Any) -> Any:
        if not isinstance(values, Mapping):
            return values
        merged = {**_DEFAULTS.get(cls.section, {}), **values}
        # TOML has arrays, the settings hold tuples (hashable, immutable)
        return {k: tuple(v) if isinstance(v, list) else v for k, v in merged.items()}


class CorpusSettings(Section):
    """Where the manifest is and which column holds the groups."""

    section: ClassVar[str] = "corpus"
    manifest: str
    group_column: str
    lexicon_dir: str


class ModelSettings(Section):
    """Which spaCy pipeline parses the text, and how fast."""

    section: ClassVar[str] = "model"
    name: Annotated[str, Field(min_length=1)]
    batch_size: Positive
    n_process: Positive
    min_segments_per_process: Positive
    numpy_ops: bool


class IngestSettings(Section):
    """Rules that split a document into titled, headed, commented segments."""

    section: ClassVar[str] = "ingest"
    detect_title: bool
    title_max_words: Positive
    heading_max_words: Positive
    heading_never_ends_with: Strings
    label_max_words: Positive
    byline_patterns: Patterns
    boilerplate_patterns: Patterns
    comment_start_patterns: Patterns
    reply_form_patterns: Patterns
    detect_replies: bool
    reply_min_run: Positive
    reply_min_body: Positive
    reply_reference_patterns: Patterns
    reply_opener_patterns: Patterns
    reply_signoff_patterns: Patterns
    max_segment_chars: Annotated[int, Field(ge=1000, le=1_000_000)]


class ParseSettings(Section):
    """Which parts are parsed, and how repeated sentences are treated."""

    section: ClassVar[str] = "parse"
    parts: SomeParts
    body_parts: SomeParts
    keep_duplicates: bool
    near_duplicate_threshold: Fraction
    near_duplicate_min_words: Positive
    shard_size: Positive


class EntitySettings(Section):
    """Which entity labels count and which corrections apply."""

    section: ClassVar[str] = "entities"
    labels: Strings
    corrections: bool
    use_general_lexicon: bool
    headings_need_support: bool
    person_aliasing: Literal["document", "corpus", "off"]
    chart_top_n: Positive


class TopicSettings(Section):
    """What a topic unit and a term are, and how the number of topics is chosen."""

    section: ClassVar[str] = "topics"
    unit_parts: SomeParts
    pos: PosTags
    ngram_range: Annotated[tuple[int, ...], _pair(1, 4)]
    noun_phrases: bool
    min_df: Positive
    max_df: Annotated[float, Field(gt=0.0, le=1.0)]
    method: Literal["nmf", "lda"]
    n_topics: Count
    n_topics_range: Annotated[tuple[int, ...], _pair(1)]
    seeds: Annotated[int, Field(ge=2)]
    top_terms: Annotated[int, Field(ge=2)]
    min_stability: Fraction
    coherence_unit: Literal["sentence", "unit"]
    random_state: Seed
    bootstrap: Count
    keyterms_top_n: Positive
    textrank_window: Annotated[int, Field(ge=2)]
    chart_max_documents: Positive


def _sides(v: tuple[str, ...]) -> tuple[str, ...]:
    if len(v) not in (0, 2) or len(set(v)) != len(v):
        raise ValueError("must be [] (the sides from the manifest, else inferred) or two "
                         "different names")
    return v


class FramingSettings(Section):
    """Settings of the framing comparison."""

    section: ClassVar[str] = "framing"
    sides: Annotated[Strings, AfterValidator(_sides)]
    sides_min_sentences: Positive
    sides_min_lead: Annotated[float, Field(ge=1.0)]
    sides_min_share: Fraction
    heading_parts: Parts
    pos: PosTags
    actor_labels: Strings
    agency_min_roles: Positive
    demonyms_name_countries: bool
    stance_voice: Literal["author", "all"]
    period: Literal["month", "quarter", "year"]
    quote_min_words: Positive
    prior: Literal["wordfreq", "corpus", "background"]
    prior_strength: Annotated[float, Field(ge=0.0)]
    prior_min: Annotated[float, Field(ge=0.0)]
    z_threshold: Annotated[float, Field(ge=0.0)]
    min_units: Positive
    align_threshold: Fraction
    align_min_shared: Annotated[int, Field(ge=1)]
    present_min_score: Annotated[int, Field(ge=1)]
    frame_model: str
    tone_threshold: Fraction
    bootstrap: Count
    permutations: Count
    random_state: Seed
    fdr_level: Annotated[float, Field(gt=0.0, lt=1.0)]
    resample_unit: Literal["auto", "document", "paragraph", "sentence"]
    resample_min_documents: Annotated[int, Field(ge=2)]
    evidence_per_finding: Positive
    summary_top_terms: Count
    chart_top_n: Positive


class EngineSettings(Section):
    """Where the stages' map work runs (never part of a stage's fingerprint: every engine
    gives the same tables)."""

    section: ClassVar[str] = "engine"
    name: Literal["local", "dask"]
    scheduler: str
    workers: Positive
    connect_timeout: Positive


class ReportSettings(Section):
    """What the HTML report shows."""

    section: ClassVar[str] = "report"
    title: str
    key_findings: Positive
    table_rows: Positive
    context_lines: Positive
    explorer_terms: Positive
    explorer_kwic: Positive
    explorer_sentences: Positive


class TableSettings(Section):
    """How the runner writes tables (never part of a stage's fingerprint: the CSV files
    are the same whatever these say)."""

    section: ClassVar[str] = "tables"
    parquet_rows: Count
    parquet_row_group: Positive


SECTIONS: dict[str, type[Section]] = {
    "corpus": CorpusSettings,
    "model": ModelSettings,
    "ingest": IngestSettings,
    "parse": ParseSettings,
    "entities": EntitySettings,
    "topics": TopicSettings,
    "framing": FramingSettings,
    "report": ReportSettings,
    "engine": EngineSettings,
    "tables": TableSettings,
}


class Config(BaseModel):
    """The whole resolved configuration of one run."""

    model_config = ConfigDict(frozen=True)

    compare: tuple[str, ...] = Field(default_factory=lambda: tuple(_DEFAULTS["compare"]))
    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    model: ModelSettings = Field(default_factory=ModelSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    parse: ParseSettings = Field(default_factory=ParseSettings)
    entities: EntitySettings = Field(default_factory=EntitySettings)
    topics: TopicSettings = Field(default_factory=TopicSettings)
    framing: FramingSettings = Field(default_factory=FramingSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    tables: TableSettings = Field(default_factory=TableSettings)
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
    """JSON-ready form of a settings section (or any plain value)."""
    if isinstance(settings, BaseModel):
        return {name: settings_dict(getattr(settings, name)) for name in type(settings).model_fields}
    if isinstance(settings, tuple | list):
        return [settings_dict(v) for v in settings]
    if isinstance(settings, Mapping):
        return {str(k): settings_dict(v) for k, v in sorted(settings.items())}
    return settings


def settings_hash(settings: Any) -> str:
    """Stable hash of a settings value, used to decide whether a stage reruns."""
    text = json.dumps(settings_dict(settings), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


_TYPE_WORDS = {
    "int_type": "an integer", "float_type": "a number", "bool_type": "true or false",
    "string_type": "a string", "literal_error": "", "tuple_type": "a list",
}


def _range_phrase(info: Any) -> str:
    """"between 0.0 and 1.0", "at least 1", "above 0.0 and at most 1.0": a field's bounds."""
    bounds = {name: getattr(m, name) for m in info.metadata for name in ("ge", "gt", "le")
              if getattr(m, name, None) is not None}
    if "ge" in bounds and "le" in bounds:
        return f"between {bounds['ge']} and {bounds['le']}"
    words = [f"at least {bounds['ge']}" if "ge" in bounds else "",
             f"above {bounds['gt']}" if "gt" in bounds else "",
             f"at most {bounds['le']}" if "le" in bounds else ""]
    return " and ".join(w for w in words if w)


def describe_errors(err: ValidationError, prefix: str, origin: Any,
                    fields: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """One readable phrase per pydantic error: which key, in which file, what it must be.

    ``origin(key)`` names the file a key came from; ``values`` are the raw values
    (so that the message quotes what the user wrote, not a converted form).
    """
    problems: list[str] = []
    seen: set[str] = set()
    for e in err.errors():
        loc = [str(part) for part in e["loc"]]
        key = loc[0] if loc else ""
        if e["type"] == "extra_forbidden":
            problems.append(f"unknown key '{prefix}{key}' in {origin(key)}."
                            f"{did_you_mean(key, fields)} Keys of [{prefix.rstrip('.')}]: "
                            f"{', '.join(fields)}")
            continue
        if key in seen:
            continue  # one message per key (a list's items all fail alike)
        seen.add(key)
        got = values.get(key, e.get("input"))
        if e["type"] == "missing":
            problems.append(f"'{prefix}{key}' is missing from {origin(key)}")
        elif e["type"] == "literal_error":
            choices = e["ctx"]["expected"].replace("'", "")
            problems.append(f"'{prefix}{key}' in {origin(key)} must be one of "
                            f"{choices.replace(' or ', ', ')}, got {got!r}")
        elif e["type"] in _TYPE_WORDS and len(loc) > 1:
            what = {"int_type": "integers", "float_type": "numbers"}.get(e["type"], "strings")
            problems.append(f"'{prefix}{key}' in {origin(key)} must be a list of {what}, "
                            f"got {got!r}")
        elif e["type"] in _TYPE_WORDS:
            problems.append(f"'{prefix}{key}' in {origin(key)} must be "
                            f"{_TYPE_WORDS[e['type']]}, got {got!r}")
        elif e["type"] in ("greater_than_equal", "greater_than", "less_than_equal"):
            problems.append(f"'{prefix}{key}' in {origin(key)} must be "
                            f"{_range_phrase(fields[key])}, got {got!r}")
        else:
            message = e["msg"].removeprefix("Value error, ")
            problems.append(f"'{prefix}{key}' in {origin(key)} {message}, got {got!r}")
    return problems


def _build_section(cls: type[Section], values: Mapping[str, Any], where: Mapping[str, str],
                   section: str, problems: list[str]) -> Section | None:
    try:
        return cls(**values)
    except ValidationError as err:
        problems.extend(describe_errors(err, f"{section}.", lambda k: where.get(k, "defaults.toml"),
                                        cls.model_fields, values))
        return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"Config file not found: {path}", fix="check the path given to --config"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"Config path is a folder, not a file: {path}",
                          fix="give --config the path of a .toml file") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"Config file is not UTF-8 (byte offset {err.start})", where=str(path),
                          fix="save the config file as UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            f"Config file is not valid TOML: {err}", where=str(path),
            fix="correct the TOML syntax at the line named",
        ) from None
    except OSError as err:
        raise ConfigError(f"Cannot read the config file {path}: {err.strerror or err}",
                          fix="give --config the path of a readable .toml file") from None


def load_config(path: str | Path | None = None) -> Config:
    """Read the defaults, apply the user file at ``path`` (if any), validate all at once.

    >>> load_config().compare
    ('overview', 'op-ed')
    """
    raw = _read_toml(DEFAULTS_PATH)
    missing = [f"{name}.{key}" for name, cls in SECTIONS.items() for key in cls.model_fields
               if key not in raw.get(name, {})]
    if missing:  # a broken installation, not a user mistake
        raise ConfigError(f"defaults.toml lacks the keys {', '.join(missing)}",
                          where=str(DEFAULTS_PATH), fix="reinstall the package")
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
    if compare == ALL or compare == [ALL]:
        compare = [ALL]
    elif not isinstance(compare, list) or len(compare) < 2 or not all(
        isinstance(g, str) and g for g in compare
    ) or len(set(compare)) != len(compare):
        origin = where["compare"].get("compare", "defaults.toml")
        problems.append(
            f"'compare' in {origin} must list two or more different group names, or be "
            f"\"{ALL}\" (every group of the manifest), got {compare!r}"
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
