import hashlib

import pytest

from pipeline.config import CorpusSettings
from pipeline.corpus import check_compare, load_corpus
from pipeline.errors import CorpusError

from .conftest import CORPUS, OPED, OVERVIEW, write_corpus


def test_bundled_corpus_is_the_shared_articles_byte_for_byte():
    shared = CORPUS.parent.parent / "shared" / "source-articles"
    for name in ("000_de99f12ee1bd257d.txt", "004_72c9212a15cf79df.txt"):
        assert (CORPUS / name).read_bytes() == (shared / name).read_bytes()


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
])
def test_bad_input_is_one_clear_error(tmp_path, damage, message):
    root = write_corpus(tmp_path / "c", {"a": ("x", "Alpha text."), "b": ("y", "Beta text.")})
    (tmp_path / "outside.txt").write_text("Outside.", encoding="utf-8")
    damage(root)
    with pytest.raises(CorpusError, match=message) as err:
        load_corpus(root, CorpusSettings())
    assert "\n" not in str(err.value) and "Fix:" in str(err.value)


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
