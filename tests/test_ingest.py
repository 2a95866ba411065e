from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import load_config
from pipeline.corpus.manifest import load_corpus
from pipeline.stages.ingest.segments import Segment, ingest_corpus, segment_document, split_long

from .conftest import CORPUS, OPED, OVERVIEW


def parts(text, config):
    rows = segment_document(text, config.ingest)
    for row in rows:
        assert text[row.start_char:row.end_char] == row.text
    return [(r.part, r.text) for r in rows]


def test_title_heading_paragraph(config):
    text = "Trade Ties Grow\n\nBy\n\nJapan buys textiles. Pakistan buys cars.\n\nOutlook\n\nMore to come.\n"
    assert parts(text, config) == [
        ("title", "Trade Ties Grow"),
        ("byline", "By"),
        ("paragraph", "Japan buys textiles. Pakistan buys cars."),
        ("heading", "Outlook"),
        ("paragraph", "More to come."),
    ]


def test_first_line_that_is_a_sentence_is_not_a_title(config):
    assert parts("Japan buys textiles.\n\nMore.", config)[0] == ("paragraph", "Japan buys textiles.")


def test_label_is_split_from_its_list_item_but_a_lead_in_colon_is_not(config):
    text = ("Challenges exist, including:\n\n"
            "Trade Imbalance: Pakistan imports more than it exports.\n\n"
            "He said: we will see.\n")
    assert parts(text, config) == [
        ("paragraph", "Challenges exist, including:"),
        ("heading", "Trade Imbalance:"),
        ("list_item", "Pakistan imports more than it exports."),
        ("paragraph", "He said: we will see."),  # label not in title case: ordinary prose
    ]


def test_bullets_are_list_items_one_per_line(config):
    text = "Key points\n\n• Japan pledged aid.\n• Trade rose.\n- Talks continue.\n"
    assert parts(text, config) == [("title", "Key points"), ("list_item", "Japan pledged aid."),
                                   ("list_item", "Trade rose."), ("list_item", "Talks continue.")]


def test_hard_wrapped_paragraph_stays_one_segment(config):
    text = "Opening line of a long paragraph that goes on,\nand continues on a second line.\n"
    assert parts(text, config) == [
        ("paragraph", "Opening line of a long paragraph that goes on,\nand continues on a second line.")]


def test_comment_section_furniture_and_reply_form(config):
    text = ("Body sentence one. Body sentence two.\n\n"
            "3 thoughts on “Some Headline”\n\n"
            "  • March 3, 2021 at 10:05 pm\n    Permalink\n\n"
            "    I disagree with the author.\n\n    Reply\n\n"
            "Leave a Reply\n\nName *\n\nYour email address will not be published.\n")
    assert parts(text, config) == [
        ("paragraph", "Body sentence one. Body sentence two."),
        ("boilerplate", "3 thoughts on “Some Headline”"),
        ("boilerplate", "March 3, 2021 at 10:05 pm"),
        ("boilerplate", "Permalink"),
        ("comment", "I disagree with the author."),
        ("boilerplate", "Reply"),
        ("boilerplate", "Leave a Reply"),
        ("boilerplate", "Name *"),  # everything after a reply form is furniture
        ("boilerplate", "Your email address will not be published."),
    ]


def test_crlf_text_keeps_exact_offsets(config):
    text = "Headline Here\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n"
    assert parts(text, config) == [("title", "Headline Here"), ("paragraph", "First paragraph."),
                                   ("paragraph", "Second paragraph.")]


def test_bundled_oped_structure(config):
    corpus = load_corpus(CORPUS, config.corpus)
    table = ingest_corpus(corpus, ingest=config.ingest)["segments"]
    oped = table[table.doc_id == OPED]
    text = next(d.text for d in corpus.documents if d.doc_id == OPED)
    for row in table.itertuples():
        doc_text = next(d.text for d in corpus.documents if d.doc_id == row.doc_id)
        assert doc_text[row.start_char:row.end_char] == row.text
    assert oped.iloc[0].part == "title" and oped.iloc[1].part == "byline"
    comments = oped[oped.part == "comment"].text.tolist()
    assert len(comments) == 2 and comments[0].startswith("You guys threw Japanese businesses")
    boiler = oped[oped.part == "boilerplate"].text.tolist()
    assert boiler == ["One thought on “Pakistan FM’s\u00a0Visit To Japan: What Is At Stake? – OpEd",
                      "July 26, 2023 at 4:22 am", "Permalink", "Reply", "Leave a Reply",
                      "Your email address will not be published. Required fields are marked *"]
    headings = oped[oped.part == "heading"].text.tolist()
    assert headings == ["Major Takeaways", "Why this Visit is Significant?"]
    # the last body paragraph ends where the comment section starts
    assert text.index("One thought on") > oped[oped.part == "paragraph"].end_char.max()


