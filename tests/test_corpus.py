import hashlib
import json
import shutil
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import CorpusSettings
from pipeline.corpus.manifest import check_compare, load_corpus
from pipeline.errors import CorpusError

from .conftest import CORPUS, OPED, OVERVIEW, write_corpus


def test_bundled_manifest_pins_every_file_by_sha256():
    # The digests in corpus/manifest.toml were printed by `sha256sum` over
    # shared/source-articles/, so a corpus that loads is those articles byte for byte.
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    pinned = {d["path"]: d.get("sha256", "") for d in manifest["documents"]}
    assert pinned == {
        "000_de99f12ee1bd257d.txt":
            "1ebeff775ade9af49c236734ee1bc37f0d5d8133a21ba23f2c92d7baa9224839",
        "004_72c9212a15cf79df.txt":
            "20be56d5c365bfa97ec4d7ce87bfbb547d689302b4ba889b0643bd97c5e38e36",
    }
    for path, digest in pinned.items():
        assert hashlib.sha256((CORPUS / path).read_bytes()).hexdigest() == digest
    load_corpus(CORPUS, CorpusSettings())  # the reader's own check passes


def test_a_file_changed_after_the_manifest_is_refused(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(CORPUS, root)
    text = (root / "004_72c9212a15cf79df.txt").read_bytes()
    (root / "004_72c9212a15cf79df.txt").write_bytes(text.replace(b"Japan", b"Japon", 1))
    with pytest.raises(CorpusError) as err:
        load_corpus(root, CorpusSettings())
    message = str(err.value)
    assert "004_72c9212a15cf79df.txt does not match the sha256 in the manifest" in message
    assert "manifest 20be56d5c365…" in message and "restore the original file" in message
    assert "\n" not in message


def test_sha256_is_optional_and_case_insensitive(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_bytes(b"Alpha text.")
    digest = hashlib.sha256(b"Alpha text.").hexdigest()
    (root / "manifest.csv").write_text(f"doc_id,path,group,sha256\na,a.txt,x,{digest.upper()}\n"
                                       "b,a.txt,y,\n", encoding="utf-8")
    assert [d.doc_id for d in load_corpus(root, CorpusSettings()).documents] == ["a", "b"]


def test_bundled_manifest_reads_two_groups():
    corpus = load_corpus(CORPUS, CorpusSettings())
    assert [d.doc_id for d in corpus.documents] == [OPED, OVERVIEW]  # sorted by doc_id
    assert corpus.groups == ["op-ed", "overview"]
    oped = corpus.documents[0]
    assert oped.text.startswith("Pakistan FM’s\u00a0Visit To Japan")
    assert oped.sha256 == hashlib.sha256((CORPUS / oped.path).read_bytes()).hexdigest()
    check_compare(corpus, ["overview", "op-ed"])


def test_csv_manifest_with_a_named_group_column(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (root / "b.txt").write_text("Beta text.", encoding="utf-8")
    (root / "manifest.csv").write_text("doc_id,path,category\nb,b.txt,tech\na,a.txt,sport\n",
                                       encoding="utf-8")
    with pytest.raises(CorpusError, match="no column 'group'.*group_column.*category"):
        load_corpus(root, CorpusSettings())
    corpus = load_corpus(root, CorpusSettings(group_column="category"))
    assert [(d.doc_id, d.group) for d in corpus.documents] == [("a", "sport"), ("b", "tech")]


def test_bom_is_tolerated_and_dropped(tmp_path):
    root = write_corpus(tmp_path / "c", {"a": ("x", "placeholder")})
    (root / "a.txt").write_bytes(b"\xef\xbb\xbfHello there.")
    assert load_corpus(root, CorpusSettings()).documents[0].text == "Hello there."


@pytest.mark.parametrize("damage, message", [
    (lambda r: (r / "a.txt").unlink(), r"Document file not found: a.txt"),
    (lambda r: (r / "a.txt").write_bytes(b"  \n"), r"Empty document file: .*a.txt"),
    (lambda r: (r / "a.txt").write_bytes(b"caf\xe9 au lait"),
     r"not UTF-8: .*a.txt \(invalid byte 0xe9 at byte offset 3\).*iconv"),
    (lambda r: (r / "a.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
     r"Binary file, not text: .*a.txt \(NUL byte at offset 8\)"),
    (lambda r: (r / "manifest.toml").write_text(
        '[[documents]]\ndoc_id = "a"\npath = "a.txt"\ngroup = "x"\n'
        '[[documents]]\ndoc_id = "a"\npath = "b.txt"\ngroup = "y"\n'),
     r"Duplicate doc_id 'a'.*first used at entry 1"),
    (lambda r: (r / "manifest.toml").write_text(
        '[[documents]]\ndoc_id = "a"\npath = "../outside.txt"\ngroup = "x"\n'),
     r"Manifest path '../outside.txt' leaves the corpus folder"),
    (lambda r: (r / "manifest.toml").unlink(), r"No manifest in corpus folder"),
    # a NUL deep inside a file is found too, not only in its first 8 KiB
    (lambda r: (r / "a.txt").write_bytes(b"Japan and Pakistan. " * 500 + b"\x00 rest"),
     r"Binary file, not text: .*a.txt \(NUL byte at offset 10000\)"),
    (lambda r: (r / "manifest.toml").write_text(
        '[[documents]]\ndoc_id = "a"\npath = "a\\u0000.txt"\ngroup = "x"\n'),
     r"Manifest path 'a\\x00.txt' contains a NUL character .*entry 1"),
    (lambda r: _csv(r, "doc_id,path,group,group\na,a.txt,x,y\nb,b.txt,y,x\n"),
     r"Manifest has 2 columns named 'group' .*manifest.csv, line 1"),
    (lambda r: _csv(r, "doc_id,path,group\na,a.txt,x\nb,b.txt,y,Beta, the second\n"),
     r"Manifest line has 5 cells but the header names 3 columns .*line 3.*quote cells"),
    (lambda r: _csv(r, "doc_id,path,group\na,a\x00.txt,x\n"),
     r"Manifest path 'a\\x00.txt' contains a NUL character .*line 2"),
    (lambda r: (r / "a.txt").write_bytes(b"\xef\xbb\xbf"), r"Empty document file: .*a.txt"),
    (lambda r: (r / "manifest.toml").write_text(
        '[[documents]]\ndoc_id = ["a", "b"]\npath = "a.txt"\ngroup = "x"\n'),
     r"Manifest key 'doc_id' must be a single value, got \['a', 'b'\] .*entry 1"),
    (lambda r: (r / "manifest.toml").write_text(
        '[[documents]]\ndoc_id = "a"\npath = "a.txt"\ngroup = "x"\ncomments_start = 1.5\n'),
     r"Manifest key 'comments_start' must be a line number or a pattern, got 1.5"),
    (lambda r: (r / "manifest.toml").write_text(
        f'[[documents]]\ndoc_id = "a"\npath = "{"n" * 300}.txt"\ngroup = "x"\n'),
     r"Manifest path 'n+\.txt' cannot be used: File name too long"),
])
def test_bad_input_is_one_clear_error(tmp_path, damage, message):
    root = write_corpus(tmp_path / "c", {"a": ("x", "Alpha text."), "b": ("y", "Beta text.")})
    (tmp_path / "outside.txt").write_text("Outside.", encoding="utf-8")
    damage(root)
    with pytest.raises(CorpusError, match=message) as err:
        load_corpus(root, CorpusSettings())
    assert "\n" not in str(err.value) and "Fix:" in str(err.value)


def _csv(root, text):
    (root / "manifest.toml").unlink()
    (root / "manifest.csv").write_text(text, encoding="utf-8")


def test_a_csv_manifest_cell_of_any_length_is_read(tmp_path):
    # the csv module stops at 131,072 characters a field unless told otherwise
    root = write_corpus(tmp_path / "c", {"a": ("x", "Alpha text."), "b": ("y", "Beta text.")})
    notes = "A long note about the source. " * 6000  # 180,000 characters
    _csv(root, f'doc_id,path,group,notes\na,a.txt,x,"{notes}"\n\nb,b.txt,y,short\n')
    corpus = load_corpus(root, CorpusSettings())
    assert [len(d.notes) for d in corpus.documents] == [len(notes.strip()), 5]
    import csv

    assert csv.field_size_limit() == 131072  # the process-wide limit is left as it was


def test_unknown_group_and_group_without_documents(tmp_path):
    root = write_corpus(tmp_path / "c", {"a": ("op-ed", "Alpha."), "b": ("overview", "Beta.")})
    corpus = load_corpus(root, CorpusSettings())
    with pytest.raises(CorpusError, match="Unknown group 'oped' in compare. Did you mean 'op-ed'"):
        check_compare(corpus, ["overview", "oped"])
    manifest = root / "manifest.toml"
    manifest.write_text('[groups]\nanalysis = "Think-tank analysis"\n' + manifest.read_text())
    corpus = load_corpus(root, CorpusSettings())
    with pytest.raises(CorpusError, match="Group 'analysis' in compare has no documents"):
        check_compare(corpus, ["overview", "analysis"])


# --- the corpus reader on random manifests (hypothesis) -------------------------------

_FIELD = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@given(st.lists(st.tuples(_FIELD, _FIELD, _FIELD, _FIELD), min_size=1, max_size=6),
       st.booleans(), st.sampled_from(["\n", "\r\n", "\r"]))
@settings(max_examples=200)
def test_any_manifest_is_read_exactly_or_refused_in_one_line(tmp_path_factory, rows, as_csv,
                                                             newline):
    import csv
    import io

    root = tmp_path_factory.mktemp("m")
    for name in ("a.txt", "b.txt"):
        (root / name).write_text(f"Text of {name}.", encoding="utf-8")
    # half the paths name real files, so some manifests are valid
    entries = [(doc_id, "a.txt" if path == "" else "b.txt" if path == "b" else path, group,
                title) for doc_id, path, group, title in rows]
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=newline)
        writer.writerow(["doc_id", "path", "group", "title"])
        writer.writerows(entries)
        (root / "manifest.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    else:
        def q(v):  # a TOML basic string: JSON's escapes are TOML's for these characters
            return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
        text = "".join(f"[[documents]]\ndoc_id = {q(d)}\npath = {q(p)}\ngroup = {q(g)}\n"
                       f"title = {q(t)}\n" for d, p, g, t in entries)
        (root / "manifest.toml").write_text(text, encoding="utf-8")
    try:
        corpus = load_corpus(root, CorpusSettings())
    except CorpusError as err:
        assert "\n" not in str(err) and "Fix:" in str(err)
        return
    # read: each document is the entry it came from, with the file's text
    by_id = {d.doc_id: d for d in corpus.documents}
    assert len(by_id) == len(entries)
    for doc_id, path, group, title in entries:
        doc = by_id[doc_id.strip()]
        assert (doc.path, doc.group, doc.title) == (path.strip(), group.strip(), title.strip())
        assert doc.text == (root / doc.path).read_text(encoding="utf-8")
