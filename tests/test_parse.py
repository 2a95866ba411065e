import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ModelSettings, ParseSettings
from pipeline.corpus.manifest import load_corpus
from pipeline.nlp.docs import file_offsets, sentences_of
from pipeline.stages.ingest.segments import ingest_corpus
from pipeline.stages.parse.shards import mark_duplicates, n_processes, parse_corpus, parse_text

from .conftest import write_corpus


def test_parse_text_keeps_length_and_makes_white_space_plain():
    text = "Pakistan FM’s\u00a0Visit\nTo Japan\t!"
    assert parse_text(text) == "Pakistan FM’s Visit To Japan !"
    assert len(parse_text(text)) == len(text)


def test_exact_and_near_duplicates_are_marked():
    texts = [
        "Tokyo has always had connections with Islamabad.",
        "Trade rose sharply in 2022.",
        "Tokyo has always had connections with Islamabad!",           # exact after normalising
        "Japan and Pakistan signed a memorandum on trade and investment today.",
        "Japan and Pakistan signed a memorandum on trade and investment yesterday.",  # near
        "The visit of the minister to Japan has the potential to change affairs.",
        "The visit of the minister to Japan highlights the importance of ties.",  # different claim
    ]
    assert mark_duplicates(texts, ["body"] * 7, ParseSettings()) == [
        None, None, 0, None, 3, None, None]


def test_duplicates_are_not_matched_across_classes_or_when_short():
    texts = ["Japan agreed.", "Japan agreed.", "Japan agreed to more and more trade deals soon.",
             "Japan agreed to more and more trade deals later."]
    assert mark_duplicates(texts, ["body", "comment", "body", "body"],
                           ParseSettings(near_duplicate_min_words=20)) == [None, None, None, None]


def test_fewer_processes_for_small_inputs():
    model = ModelSettings(n_process=2, min_segments_per_process=250)
    assert n_processes(47, model) == 1
    assert n_processes(499, model) == 1
    assert n_processes(500, model) == 2
    assert n_processes(100_000, model) == 2


def _parse(tmp_path, texts, nlp, config, **parse_overrides):
    corpus = load_corpus(write_corpus(tmp_path / "c", texts), config.corpus)
    segments = ingest_corpus(corpus, ingest=config.ingest)["segments"]
    settings = ParseSettings(**{**config.parse.__dict__, **parse_overrides})
    shards = list(parse_corpus(corpus, segments, nlp=nlp, model=config.model, parse=settings))
    tables = {k: pd.concat([s[k] for s in shards], ignore_index=True)
              for k in ("sentences", "tokens", "documents")}
    return corpus, shards, tables


TEXT = ("Trade Talks\n\nJapan pledged $2 million to Pakistan. Officials met in Tokyo.\n\n"
        "Japan pledged $2 million to Pakistan. Talks went on.\n\n"
        "One thought on “Trade Talks”\n\nNice piece, Japan rocks.\n\nReply\n")


def test_sentences_tokens_and_offsets(tmp_path, nlp, config):
    corpus, shards, t = _parse(tmp_path, {"d1": ("a", TEXT)}, nlp, config)
    text = corpus.documents[0].text
    sents = t["sentences"]
    assert sents.text.tolist() == ["Trade Talks", "Japan pledged $2 million to Pakistan.",
                                   "Officials met in Tokyo.", "Japan pledged $2 million to Pakistan.",
                                   "Talks went on.", "Nice piece, Japan rocks."]
    assert sents.part.tolist() == ["title"] + ["paragraph"] * 4 + ["comment"]
    assert sents.duplicate_of.isna().tolist() == [True, True, True, False, True, True]
    assert sents.duplicate_of.iloc[3] == 1
    for row in sents.itertuples():
        assert text[row.start_char:row.end_char] == row.text
    for row in t["tokens"].itertuples():
        assert text[row.start_char:row.end_char] == row.text
    tokens = t["tokens"]
    assert "Reply" not in tokens.text.tolist()  # boilerplate is never parsed
    pledged = tokens[tokens.text == "pledged"].iloc[0]
    head_of_japan = tokens[tokens.text == "Japan"].iloc[0].head_token_id
    assert head_of_japan == pledged.token_id and pledged.lemma == "pledge"