def test_bundled_overview_labels_and_headings(config):
    corpus = load_corpus(CORPUS, config.corpus)
    table = ingest_corpus(corpus, ingest=config.ingest)["segments"]
    ov = table[table.doc_id == OVERVIEW]
    assert set(ov.part) == {"heading", "paragraph", "list_item"}
    assert (ov.part == "list_item").sum() == 6
    labels = ov[ov.text.str.endswith(":") & (ov.part == "heading")].text.tolist()
    assert labels[:3] == ["Geographical Distance:", "Security Concerns:", "Trade Imbalance:"]
    assert "Conclusion" in ov[ov.part == "heading"].text.tolist()


def test_cut_off_sentences_are_not_headings(config):
    # a page that lost a linked name: the pieces are text, not headings
    text = ("Athletics Round-Up\n\nThe men's 800m went to form in Sheffield as\n\n"
            "beat\n\nthe field from start to finish.\n")
    assert [p for p, _ in parts(text, config)] == ["title", "paragraph", "paragraph", "paragraph"]


def test_a_run_of_short_lines_is_a_list(config):
    text = ("Seeds Announced\n\nThe seeds for the draw are:\n\n"
            "1 Roger Federer (Switzerland)\n\n2 Andy Roddick (US)\n\n3 Lleyton Hewitt (Australia)\n\n"
            "The draw is tough.\n\nOutlook\n\nRain is forecast.\n")
    assert parts(text, config) == [
        ("title", "Seeds Announced"), ("paragraph", "The seeds for the draw are:"),
        ("list_item", "1 Roger Federer (Switzerland)"), ("list_item", "2 Andy Roddick (US)"),
        ("list_item", "3 Lleyton Hewitt (Australia)"), ("paragraph", "The draw is tough."),
        ("heading", "Outlook"), ("paragraph", "Rain is forecast."),
    ]


def test_a_question_is_a_heading_only_when_short_or_title_cased(config):
    text = ("Intro line that is a sentence.\n\nWhat Is At Stake?\n\nBody text here.\n\n"
            "Why this Visit is Significant for Both Sides?\n\nMore body text.\n\n"
            "Will Japan really stand by Pakistan if India objects?\n\nLast text.")
    found = {t: p for p, t in parts(text, config)}
    assert found["What Is At Stake?"] == "heading"
    assert found["Why this Visit is Significant for Both Sides?"] == "heading"
    assert found["Will Japan really stand by Pakistan if India objects?"] == "paragraph"


ARTICLE = ("Japan and Pakistan Deepen Ties\n\nBy Ayesha Khan\n\n"
           "Japan and Pakistan signed a new trade agreement on Monday, officials said.\n\n"
           "The deal cuts tariffs on textiles and machinery.\n\n"
           "Analysts expect exports to grow over the next five years.\n\n"
           "Both governments promised further talks in the autumn.\n\n")
REPLIES = ("Great article, very balanced.\n\n"
           "I disagree with Ms Khan. Pakistan gives away too much in this deal.\n\n"
           "Exports never grow as fast as promised.\n\n"
           "This piece ignores the farmers who will lose out.\nImran, Lahore\n")


def test_unmarked_reader_replies_at_the_end_are_comments_with_their_cues(config):
    rows = segment_document(ARTICLE + REPLIES, config.ingest)
    comments = [r for r in rows if r.part == "comment"]
    assert [c.text.split("\n")[0] for c in comments] == [
        "Great article, very balanced.",
        "I disagree with Ms Khan. Pakistan gives away too much in this deal.",
        "Exports never grow as fast as promised.",
        "This piece ignores the farmers who will lose out."]
    cues = [c.cue for c in comments]
    assert "agreement or disagreement opener" in cues[0]
    assert "names the article's author" in cues[1] and "first person" in cues[1]
    assert cues[2] == "reply cues: between two replies"
    assert "refers to the article" in cues[3] and "sign-off with a name and place" in cues[3]
    body = [r.text for r in rows if r.part == "paragraph"]
    assert len(body) == 4 and body[-1].startswith("Both governments")
    from pipeline.config import IngestSettings

    plain = segment_document(ARTICLE + REPLIES, IngestSettings(detect_replies=False))
    assert not any(r.part == "comment" for r in plain)


