"""The whole pipeline on the bundled corpus, checked against the text itself."""

import shutil
import textwrap

import pandas as pd

from pipeline.config import load_config
from pipeline.corpus.manifest import load_corpus
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.stages import STAGES

from .conftest import CORPUS, OPED, OVERVIEW, copy_bundled, original_text, tree_hashes, write_corpus


def tables(out):
    return {name: read_table(out / "tables" / f"{name}.csv")
            for name in ("segments", "sentences", "tokens", "documents")}


def test_every_token_and_sentence_points_at_its_text(bundled_run):
    t = tables(bundled_run)
    texts = {d: original_text(d) for d in (OPED, OVERVIEW)}
    for name in ("segments", "sentences", "tokens"):
        for row in t[name].itertuples():
            assert texts[row.doc_id][row.start_char:row.end_char] == row.text, (name, row)
    assert len(t["tokens"]) > 2000


def test_comment_is_its_own_part_and_never_body(bundled_run):
    seg = tables(bundled_run)["segments"]
    oped = seg[seg.doc_id == OPED]
    comment = oped[oped.part == "comment"]
    assert comment.text.str.contains("begging bowl").any()
    body = oped[oped.part.isin(["title", "heading", "paragraph", "list_item"])]
    assert not body.text.str.contains("begging bowl|You guys threw").any()
    sents = tables(bundled_run)["sentences"]
    assert set(sents[sents.text.str.contains("begging bowl")].part) == {"comment"}


def test_boilerplate_is_in_no_analysed_segment(bundled_run):
    t = tables(bundled_run)
    boiler = t["segments"][t["segments"].part == "boilerplate"]
    assert {"Permalink", "Reply", "Leave a Reply"} <= set(boiler.text)
    for row in boiler.itertuples():
        same_doc = t["tokens"][t["tokens"].doc_id == row.doc_id]
        inside = same_doc[(same_doc.start_char >= row.start_char) &
                          (same_doc.end_char <= row.end_char)]
        assert inside.empty, row.text
    assert not t["sentences"].text.str.contains("Your email address|Permalink").any()
    assert "byline" in set(t["segments"].part) and "By" not in set(t["tokens"].text)


def test_repeated_sentences_of_the_oped_are_marked(bundled_run):
    s = tables(bundled_run)["sentences"]
    oped = s[s.doc_id == OPED].set_index("sentence_id")
    dups = oped[oped.duplicate_of.notna()]
    starts = {"Tokyo has always had connections", "However, Japan’s connection with India",
              "This is a big step toward boosting ties"}
    assert {next(p for p in starts if t.startswith(p)) for t in dups.text} == starts
    for sid, row in dups.iterrows():
        first = oped.loc[int(row.duplicate_of)]
        assert first.name < sid and first.text == row.text
    assert s[s.doc_id == OVERVIEW].duplicate_of.isna().all()


def test_documents_table(bundled_run):
    docs = tables(bundled_run)["documents"].set_index("doc_id")
    assert docs.loc[OPED, "group"] == "op-ed" and docs.loc[OVERVIEW, "group"] == "overview"
    assert docs.loc[OPED, "n_duplicate_sentences"] == 3
    assert docs.loc[OPED, "n_words"] > docs.loc[OVERVIEW, "n_words"] > 500
    assert docs.loc[OPED, "n_comment_words"] > 30 and docs.loc[OVERVIEW, "n_comment_words"] == 0
    for doc_id in (OPED, OVERVIEW):
        row = docs.loc[doc_id]
        assert 0 < row.flesch_reading_ease < 70 and 8 < row.flesch_kincaid_grade < 20
        assert 40 < row.mtld < 200
        assert row.mean_sentence_length == round(row.n_words / row.n_sentences, 4)


def _runner(out, nlp, config=None):
    runner = Runner(STAGES, config or load_config(), CORPUS, out, nlp=nlp)
    return runner