def test_document_statistics_count_each_distinct_body_sentence_once(tmp_path, nlp, config):
    _, _, t = _parse(tmp_path, {"d1": ("a", TEXT)}, nlp, config)
    doc = t["documents"].iloc[0]
    # body sentences: the title + 4 paragraph sentences, one a repeat -> 4 counted
    assert doc.n_sentences == 4 and doc.n_duplicate_sentences == 1
    # words (no punctuation): Trade Talks (2) + Japan pledged $ 2 million to Pakistan (7)
    # + Officials met in Tokyo (4) + Talks went on (3) = 16
    assert doc.n_words == 16
    assert doc.mean_sentence_length == 4.0
    assert doc.n_comment_words == 4  # Nice piece Japan rocks
    _, _, kept = _parse(tmp_path / "k", {"d1": ("a", TEXT)}, nlp, config, keep_duplicates=True)
    assert kept["documents"].iloc[0].n_sentences == 5


def test_docbin_carries_segment_offsets(tmp_path, nlp, config):
    corpus, shards, _ = _parse(tmp_path, {"d1": ("a", TEXT), "d2": ("b", "Short note here.")},
                               nlp, config)
    docs = list(shards[0]["docs"].get_docs(nlp.vocab))
    text = corpus.documents[0].text
    assert [d.user_data["doc_id"] for d in docs] == ["d1"] * 4 + ["d2"]
    japan = next(e for d in docs for e in d.ents if e.text == "Tokyo")
    start, end = file_offsets(japan.doc, japan.start_char, japan.end_char)
    assert text[start:end] == "Tokyo"
    first = docs[1]
    assert first.user_data["first_sentence_id"] == 1 and len(sentences_of(first)) == 2


def test_documents_stream_in_shards_never_split(tmp_path, nlp, config):
    texts = {f"d{i}": ("a", f"Headline {i}\n\nJapan met Pakistan in round {i}.\n") for i in range(5)}
    _, shards, t = _parse(tmp_path, texts, nlp, config, shard_size=3)
    assert [len(s["documents"]) for s in shards] == [2, 2, 1]  # 2 segments per document
    assert t["documents"].doc_id.tolist() == [f"d{i}" for i in range(5)]


