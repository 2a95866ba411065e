"""Read and validate a corpus folder: a manifest plus UTF-8 text files.

This is the runner's reading side for the corpus (stages never open files).
The manifest is ``manifest.toml`` (``[[documents]]`` tables) or
``manifest.csv``; each document needs ``doc_id``, ``path`` and a group (the
column named by ``[corpus] group_column``). ``title``, ``source``, ``date`` and
``notes`` are optional. An optional ``sha256`` (the hex digest of the file's
bytes, as ``sha256sum`` prints it) is checked on every read, so a file changed
after the manifest was written is refused instead of analysed. Every problem is a :class:`CorpusError` naming the file
and how to fix it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import CorpusSettings
from pipeline.corpus.dates import parse_date
from pipeline.corpus.groups import REST
from pipeline.errors import CorpusError, did_you_mean

OPTIONAL_FIELDS = ("title", "source", "date", "notes", "comments_start")


@dataclass(frozen=True)
class Document:
    """One corpus document: its manifest row and its decoded text (BOM removed)."""

    doc_id: str
    path: str
    group: str
    text: str
    sha256: str
    title: str = ""
    source: str = ""
    date: str = ""
    notes: str = ""
    comments_start: str = ""  # where reader replies begin: a line number or a pattern


@dataclass(frozen=True)
class Corpus:
    """All documents of a corpus folder, sorted by ``doc_id``."""

    root: Path
    manifest: Path
    documents: tuple[Document, ...]
    group_descriptions: dict[str, str] = field(default_factory=dict)
    sides: tuple[str, ...] = ()  # the two sides of the relationship, if the manifest says

    @property
    def groups(self) -> list[str]:
        """Groups that have at least one document, sorted."""
        return sorted({d.group for d in self.documents})

    def fingerprint(self) -> dict[str, str]:
        """sha256 of the manifest and of every document file, for caching and run.json."""
        out = {self.manifest.name: hashlib.sha256(self.manifest.read_bytes()).hexdigest()}
        out.update({d.path: d.sha256 for d in self.documents})
        resolved = [(d.doc_id, d.path, d.group, d.title, d.source, d.date, d.notes,
                     d.comments_start) for d in self.documents]
        out["(resolved metadata)"] = hashlib.sha256(repr(resolved).encode()).hexdigest()
        return out


def find_manifest(root: Path, settings: CorpusSettings) -> Path:
    """Return the manifest path inside ``root`` or raise a CorpusError that says what to add."""
    if not root.is_dir():
        raise CorpusError(
            f"Corpus folder not found: {root.absolute()}",
            fix="pass an existing folder with --corpus (it must hold a manifest and the texts)",
        )
    if settings.manifest:
        path = root / settings.manifest
        if not path.is_file():
            raise CorpusError(
                f"Manifest '{settings.manifest}' not found in {root}",
                fix="correct [corpus] manifest in your config, or add the file",
            )
        return path
    for name in ("manifest.toml", "manifest.csv"):
        if (root / name).is_file():
            return root / name
    raise CorpusError(
        f"No manifest in corpus folder {root}",
        fix="add manifest.toml or manifest.csv with the columns doc_id, path, group",
    )


def _manifest_rows(manifest: Path) -> tuple[list[dict[str, str]], list[str], dict[str, str],
                                           tuple[str, ...]]:
    """The manifest's entries, where each stands (CSV: its line; TOML: entry number), the
    group descriptions and the sides."""
    raw = manifest.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CorpusError(
            f"Manifest is not UTF-8 (byte offset {err.start})", where=str(manifest),
            fix="save the manifest as UTF-8",
        ) from None
    if manifest.suffix.lower() == ".csv":
        numbered = _csv_rows(text, manifest)
        return ([row for _, row in numbered], [f"{manifest}, line {n}" for n, _ in numbered],
                {}, ())
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CorpusError(
            f"Manifest is not valid TOML: {err}", where=str(manifest),
            fix="correct the TOML syntax at the line named",
        ) from None
    docs = data.get("documents")
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise CorpusError(
            "Manifest has no [[documents]] tables", where=str(manifest),
            fix="list each document as a [[documents]] table with doc_id, path and group",
        )
    groups = data.get("groups", {})
    if not isinstance(groups, dict):
        raise CorpusError("Manifest key 'groups' must be a table of name = description",
                          where=str(manifest), fix="write [groups] then name = \"description\"")
    sides = data.get("sides", [])
    if not isinstance(sides, list) or len(sides) not in (0, 2) or not all(
            isinstance(v, str) and v for v in sides) or len(set(sides)) != len(sides):
        raise CorpusError(f"Manifest key 'sides' must name two different countries, got {sides!r}",
                          where=str(manifest),
                          fix='write sides = ["Japan", "Pakistan"] (canonical names from '
                              'entities.csv), or leave it out to let the framing stage infer them')
    for number, entry in enumerate(docs, start=1):
        for key, value in entry.items():
            if isinstance(value, list | dict) or (
                    key == "comments_start" and isinstance(value, float | bool)):
                raise CorpusError(
                    f"Manifest key '{key}' must be {'a line number or a pattern' if key == 'comments_start' else 'a single value'}, "
                    f"got {value!r}", where=f"{manifest}, entry {number}",
                    fix="write one string (comments_start: a line number or a pattern)")
    rows = [{k: "" if v is None else str(v) for k, v in d.items()} for d in docs]
    return (rows, [f"{manifest}, entry {n}" for n in range(1, len(rows) + 1)],
            {str(k): str(v) for k, v in groups.items()}, tuple(sides))


def _csv_rows(text: str, manifest: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV manifest as dicts, each with the line it starts on.

    One clear error for a repeated column name, a row with more cells than the
    header or a malformed line; cells of any length are read (the csv module's own
    limit, 131,072 characters, is lifted while the manifest is read)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        numbered = []
        for cells in reader:
            numbered.append((reader.line_num, cells))
    except csv.Error as err:
        raise CorpusError(f"Manifest is not valid CSV: {err}",
                          where=f"{manifest}, line {reader.line_num}",
                          fix="save it as comma-separated values with a header line") from None
    finally:
        csv.field_size_limit(limit)
    if not numbered:
        return []
    header = [h.strip() for h in numbered[0][1]]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise CorpusError(f"Manifest has {header.count(repeated[0])} columns named "
                          f"'{repeated[0]}'", where=f"{manifest}, line 1",
                          fix="give each column its own name (only one may hold the groups)")
    rows = []
    previous_end = numbered[0][0]
    for end, cells in numbered[1:]:
        number, previous_end = previous_end + 1, end
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > len(header):
            raise CorpusError(f"Manifest line has {len(cells)} cells but the header names "
                              f"{len(header)} columns", where=f"{manifest}, line {number}",
                              fix="quote cells that contain a comma, or add the missing "
                                  "column names to the header")
        rows.append((number, dict(zip(header, [*cells, *[""] * (len(header) - len(cells))],
                                      strict=True))))
    return rows


def decode_text(raw: bytes, where: str) -> str:
    """Decode file bytes strictly as UTF-8 (a leading BOM is dropped) or raise CorpusError."""
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        raise CorpusError(f"Empty document file: {where}",
                          fix="remove it from the manifest or give it text")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise CorpusError(
            f"Binary file, not text: {where} (NUL byte at offset {nul})",
            fix="list only plain-text .txt files in the manifest",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(
            f"File is not UTF-8: {where} (invalid byte 0x{raw[err.start]:02x} "
            f"at byte offset {err.start})",
            fix="re-save the file as UTF-8 (for example: iconv -f latin1 -t utf-8)",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def load_corpus(root: str | Path, settings: CorpusSettings) -> Corpus:
    """Read the manifest and every document of the corpus folder ``root``.

    The corpus is only read, never modified. Documents are returned sorted by
    ``doc_id`` so that every table is in a stable order.
    """
    root = Path(root)
    manifest = find_manifest(root, settings)
    rows, places, group_descriptions, sides = _manifest_rows(manifest)
    if not rows:
        raise CorpusError("Manifest lists no documents", where=str(manifest),
                          fix="add one entry per text file")
    column = settings.group_column
    columns = list(rows[0])
    for needed in ("doc_id", "path", column):
        if needed not in columns:
            hint = did_you_mean(needed, columns)
            fix = ("set [corpus] group_column in your config to the column that holds the groups"
                   if needed == column else f"add a '{needed}' column")
            raise CorpusError(
                f"Manifest has no column '{needed}'.{hint}", where=str(manifest), fix=fix,
                options=columns,
            )
    root_resolved = root.resolve()
    seen: dict[str, int] = {}
    documents = []
    for row, where in zip(rows, places, strict=True):
        doc_id = (row.get("doc_id") or "").strip()
        rel = (row.get("path") or "").strip()
        group = (row.get(column) or "").strip()
        if not doc_id or not rel or not group:
            raise CorpusError(f"Manifest entry lacks doc_id, path or {column}", where=where,
                              fix="fill in all three for every document")
        if doc_id in seen:
            raise CorpusError(
                f"Duplicate doc_id '{doc_id}'", where=where,
                fix=f"give each document its own doc_id (first used at {seen[doc_id]})",
            )
        seen[doc_id] = where.rsplit(", ", 1)[1]
        if "\x00" in rel:
            raise CorpusError(f"Manifest path {rel!r} contains a NUL character", where=where,
                              fix="correct the path in the manifest (file names cannot hold NUL)")
        path = (root / rel).resolve()
        if not path.is_relative_to(root_resolved):
            raise CorpusError(
                f"Manifest path '{rel}' leaves the corpus folder", where=where,
                fix="copy the file into the corpus folder and give a path relative to it",
            )
        try:
            found = path.is_file()
        except OSError as err:  # a name longer than the file system allows, and the like
            raise CorpusError(f"Manifest path '{rel}' cannot be used: {err.strerror or err}",
                              where=where, fix="give the file a shorter name") from None
        if not found:
            raise CorpusError(f"Document file not found: {rel}", where=where,
                              fix="correct the path in the manifest or add the file")
        raw = path.read_bytes()
        text = decode_text(raw, f"{root / rel}")
        digest = hashlib.sha256(raw).hexdigest()
        expected = (row.get("sha256") or "").strip().lower()
        if expected and expected != digest:
            raise CorpusError(
                f"Document file {rel} does not match the sha256 in the manifest "
                f"(manifest {expected[:12]}…, file {digest[:12]}…)", where=where,
                fix="restore the original file, or, if the change is intended, put its new "
                    f"digest in the manifest (sha256sum {root / rel})")
        date = (row.get("date") or "").strip()
        try:
            parse_date(date)
        except ValueError as err:
            raise CorpusError(f"Manifest date {err}", where=where,
                              fix="write dates as 2023-07-26, 2023-07 or 2023, or leave the "
                                  "date empty") from None
        documents.append(Document(
            doc_id=doc_id, path=rel, group=group, text=text, sha256=digest,
            **{k: (row.get(k) or "").strip() for k in OPTIONAL_FIELDS},
        ))
    documents.sort(key=lambda d: d.doc_id)
    return Corpus(root=root, manifest=manifest, documents=tuple(documents),
                  group_descriptions=group_descriptions, sides=sides)


def check_compare(corpus: Corpus, compare: Sequence[str]) -> None:
    """Raise CorpusError unless every group in ``compare`` has documents in the corpus (and,
    with three or more, none is named like the one-vs-rest contrasts' group A)."""
    present = corpus.groups
    if len(compare) < 2:
        raise CorpusError(
            f"compare names {len(compare)} group(s) of {corpus.manifest}, and a comparison "
            "needs two or more", where=str(corpus.manifest),
            fix="add documents of a second group to the manifest", options=present)
    if len(compare) > 2 and REST in compare:
        raise CorpusError(
            f"Group '{REST}' in compare is also the name of the other groups together in the "
            "one-vs-rest comparisons of three or more groups", where=str(corpus.manifest),
            fix=f"rename the group '{REST}' in the manifest")
    for group in compare:
        if group in present:
            continue
        if group in corpus.group_descriptions:
            raise CorpusError(
                f"Group '{group}' in compare has no documents", where=str(corpus.manifest),
                fix=f"add documents with group = \"{group}\" or compare other groups",
                options=present,
            )
        raise CorpusError(
            f"Unknown group '{group}' in compare.{did_you_mean(group, present)}",
            where=str(corpus.manifest),
            fix="set compare in your config to groups of the manifest (or \"all\")",
            options=present,
        )
