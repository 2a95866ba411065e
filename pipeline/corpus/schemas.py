"""Schemas of the lexicon files, checked when a file is read.

Every lexicon file a user can write (``entities.toml``, ``frames.toml``,
``stance.toml``, ``stopwords.toml``, ``background.toml``) has a pydantic model
here. A mistake anywhere in a file (``aliases = "JICA"`` where a list is
meant, a label that is not an OntoNotes label, a key with a typo) is reported
with every other mistake of that file in one line that names the file, the
entry and the key. A file passes through as the keys its author wrote, so a
corpus file that leaves a key out does not override the general file's value.

>>> check_lexicon("stopwords.toml", {"words": ["say", "tell"]}, "stopwords.toml")
{'words': ['say', 'tell']}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import CorpusError, did_you_mean

# OntoNotes 5 entity labels (Weischedel et al. 2013, the labels of spaCy's English NER).
ONTONOTES_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                    "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY",
                    "QUANTITY", "ORDINAL", "CARDINAL")

Words = list[str]
Name = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EntityEntry(_Strict):
    """One ``[[entity]]``: a canonical name, its label, the surface forms, a metonym target."""

    canonical: Name
    label: Literal[ONTONOTES_LABELS]  # type: ignore[valid-type]
    aliases: Words | None = None  # default: the canonical name alone
    refers_to: str = ""


class MetonymCues(_Strict):
    """When a metonym names the place itself (see pipeline/data/entities.toml)."""

    prepositions: Words = []
    verb_prepositions: Words = []
    host_verbs: Words = []
    harm_verbs: Words = []


class EntitiesFile(_Strict):
    person_titles: Words = []
    generic_heads: Words = []
    organisation_heads: Words = []
    metonyms: MetonymCues = MetonymCues()
    demonyms: dict[str, str] = {}
    entity: list[EntityEntry] = []


class CueEntry(_Strict):
    """Cues of one frame or stance category."""

    lemmas: Words = []
    phrases: Words = []
    pos: Words = []
    tags: Words = []


# Columns of frames_sentences.csv beside the one per frame: a frame may not take their names.
RESERVED_FRAME_NAMES = frozenset({"doc_id", "sentence_id", "part", "start_char", "end_char",
                                  "primary_frame", "frame_confidence", "frames_present", "cues",
                                  "text", "group", "scope"})


def _frame_name(name: str) -> str:
    if not name.isprintable() or name != name.strip():
        raise ValueError(f"must be printable, without outer spaces (it names a column), "
                         f"got {name!r}")
    if name in RESERVED_FRAME_NAMES:
        raise ValueError(f"{name!r} is a column of frames_sentences.csv; name the frame "
                         "otherwise")
    return name


class FrameEntry(CueEntry):
    name: Annotated[Name, AfterValidator(_frame_name)]
    definition: str = ""
    wins_ties_over: Words = []
    ambiguous: Words = []


class FramesFile(_Strict):
    frame: list[FrameEntry] = []


class StanceFile(_Strict):
    category: dict[str, CueEntry] = {}


class StopwordsFile(_Strict):
    words: Words = []


class BackgroundFile(_Strict):
    counts: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = {}


SCHEMAS: dict[str, type[BaseModel]] = {
    "entities.toml": EntitiesFile,
    "frames.toml": FramesFile,
    "stance.toml": StanceFile,
    "stopwords.toml": StopwordsFile,
    "background.toml": BackgroundFile,
}

_WANTED = {"string_type": "a string", "dict_type": "a table",
           "float_type": "a number", "model_type": "a table", "literal_error": "",
           "missing": "", "extra_forbidden": "", "string_too_short": "a non-empty string"}


def _place(loc: tuple, data: dict) -> str:
    """"[[entity]] 3 ('JICA') key 'aliases'": where in the file an error is."""
    parts: list[str] = []
    node: Any = data
    for i, step in enumerate(loc):
        if isinstance(step, int) and isinstance(node, list):
            entry = node[step] if step < len(node) else None
            if isinstance(entry, dict):
                label = entry.get("canonical") or entry.get("name") or ""
                parts[-1] = (f"[[{loc[i - 1]}]] entry {step + 1}"
                             + (f" ('{label}')" if label else ""))
            else:
                parts.append(f"item {step + 1}")
            node = entry
        else:
            parts.append(f"'{step}'")
            node = node.get(step) if isinstance(node, dict) else None
    return " ".join(parts)


def _describe(err: ValidationError, data: dict, model: type[BaseModel]) -> list[str]:
    problems: list[str] = []
    for e in err.errors():
        loc = tuple(e["loc"])
        where = _place(loc, data) or "the file"
        kind = e["type"]
        if kind == "extra_forbidden":
            known = _known_keys(model, loc[:-1], data)
            problems.append(f"unknown key {where}.{did_you_mean(str(loc[-1]), known)}"
                            f" Keys: {', '.join(known)}")
        elif kind == "missing":
            problems.append(f"{where} is missing")
        elif kind == "literal_error":
            problems.append(f"{where} must be one of {e['ctx']['expected']}, got {e['input']!r}")
        elif kind == "list_type":
            what = "tables ([[...]])" if loc[-1] in ("entity", "frame") else "strings"
            problems.append(f"{where} must be a list of {what}, got {e['input']!r}")
        elif kind in _WANTED:
            problems.append(f"{where} must be {_WANTED[kind]}, got {e['input']!r}")
        else:
            problems.append(f"{where}: {e['msg']}, got {e['input']!r}")
    return problems


def _known_keys(model: type[BaseModel], loc: tuple, data: dict) -> list[str]:
    """The keys allowed at ``loc`` (descending through nested models)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        field = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        if field is None:
            break
        annotation = field.annotation
        for arg in (*getattr(annotation, "__args__", ()), annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                current = arg
                break
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def check_lexicon(file_name: str, data: dict, origin: str) -> dict:
    """Check ``data`` (a parsed lexicon file) against its schema; return it unchanged.

    Files with a name no schema knows pass through. All mistakes are reported
    together in one :class:`CorpusError`.
    """
    model = SCHEMAS.get(file_name)
    if model is None:
        return data
    try:
        model.model_validate(data)
    except ValidationError as err:
        problems = _describe(err, data, model)
        raise CorpusError(f"{len(problems)} problem(s) in lexicon file {origin}: "
                          + "; ".join(problems),
                          fix=f"correct the keys named (pipeline/data/{file_name} shows the format)"
                          ) from None
    return data