def test_an_article_that_ends_in_the_first_person_keeps_its_ending(config):
    text = ARTICLE + "I believe Japan should act now.\n\nIn my view, the deal is fair.\n"
    assert not any(r.part == "comment" for r in segment_document(text, config.ingest))


def test_comments_start_in_the_manifest_by_pattern_or_line(tmp_path, config):
    from pipeline.stages.ingest.segments import segment_table

    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLE + "Exports will not grow.\n\nNor will jobs.\n",
                                encoding="utf-8")
    lines = (ARTICLE + "Exports").splitlines()
    for value, expected in (("^exports will not", 2), (str(len(lines)), 2)):
        (root / "manifest.toml").write_text(
            f'[[documents]]\ndoc_id = "a"\npath = "a.txt"\ngroup = "x"\n'
            f'comments_start = "{value}"\n', encoding="utf-8")
        table = segment_table(load_corpus(root, config.corpus), config.ingest)
        comments = table[table.part == "comment"]
        assert len(comments) == expected
        assert set(comments.comment_cue) == {"manifest comments_start"}
        assert comments.text.iloc[0] == "Exports will not grow."


# --- properties (hypothesis): any text, any line ending -------------------------------

_LINE_ENDS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\n\n", "\r\r"]
_LINE = st.one_of(
    st.text(max_size=60),  # any Unicode, controls and spaces included
    st.sampled_from(["", "   ", "\u00a0\u2003", "Trade Ties", "• aid to Pakistan", "1) first",
                     "By Staff Writer", "Share this article", "Leave a Reply",
                     "3 thoughts on “Ties”", "Label: Japan buys textiles.", "?", "*"]),
    st.text(alphabet="ab .", min_size=200, max_size=3000),  # very long lines
)
_DOCUMENT = st.lists(st.tuples(_LINE, st.sampled_from(_LINE_ENDS)), max_size=25).map(
    lambda pairs: "".join(line + end for line, end in pairs))


def _check_segments(text, segments, limit=None):
    previous_end = 0
    for seg in segments:
        assert text[seg.start_char:seg.end_char] == seg.text  # offsets round-trip
        assert seg.text and seg.text == seg.text.strip() or seg.part == "comment"
        assert seg.start_char >= previous_end  # in reading order, never overlapping
        previous_end = seg.end_char
        if limit:
            assert len(seg.text) <= limit


@given(_DOCUMENT)
@settings(max_examples=300)
def test_any_text_segments_without_overlap_and_offsets_round_trip(text):
    config = load_config()
    _check_segments(text, segment_document(text, config.ingest))


@given(_DOCUMENT, st.integers(min_value=1, max_value=len(_LINE_ENDS)))
@settings(max_examples=100)
def test_comments_start_anywhere_keeps_the_invariants(text, cut):
    config = load_config()
    _check_segments(text, segment_document(text, config.ingest, len(text) * cut // 11))


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=400).map(str.strip)
       .filter(bool), st.integers(min_value=5, max_value=60))
@settings(max_examples=200)
def test_a_long_segment_is_cut_into_pieces_that_cover_it(text, limit):
    seg = Segment("paragraph", 7, 7 + len(text), text)
    pieces = split_long(seg, limit)
    source = " " * 7 + text
    _check_segments(source, pieces, limit)
    # nothing but white space is lost between pieces
    gaps = [source[a.end_char:b.start_char] for a, b in zip(pieces, pieces[1:], strict=False)]
    assert all(not gap.strip() for gap in gaps)
    assert pieces[0].start_char == 7 and pieces[-1].end_char == 7 + len(text)


def test_a_long_paragraph_is_cut_at_sentence_ends_before_the_limit():
    sentence = "Japan and Pakistan signed a new trade agreement on Monday. "
    text = "Ties\n\n" + sentence * 40 + "\n"  # one paragraph of 2,360 characters
    config = load_config()
    settings = config.ingest.model_copy(update={"max_segment_chars": 1000})
    paragraphs = [s for s in segment_document(text, settings) if s.part == "paragraph"]
    assert len(paragraphs) == 3  # 16 + 16 + 8 sentences
    assert all(p.text.endswith("on Monday.") and p.text.startswith("Japan") for p in paragraphs)
    assert [len(p.text) for p in paragraphs] == [len(sentence) * 16 - 1] * 2 + \
        [len(sentence) * 8 - 1]
    _check_segments(text, paragraphs, 1000)
    # one endless word is cut hard at the limit
    pieces = split_long(Segment("paragraph", 0, 2500, "x" * 2500), 1000)
    assert [len(p.text) for p in pieces] == [1000, 1000, 500]