def test_rerun_skips_and_a_setting_reruns_only_its_stages(tmp_path, bundled_run, nlp):
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    assert [r.status for r in _runner(out, nlp).run()] == ["skipped"] * 9
    config_file = tmp_path / "c.toml"
    config_file.write_text("[parse]\nnear_duplicate_threshold = 0.95\n")
    results = _runner(out, nlp, load_config(config_file)).run()
    assert [(r.status, r.reason) for r in results[:2]] == [("skipped", "up to date"),
                                                           ("ran", "settings changed: [parse]")]
    # entities, topics, framing and the report read the parse outputs and [parse]; the
    # threshold changes no table of this corpus, so no chart is drawn again
    analysis = {r.name: r.status for r in results[2:]}
    assert analysis == {"entities": "ran", "entity_charts": "skipped", "topics": "ran",
                        "topic_charts": "skipped", "framing": "ran",
                        "framing_charts": "skipped", "report": "ran"}
    config_file.write_text("[ingest]\nheading_max_words = 3\n")
    before = tree_hashes(out)
    results = _runner(out, nlp, load_config(config_file)).run()
    after = tree_hashes(out)
    charts = {s.name: s for s in STAGES if s.name.endswith("_charts")}
    for r in results:
        if r.name in charts:  # a chart is drawn again exactly when a table it draws changed
            redrawn = any(before[name] != after[name] for name in charts[r.name].inputs)
            assert (r.status == "ran") == redrawn, r.name
        else:
            assert r.status == "ran", r.name
    assert results[1].reason == "input tables/segments.csv changed"
    config_file.write_text('[ingest]\nheading_max_words = 3\n[entities]\nperson_aliasing = "off"\n')
    results = _runner(out, nlp, load_config(config_file)).run()
    # entities changes entities.csv, which framing and topics read (a name is one term:
    # without aliasing "Bhutto Zardari" is a term of its own, so key terms change too)
    assert [(r.name, r.status) for r in results] == [
        ("ingest", "skipped"), ("parse", "skipped"), ("entities", "ran"),
        ("entity_charts", "ran"), ("topics", "ran"), ("topic_charts", "ran"),
        ("framing", "ran"), ("framing_charts", "ran"), ("report", "ran")]


def test_same_input_gives_byte_identical_tables(tmp_path, bundled_run, nlp):
    out = tmp_path / "again"
    _runner(out, nlp).run()
    for name in ("segments", "sentences", "tokens", "documents", "entities", "entity_summary",
                 "entity_comparison", "cooccurrence", "topics", "doc_topics", "segment_topics",
                 "keyterms", "keyness", "frames_sentences", "tone", "stance", "actors",
                 "alignment", "framing_summary"):
        path = f"tables/{name}.csv"
        assert (out / path).read_bytes() == (bundled_run / path).read_bytes(), name


def test_corpus_is_never_modified(tmp_path, nlp):
    # a whole run on a copy of the corpus: every file's bytes and modification time are as
    # before, and nothing was added to the folder (outputs go only to --out)
    corpus = copy_bundled(tmp_path / "corpus")
    stamps = {p.name: p.stat().st_mtime_ns for p in corpus.iterdir()}
    before = tree_hashes(corpus)
    assert sorted(before) == ["000_de99f12ee1bd257d.txt", "004_72c9212a15cf79df.txt",
                              "manifest.toml"]
    out = tmp_path / "out"
    Runner(STAGES, load_config(), corpus, out, nlp=nlp).run()
    assert tree_hashes(corpus) == before
    assert {p.name: p.stat().st_mtime_ns for p in corpus.iterdir()} == stamps
    assert all(".tmp-" not in p.name for p in out.rglob("*"))
    assert pd.read_csv(out / "tables/segments.csv").shape[0] > 40


