"""Parsed documents: the segment docs of the DocBin cache, and offsets back into the files.

Every stage that reads parsed text goes through here: :class:`ParsedDocs` reads
the cache shard by shard, :func:`sentences_of` gives a segment doc's sentences
in ``sentence_id`` order, and :func:`file_offsets` turns offsets within a
segment into offsets into the original file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import srsly
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

from pipeline.errors import StageError


def sentences_of(doc: Doc) -> list[Span]:
    """The sentences of a segment doc that hold at least one non-space token.

    Their order gives the ``sentence_id``: the k-th is
    ``doc.user_data["first_sentence_id"] + k``.
    """
    return [s for s in doc.sents if any(not t.is_space for t in s)]


def file_offsets(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Turn character offsets within a segment doc into offsets into the original file."""
    base = doc.user_data["start_char"]
    return base + start, base + end


# Every attribute whose value is a string hash; a DocBin must carry those strings.
_HASHED = [ORTH, TAG, LEMMA, NORM, MORPH, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID]


class ShardDocBin(DocBin):
    """A DocBin that stores the same docs as spaCy's, collecting strings in bulk.

    spaCy's ``DocBin.add`` interns nine strings per token one by one, which is
    most of the parse stage's own cost on a large corpus; here the strings come
    from the unique hashes of one ``to_array`` call. Docs with span groups go
    through spaCy's own ``add``. tests/test_parse.py checks both store equal docs.
    """

    def add(self, doc: Doc) -> None:
        if doc.spans:
            super().add(doc)
            return
        array = doc.to_array(self.attrs)
        self.tokens.append(array.reshape((array.shape[0], -1)))
        self.spaces.append(np.asarray(doc.to_array(SPACY), dtype=bool).reshape((-1, 1)))
        self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        lookup = doc.vocab.strings
        self.strings.update(lookup[int(h)] for h in np.unique(doc.to_array(_HASHED)))
        self.cats.append(doc.cats)
        if self.store_user_data:
            self.user_data.append(srsly.msgpack_dumps(doc.user_data))
        self.span_groups.append(doc.spans.to_bytes())


class ParsedDocs:
    """The parsed segment docs of a run, read shard by shard (never all at once).

    >>> # docs = ParsedDocs(Path("outputs/cache/docs.spacy"), nlp.vocab)
    >>> # [d.user_data["doc_id"] for d in docs.for_document("doc-1")]
    """

    def __init__(self, folder: Path, vocab: Vocab) -> None:
        self.folder = folder
        self.vocab = vocab

    def shards(self) -> list[Path]:
        return sorted(self.folder.glob("shard-*.spacy"))

    def __iter__(self) -> Iterator[Doc]:
        for shard in self.shards():
            yield from self._read(shard)

    def _read(self, shard: Path) -> list[Doc]:
        try:
            data = shard.read_bytes()
        except OSError:
            data = b""
        return read_docbin(data, self.vocab, str(shard))

    def for_document(self, doc_id: str) -> list[Doc]:
        """The segment docs of one document, in reading order."""
        return [d for d in self if d.user_data.get("doc_id") == doc_id]


def read_docbin(data: bytes, vocab: Vocab, where: str) -> list[Doc]:
    """The docs of one shard of the cache (DocBin bytes), with their ``user_data``."""
    try:
        docbin = DocBin().from_bytes(data)
        # Each doc's user_data is decoded here rather than by DocBin.get_docs: srsly's
        # msgpack_loads looks up its registered decoders anew on every call, which
        # costs more than decoding a segment's few offsets (about 1 ms a doc).
        packed, docbin.user_data = docbin.user_data, []
        packed = list(packed) + [None] * (len(docbin) - len(packed))
        docs = []
        for doc, info in zip(docbin.get_docs(vocab), packed, strict=True):
            if info is not None:
                doc.user_data.update(srsly.msgpack.unpackb(
                    info, raw=False, use_list=False, object_pairs_hook=dict))
            docs.append(doc)
    except Exception as err:  # truncated, zeroed or foreign bytes: the cache is damaged
        raise StageError(
            f"The parsed-docs cache is damaged: {where} cannot be read "
            f"({type(err).__name__})",
            fix="rebuild it: python -m pipeline run --from parse (with the same --corpus, "
                "--out and --config)") from None
    return docs


def with_original_text(table: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """``table`` with its ``text`` column read from the original files at each row's
    ``start_char``/``end_char``: spaCy sees white space made plain (a no-break space or
    line break inside a paragraph as a space), the tables promise the file's own text.

    >>> with_original_text(pd.DataFrame({"doc_id": ["a"], "start_char": [0], "end_char": [3],
    ...                                  "text": ["x y"]}), {"a": "x\u00a0y"})["text"].tolist()
    ['x\xa0y']
    """
    if table.empty or not {"doc_id", "start_char", "end_char", "text"} <= set(table.columns):
        return table
    starts = table["start_char"].to_numpy()
    ends = table["end_char"].to_numpy()
    return table.assign(text=[texts[d][int(a):int(b)] if d in texts else t for d, a, b, t in
                              zip(table["doc_id"], starts, ends, table["text"], strict=True)])