def test_shard_docbin_stores_the_same_docs_as_spacys(nlp):
    from spacy.tokens import DocBin

    from pipeline.nlp.docs import ShardDocBin

    texts = ["Pakistan’s Foreign Minister Bilawal Bhutto Zardari visited Japan on July 1-4.",
             "Japan pledged $2.25 million.  Tokyo has always had connections with Islamabad."]
    ours, theirs = ShardDocBin(store_user_data=True), DocBin(store_user_data=True)
    for i, doc in enumerate(nlp.pipe(texts)):
        doc.user_data["doc_id"] = f"d{i}"
        ours.add(doc)
        theirs.add(doc)
    fresh = __import__("spacy").blank("en").vocab  # a vocab that knows none of the strings

    def annotations(docbin):
        return [([(t.text, t.whitespace_, t.tag_, t.pos_, t.lemma_, str(t.morph), t.dep_,
                   t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in d], d.user_data)
                for d in DocBin().from_bytes(docbin.to_bytes()).get_docs(fresh)]

    assert annotations(ours) == annotations(theirs)
    assert annotations(ours)[0][0][0][0] == "Pakistan"


def test_shards_follow_corpus_order_and_never_split_a_document(tmp_path, config):
    from pipeline.stages.parse.shards import plan_shards

    texts = {f"d{i}": ("a", f"Headline {i}\n\n" + "Japan met Pakistan. " * 3 + f"\n\nRound {i}.\n")
             for i in range(5)}
    texts["d5"] = ("a", "Reply\n")  # nothing to parse: still a document of its shard
    corpus = load_corpus(write_corpus(tmp_path / "c", texts), config.corpus)
    segments = ingest_corpus(corpus, ingest=config.ingest)["segments"]
    segments = segments[segments["part"].isin(config.parse.parts)]
    tasks = plan_shards(corpus, segments, size=5)
    assert [[d[0] for d in t.documents] for t in tasks] == [["d0", "d1"], ["d2", "d3"],
                                                            ["d4", "d5"]]
    assert [len(t.segments) for t in tasks] == [6, 6, 3]
    assert {s[0] for s in tasks[0].segments} == {"d0", "d1"}


def test_parallel_parse_gives_the_same_docs_and_tables_as_one_process(tmp_path, nlp, config):
    """Two forked workers (each parsing whole shards) against the one-process path."""
    from .conftest import CORPUS

    corpus = load_corpus(CORPUS, config.corpus)
    segments = ingest_corpus(corpus, ingest=config.ingest)["segments"]
    one = ModelSettings(n_process=1)
    two = ModelSettings(n_process=2, min_segments_per_process=1)
    settings = ParseSettings(**{**config.parse.__dict__, "shard_size": 7})
    results = [list(parse_corpus(corpus, segments, nlp=nlp, model=m, parse=settings))
               for m in (one, two)]
    assert len(results[1]) == 2  # one shard per document, one for each worker
    for key in ("sentences", "tokens", "documents"):
        a, b = (pd.concat([s[key] for s in r], ignore_index=True) for r in results)
        pd.testing.assert_frame_equal(a, b)

    def annotations(shards):
        return [([(t.text, t.tag_, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in d],
                 d.user_data) for s in shards for d in s["docs"].get_docs(nlp.vocab)]

    assert annotations(results[0]) == annotations(results[1])
    tokens = pd.concat([s["tokens"] for s in results[1]], ignore_index=True)
    assert tokens.groupby("doc_id").token_id.is_monotonic_increasing.all()


def test_parsed_docs_reader_gives_the_user_data_spacy_gives(tmp_path, nlp):
    from spacy.tokens import DocBin

    from pipeline.nlp.docs import ParsedDocs, ShardDocBin

    folder = tmp_path / "docs.spacy"
    folder.mkdir()
    docbin = ShardDocBin(store_user_data=True)
    for i, doc in enumerate(nlp.pipe(["Japan pledged aid.", "Tokyo agreed.", "Talks went on."])):
        doc.user_data.update({"doc_id": f"d{i}", "segment_id": i, "part": "paragraph",
                              "start_char": 10 * i, "first_sentence_id": i})
        if i == 1:
            doc.user_data[("._.", "score", None, None)] = 0.5  # an extension's key is a tuple
        docbin.add(doc)
    docbin.to_disk(folder / "shard-00000.spacy")
    ours = list(ParsedDocs(folder, nlp.vocab))
    theirs = list(DocBin().from_disk(folder / "shard-00000.spacy").get_docs(nlp.vocab))
    assert [d.user_data for d in ours] == [d.user_data for d in theirs]
    assert ours[1].user_data[("._.", "score", None, None)] == 0.5
    assert [d.text for d in ours] == [d.text for d in theirs]


def _all_pairs(texts, classes, settings):
    """The repeated-sentence rule as first written: every sentence against every earlier one
    (quadratic; the reference the indexed version must agree with)."""
    def key(t):
        t = t.lower().replace("’", "'").replace("‘", "'")
        return " ".join(re.sub(r"[^\w\s]", " ", t).split())

    keys = [key(t) for t in texts]
    grams = [set(zip(k.split(), k.split()[1:], strict=False)) for k in keys]
    result, first = [], {}
    for i, k in enumerate(keys):
        found = first.get((classes[i], k)) if k else None
        if found is None and len(k.split()) >= settings.near_duplicate_min_words:
            for j in range(i):
                a, b = grams[i], grams[j]
                if classes[j] != classes[i] or result[j] is not None or not a or not b \
                        or len(keys[j].split()) < settings.near_duplicate_min_words:
                    continue
                if min(len(a), len(b)) / max(len(a), len(b)) < settings.near_duplicate_threshold:
                    continue
                if len(a & b) / len(a | b) >= settings.near_duplicate_threshold:
                    found = j
                    break
        result.append(found)
        if k:
            first.setdefault((classes[i], k), i)
    return result


_WORDS = st.sampled_from("japan pakistan trade aid the of a minister said visit talks".split())
_SENTENCE = st.lists(_WORDS, max_size=14).map(" ".join).flatmap(
    lambda s: st.sampled_from([s, s + ".", s.upper() + "!", f"“{s}”"]))


@given(st.lists(st.tuples(_SENTENCE, st.sampled_from("bc")), max_size=30),
       st.sampled_from([0.0, 0.3, 0.5, 0.8, 0.9, 1.0]), st.integers(1, 6))
@settings(max_examples=400)
def test_indexed_repeat_finding_marks_what_comparing_all_pairs_marks(rows, threshold,
                                                                     min_words):
    texts, classes = [t for t, _ in rows], [c for _, c in rows]
    settings_ = ParseSettings(near_duplicate_threshold=threshold,
                              near_duplicate_min_words=min_words)
    assert mark_duplicates(texts, classes, settings_) == _all_pairs(texts, classes, settings_)