def test_every_output_and_column_is_documented(bundled_run):
    from .conftest import REPO

    doc = (REPO / "outputs" / "README.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for stage in STAGES:
        assert f"`{stage.name}`" in readme, stage.name
        for name in stage.outputs:
            assert name.split("/")[-1] in doc, name
            if name.endswith(".csv"):
                section = doc.split(f"tables/{name.split('/')[-1]}", 1)[1].split("\n## ")[0]
                section = section.split("\n### ")[0]
                cells = " ".join(line.split("|")[1] for line in section.splitlines()
                                 if line.startswith("| "))
                for column in read_table(bundled_run / name).columns:
                    assert column in cells, (name, column)


def _hard_wrapped(text: str, end: str) -> str:
    """``text`` with every paragraph wrapped at 60 columns, lines ended by ``end``."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return (end * 2).join(end.join(textwrap.wrap(p, 60)) for p in paragraphs) + end


def test_hard_wrapped_paragraphs_read_the_same_with_any_line_ending(tmp_path, nlp):
    # lone CR line ends once split rows of segments.csv (131 sentences instead of 261)
    # and the report crashed; every line ending now gives the same sentences
    counts = {}
    for name, end in [("lf", "\n"), ("cr", "\r")]:  # CRLF: tests/test_ingest.py
        corpus = copy_bundled(tmp_path / name)
        manifest = corpus / "manifest.toml"
        manifest.write_text("\n".join(line for line in manifest.read_text().splitlines()
                                      if not line.startswith("sha256")), encoding="utf-8")
        for path in corpus.glob("*.txt"):
            path.write_bytes(_hard_wrapped(path.read_text(encoding="utf-8"), end).encode())
        out = tmp_path / f"out-{name}"
        Runner(STAGES, load_config(), corpus, out, nlp=nlp).run()
        segments = read_table(out / "tables" / "segments.csv")
        sentences = read_table(out / "tables" / "sentences.csv")
        texts = {d.doc_id: d.text for d in load_corpus(corpus, load_config().corpus).documents}
        for row in segments.itertuples():  # every row read back whole, offsets exact
            assert texts[row.doc_id][row.start_char:row.end_char] == row.text
        counts[name] = (len(segments), len(sentences),
                        int(sentences["text"].str.replace(r"\s", "", regex=True).str.len().sum()))
        assert (out / "report.html").is_file()
    assert counts["cr"] == counts["lf"]
    assert counts["lf"][1] > 90  # sentences


def _texts_point_at_their_offsets(out, texts):
    """Every table row with doc_id, start_char, end_char and text: the text is the file's."""
    bad = {}
    for path in sorted((out / "tables").glob("*.csv")):
        table = read_table(path)
        if not {"doc_id", "start_char", "end_char", "text"} <= set(table.columns):
            continue
        wrong = [r for r in table.itertuples()
                 if texts[r.doc_id][int(r.start_char):int(r.end_char)] != r.text]
        if wrong:
            bad[path.name] = (len(wrong), wrong[0].text)
    return bad


def test_every_text_cell_is_the_files_own_text(bundled_run, tmp_path, nlp):
    texts = {d: original_text(d) for d in (OPED, OVERVIEW)}
    assert _texts_point_at_their_offsets(bundled_run, texts) == {}
    # no-break spaces, a hard-wrapped paragraph: spaCy sees plain spaces, tables do not
    corpus = write_corpus(tmp_path / "c", {
        "a": ("overview", "Japan\u00a0and Pakistan signed a new\ntrade agreement in Tokyo on "
                          "Monday, said Foreign\u00a0Minister Bilawal\u00a0Bhutto.\n\nThe "
                          "talks on the\nsecurity pact went well, officials in Islamabad said.\n"),
        "b": ("op-ed", "Critics in Islamabad said the\u00a0deal was weak and the aid\n"
                       "package too small.\n\nThey want more aid from Japan.\n")})
    out = tmp_path / "out"
    Runner(STAGES, load_config(), corpus, out, nlp=nlp).run()
    texts = {d.doc_id: d.text for d in load_corpus(corpus, load_config().corpus).documents}
    assert _texts_point_at_their_offsets(out, texts) == {}
    entities = read_table(out / "tables" / "entities.csv")
    assert any("\u00a0" in t for t in entities["text"])  # kept as the file has it
