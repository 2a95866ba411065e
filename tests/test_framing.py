"""The framing stage on the bundled corpus and on small corpora written here."""

import json
import shutil

import pytest

from pipeline.config import load_config
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.errors import ConfigError
from pipeline.stages import STAGES

from .conftest import OPED, OVERVIEW, original_text, rerun_copy, rerun_matches, write_corpus

FRAMING_TABLES = ("keyness", "terms", "frames_sentences", "frame_shares", "tone", "stance",
                  "stance_markers", "actors", "actor_roles", "relationship",
                  "relationship_sentences", "third_parties", "alignment", "framing_summary")


def table(out, name):
    return read_table(out / "tables" / f"{name}.csv")


def test_sentence_rows_point_at_their_text(bundled_run):
    texts = {d: original_text(d) for d in (OPED, OVERVIEW)}
    sentences = table(bundled_run, "sentences").set_index(["doc_id", "sentence_id"])
    for name in ("tone", "frames_sentences"):
        rows = table(bundled_run, name)
        assert len(rows) > 90
        for row in rows.itertuples():
            sentence = sentences.loc[(row.doc_id, row.sentence_id)]
            assert (row.start_char, row.end_char) == (sentence.start_char, sentence.end_char)
    for name in ("stance_markers", "actor_roles"):
        for row in table(bundled_run, name).itertuples():
            assert texts[row.doc_id][row.start_char:row.end_char] == row.text, (name, row)


def test_every_finding_points_at_sentences_of_the_group_it_speaks_of(bundled_run):
    summary = table(bundled_run, "framing_summary")
    sentences = table(bundled_run, "sentences")
    spans = set(zip(sentences.doc_id, sentences.start_char, sentences.end_char))
    assert summary["rank"].tolist() == list(range(1, len(summary) + 1))
    assert {"frame share", "tone", "stance", "relationship", "alignment",
            "distinctive term"} <= set(summary.measure)
    # agency is compared only with at least agency_min_roles (10) agent/patient roles a group
    roles = table(bundled_run, "actor_roles").merge(sentences[["doc_id", "sentence_id"]])
    groups = dict(zip(table(bundled_run, "documents").doc_id,
                      table(bundled_run, "documents").group, strict=True))
    acted = roles[roles.role.isin(["agent", "patient"])].assign(group=lambda d: d.doc_id.map(groups))
    counts = acted.groupby(["actor", "group"]).size().unstack(fill_value=0)
    compared = set(summary.loc[summary.measure == "agency", "category"])
    assert compared == {a for a in compared if counts.loc[a].min() >= 10}
    assert "Pakistan" not in compared and counts.loc["Pakistan"].min() < 10
    for row in summary.itertuples():
        assert row.finding.endswith(".")
        if row.measure == "distinctive term" or not row.evidence:
            continue
        for doc_id, start, end in json.loads(row.evidence):
            assert (doc_id, start, end) in spans, (row.measure, doc_id, start, end)


def test_third_countries_are_named_by_the_oped_only(bundled_run):
    # read from the text itself: the overview names no country but the two
    assert "China" in original_text(OPED) and "India" in original_text(OPED)
    assert "China" not in original_text(OVERVIEW) and "India" not in original_text(OVERVIEW)
    third = table(bundled_run, "third_parties")
    assert set(third.doc_id) == {OPED}
    assert {"China", "India"} <= set(third.country)
    relationship = table(bundled_run, "relationship")
    assert set(relationship.side_a) | set(relationship.side_b) == {"Japan", "Pakistan"}
    group = relationship[(relationship.level == "group") &
                         (relationship.category == "any_third_party")].set_index("group")
    assert group.loc["overview", "share"] == 0 and group.loc["op-ed", "share"] > 0.1
    summary = table(bundled_run, "framing_summary")
    row = summary[(summary.measure == "relationship") &
                  (summary.category == "any_third_party")].iloc[0]
    # one sentence per kind of measure, with the counts behind each share
    k, n = group.loc["op-ed", "sentences"], group.loc["op-ed", "total"]
    n_over = group.loc["overview", "total"]
    assert row.finding.startswith(
        f"{100 * k / n:.0f}% ({k} of {n}) of the op-ed's sentences name a third country, "
        f"against 0% (0 of {n_over}) of the overview's (difference ")
    # one document per group: paragraphs are resampled (16 and 12 body paragraphs and list
    # items), which keeps the interval above 0 but widens it
    assert row.resampling_unit == "paragraph" and row.ci_low > 0 and row.p_value < 0.1


def test_stance_words_match_document_word_counts_and_comment_is_apart(bundled_run):
    stance = table(bundled_run, "stance")
    documents = table(bundled_run, "documents").set_index("doc_id")
    for doc_id in (OPED, OVERVIEW):
        rows = stance[(stance.level == "document") & (stance.doc_id == doc_id)]
        words = rows[rows.voice == "all"].groupby("part")["words"].agg(set)
        voices = rows[rows.marker == "hedges"].set_index(["part", "voice"])["words"]
        assert voices["body", "author"] + voices["body", "quoted"] == voices["body", "all"]
        # the document's body words (documents.csv) are its body and heading sentences' words
        assert len(words["body"]) == len(words["heading"]) == 1
        assert min(words["body"]) + min(words["heading"]) == documents.loc[doc_id, "n_words"]
    comment = stance[(stance.doc_id == OPED) & (stance.part == "comment") &
                     (stance.voice == "all")]
    assert set(comment.words) == {documents.loc[OPED, "n_comment_words"]}
    groups = stance[stance.level == "group"]
    assert set(groups.part) == {"body"}


def test_framing_tables_are_byte_identical_on_a_second_run(bundled_run, nlp, tmp_path):
    assert rerun_matches(bundled_run, tmp_path, nlp, "framing", FRAMING_TABLES) == []


TEXTS = {
    "brief-1": ("overview", "Japan and Pakistan signed a trade agreement in 2021.\n\n"
                "Japan and Pakistan expanded trade and investment, and exports grew.\n\n"
                "Pakistan welcomed investment from Japan in new factories."),
    "brief-2": ("overview", "Japan gave Pakistan a loan for roads in 2021.\n\n"
                "Trade between Japan and Pakistan rose as exports of textiles grew.\n\n"
                "Investment from Japan created jobs in Pakistan."),
    "oped-1": ("op-ed", "We believe China worries Japan more than trade does.\n\n"
               "Pakistan must perhaps balance China and the United States, said one analyst.\n\n"
               "Will Japan really stand by Pakistan if India objects?"),
    "other-1": ("blog", "Pakistan and Japan played cricket.\n\nJapan lost the match to Pakistan."),
}


@pytest.fixture(scope="module")
def three_groups(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("three")
    corpus = write_corpus(root / "corpus", TEXTS)
    config = root / "config.toml"
    config.write_text('[topics]\nmin_df = 1\nn_topics_range = [2, 3]\n', encoding="utf-8")
    runner = Runner(STAGES, load_config(config), corpus, root / "out", nlp=nlp)
    runner.run()
    return root / "out"


def test_a_third_group_is_measured_per_document_but_not_compared(three_groups):
    shares = table(three_groups, "frame_shares")
    assert set(shares[shares.level == "group"].group) == {"overview", "op-ed"}
    assert "other-1" in set(shares.doc_id)
    summary = table(three_groups, "framing_summary")
    tone = summary[(summary.measure == "tone") & (summary.category == "mean compound")].iloc[0]
    assert (tone.n_a, tone.n_b) == (6, 3)  # sentences of the two compared groups only


def test_small_corpus_measures_read_off_the_text(three_groups):
    relationship = table(three_groups, "relationship")
    assert (relationship.side_a.iloc[0], relationship.side_b.iloc[0]) == ("Japan", "Pakistan")
    third = table(three_groups, "third_parties")
    assert set(third.country) == {"China", "India", "United States"}
    assert set(third.doc_id) == {"oped-1"}
    stance = table(three_groups, "stance")
    body = stance[(stance.level == "document") & (stance.doc_id == "oped-1") &
                  (stance.part == "body")]
    rows = body[body.voice == "all"].set_index("marker")["count"]
    assert rows.index.is_unique
    oped = rows.get
    assert oped("self_mentions") == 1 and oped("questions") == 1
    assert oped("attributed_speech") == 1 and oped("boosters") >= 2  # believe, really (+ must)
    # "must perhaps ..., said one analyst": the analyst's hedge, not the author's
    own = body[body.voice == "author"].set_index("marker")["count"]
    assert oped("hedges") >= 1 and own["hedges"] == 0 and own["self_mentions"] == 1
    speakers = table(three_groups, "quoted_speakers")
    assert set(speakers.speaker) == {"one analyst"} and set(speakers.verbs) == {"say (1)"}
    frames = table(three_groups, "frames_sentences")
    briefs = frames[frames.doc_id.str.startswith("brief")]
    assert (briefs.primary_frame == "economic").sum() >= 4
    roles = table(three_groups, "actor_roles")
    signed = roles[(roles.doc_id == "brief-1") & (roles.sentence_id == 0)]
    assert set(signed.role) == {"agent"} and set(signed.verb) == {"sign"}
    assert set(signed.via) == {"direct", "coordination"}


def test_sides_from_the_config_and_bad_values(tmp_path, nlp, three_groups):
    bad = tmp_path / "bad.toml"
    bad.write_text('[framing]\nsides = ["Japan"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="framing.sides"):
        load_config(bad)
    good = tmp_path / "good.toml"
    good.write_text('[framing]\nsides = ["Japan", "China"]\n[topics]\nmin_df = 1\n'
                    'n_topics_range = [2, 3]\n', encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(three_groups, out)
    runner = Runner(STAGES, load_config(good), three_groups.parent / "corpus", out, nlp=nlp)
    runner.run(only="framing", force=True)
    third = table(out, "third_parties")
    assert "Pakistan" in set(third.country) and "China" not in set(third.country)


def test_nationality_words_name_their_country_unless_switched_off(bundled_run, nlp, tmp_path):
    # read from the text: this sentence names both countries by nationality word only
    sentences = table(bundled_run, "sentences")
    wanted = sentences[sentences.text.str.startswith("Japanese companies have also invested")]
    assert len(wanted) == 1
    doc_id, sid = wanted.doc_id.iloc[0], int(wanted.sentence_id.iloc[0])
    assert "Pakistani economy" in wanted.text.iloc[0] and " Japan " not in wanted.text.iloc[0]

    def row(out):
        rel = table(out, "relationship_sentences")
        return rel[(rel.doc_id == doc_id) & (rel.sentence_id == sid)].iloc[0]

    assert row(bundled_run).relationship == "both_sides"
    off = tmp_path / "off.toml"
    off.write_text("[framing]\ndemonyms_name_countries = false\n", encoding="utf-8")
    out = rerun_copy(bundled_run, tmp_path / "out", nlp, "framing", off)
    assert row(out).relationship == "neither"
    assert not row(out).names_side_a and not row(out).names_side_b


def test_a_frame_that_matches_nothing_moves_no_other_number(bundled_run, nlp, tmp_path):
    # every finding has its own random stream: a new, never-matching frame must leave
    # every interval, p-value and rank of the other findings as it was
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    (lexicons / "frames.toml").write_text(
        '[[frame]]\nname = "astronomy"\ndefinition = "Planets and stars."\n'
        'lemmas = ["exoplanet"]\nphrases = ["red dwarf star"]\n', encoding="utf-8")
    config = tmp_path / "extra.toml"
    config.write_text('[corpus]\nlexicon_dir = "lexicons"\n', encoding="utf-8")
    out = rerun_copy(bundled_run, tmp_path / "out", nlp, "framing", config)
    shares = table(out, "frame_shares")
    assert set(shares[shares.frame == "astronomy"].sentences) == {0}  # it matched nothing
    for name in ("framing_summary", "tone_summary", "relationship"):
        before = (bundled_run / "tables" / f"{name}.csv").read_text(encoding="utf-8")
        assert (out / "tables" / f"{name}.csv").read_text(encoding="utf-8") == before, name
    old = table(bundled_run, "frame_shares")
    assert shares[shares.frame != "astronomy"].reset_index(drop=True).equals(old)


HEADED = {
    "headed-1": ("overview", "Japan Pakistan Trade Talks\n\n"
                 "Japan and Pakistan signed a trade agreement in Tokyo.\n\n"
                 "Security Concerns\n\n"
                 "Pakistan and Japan discussed security threats in the region.\n\n"
                 "Exports grew as Japan bought textiles from Pakistan."),
    "headed-2": ("op-ed", "Why Japan Matters\n\n"
                 "We think Japan really matters to Pakistan.\n\n"
                 "The Economy\n\n"
                 "Pakistan must perhaps trade more with Japan."),
}
HEADINGS = {"Japan Pakistan Trade Talks", "Security Concerns", "Why Japan Matters", "The Economy"}


@pytest.fixture(scope="module")
def headed(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("headed")
    corpus = write_corpus(root / "corpus", HEADED)
    config = root / "config.toml"
    config.write_text('compare = ["overview", "op-ed"]\n[topics]\nmin_df = 1\n'
                      'n_topics_range = [2, 2]\n', encoding="utf-8")
    Runner(STAGES, load_config(config), corpus, root / "out", nlp=nlp).run()
    return root


def test_headings_are_reported_apart_and_counted_in_no_rate(headed, nlp, tmp_path):
    out = headed / "out"
    headlines = table(out, "headline_frames")
    assert set(headlines.text) == HEADINGS
    assert set(headlines[headlines.doc_id == "headed-1"].part) == {"title", "heading"}
    texts = {d: t for d, (_, t) in HEADED.items()}
    for row in headlines.itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    # the body sentences are the paragraphs that are not headings: 3 and 2
    shares = table(out, "frame_shares")
    totals = shares[shares.level == "group"].groupby("group")["total"].first()
    assert totals.to_dict() == {"overview": 3, "op-ed": 2}
    tone = table(out, "tone_summary")
    assert tone[tone.level == "group"].set_index("group")["sentences"].to_dict() == \
        {"overview": 3, "op-ed": 2}
    assert (table(out, "tone").scope == "heading").sum() == len(HEADINGS)
    summary = table(out, "framing_summary")
    heading_spans = {(r.doc_id, r.start_char, r.end_char) for r in headlines.itertuples()}
    for evidence in summary.evidence.dropna():
        assert not {tuple(span) for span in json.loads(evidence)} & heading_spans
    keyness = table(out, "keyness")
    assert "concern" not in set(keyness.term)  # a word of a heading only
    # heading_parts = [] counts them as body sentences again
    config = tmp_path / "all.toml"
    config.write_text('compare = ["overview", "op-ed"]\n[framing]\nheading_parts = []\n'
                      '[topics]\nmin_df = 1\nn_topics_range = [2, 2]\n', encoding="utf-8")
    again = tmp_path / "out"
    shutil.copytree(out, again)
    Runner(STAGES, load_config(config), headed / "corpus", again, nlp=nlp).run(only="framing")
    shares = table(again, "frame_shares")
    totals = shares[shares.level == "group"].groupby("group")["total"].first()
    assert totals.to_dict() == {"overview": 5, "op-ed": 4}
    assert table(again, "headline_frames").empty


def test_inferred_sides_are_said_and_marked(three_groups):
    sides = table(three_groups, "sides")
    assert set(sides.source) == {"inferred"}
    assert sides.set_index("side").loc[["A", "B"], "country"].tolist() == ["Japan", "Pakistan"]
    assert sides.note.iloc[0].startswith("inferred: Japan and Pakistan are the countries")
    summary = table(three_groups, "framing_summary")
    dependent = summary[summary.measure.isin(["relationship", "agency"])]
    assert len(dependent) and set(dependent.depends_on_sides) == {"inferred"}
    assert dependent.finding.str.contains("the sides are inferred, not declared").all()
    assert set(summary[~summary.measure.isin(["relationship", "agency"])]
               .depends_on_sides.fillna("")) == {""}
    report = (three_groups / "report.html").read_text(encoding="utf-8")
    assert "inferred: Japan and Pakistan are the countries the article bodies name most" in report


SCATTERED = {
    "many-1": ("overview", "France signed a deal with Germany.\n\nBrazil protested loudly.\n\n"
               "Spain and Italy agreed on fishing quotas."),
    "many-2": ("op-ed", "Kenya and Chile held talks.\n\nPeru welcomed the plan.\n\n"
               "Norway sent a delegation to the meeting."),
}


def test_no_pair_of_countries_leads_so_relationship_measures_are_skipped(tmp_path, nlp, caplog):
    corpus = write_corpus(tmp_path / "corpus", SCATTERED)
    config = tmp_path / "config.toml"
    config.write_text('[topics]\nmin_df = 1\nn_topics_range = [2, 2]\n', encoding="utf-8")
    with caplog.at_level("WARNING", logger="pipeline"):
        Runner(STAGES, load_config(config), corpus, tmp_path / "out", nlp=nlp).run()
    out = tmp_path / "out"
    sides = table(out, "sides")
    assert set(sides.source) == {"none"} and sides.side.isna().all()
    assert "no pair of countries leads" in sides.note.iloc[0]
    assert any("no pair of countries leads" in r.getMessage() for r in caplog.records)
    assert table(out, "relationship").empty and table(out, "third_parties").empty
    summary = table(out, "framing_summary")
    assert not summary.measure.isin(["relationship", "agency"]).any()
    assert "No relationship measures: no pair of countries leads" in \
        (out / "report.html").read_text(encoding="utf-8")


def test_quoted_self_mentions_are_not_the_authors(bundled_run):
    # the op-ed's "We" and "our" are inside the foreign minister's quotation
    text = original_text(OPED)
    markers = table(bundled_run, "stance_markers")
    mine = markers[(markers.doc_id == OPED) & (markers.category == "self_mentions")]
    assert len(mine) >= 2
    for row in mine.itertuples():
        paragraph_start = text.rfind("\n", 0, row.start_char)
        assert "“" in text[paragraph_start:row.start_char]  # a quotation opened before it
        assert (row.voice, row.speaker) == ("quoted", "Bilawal Bhutto Zardari")
    stance = table(bundled_run, "stance")
    group = stance[(stance.level == "group") & (stance.group == "op-ed") &
                   (stance.marker == "self_mentions")].set_index("voice")["count"]
    assert (group["author"], group["all"]) == (0, len(mine))
    summary = table(bundled_run, "framing_summary")
    assert "self_mentions" not in set(summary[summary.measure == "stance"].category)
    speakers = table(bundled_run, "quoted_speakers")
    assert "Bilawal Bhutto Zardari" in set(speakers.speaker)


def test_two_leading_countries_that_take_less_than_half_are_not_a_relationship():
    import pandas as pd

    from pipeline.config import FramingSettings
    from pipeline.stages.framing.relationship import choose_sides

    # UK in 10 sentences, US in 6, then eight countries in 3 each: UK and US lead the third
    # by 2x but take 16 of 40 namings
    named = ["UK"] * 10 + ["US"] * 6 + [c for c in "ABCDEFGH" for _ in range(3)]
    places = pd.DataFrame({"doc_id": "d", "sentence_id": range(len(named)), "actor": named})
    sentences = pd.DataFrame({"doc_id": "d", "sentence_id": range(len(named)), "scope": "body"})
    sides, table = choose_sides(places, sentences, FramingSettings(), set())
    assert sides.source == "none" and "of 40 namings of countries" in sides.note
    assert table.set_index("country").loc["UK", "sentences"] == 10
    lenient = FramingSettings(sides_min_share=0.4)
    assert choose_sides(places, sentences, lenient, set())[0].source == "inferred"


# What a reader of the two bundled texts expects each side's vocabulary to show, written
# from reading them: the overview surveys culture, trade and aid; the op-ed is about the
# foreign minister's visit and the region's security.
OVERVIEW_WORDS = {"cultural", "mutual", "relationship", "export", "infrastructure", "project",
                  "economic", "trade", "development", "foster", "partnership", "investment",
                  "education", "exchange", "global"}
OPED_WORDS = {"visit", "bilawal bhutto zardari", "minister", "foreign", "china", "bilateral",
              "asia-pacific", "security", "strategic", "tokyo", "islamabad", "meet",
              "hayashi yoshimasa", "regional"}


def test_each_side_of_the_bundled_pair_leans_on_words_a_reader_expects(bundled_run):
    keyness = table(bundled_run, "keyness")
    lemmas = keyness[keyness["kind"] == "lemma"]
    overview = list(lemmas[lemmas["units_a"] >= 2].nlargest(6, "log_odds_z")["term"])
    oped = list(lemmas[lemmas["units_b"] >= 2].nsmallest(6, "log_odds_z")["term"])
    assert len(set(overview) & OVERVIEW_WORDS) >= 5, overview
    assert len(set(oped) & OPED_WORDS) >= 5, oped
    distinctive = set(lemmas.loc[lemmas["distinctive_for"] == "op-ed", "term"])
    assert {"visit", "bilawal bhutto zardari"} <= distinctive
    assert set(lemmas["prior"]) and (lemmas["prior"] >= 0.5).all()
    # the terms table leads every count to its sentences
    terms = table(bundled_run, "terms")
    visit = terms[(terms["term"] == "visit") & (terms["kind"] == "lemma")]
    row = lemmas.set_index("term").loc["visit"]
    assert len(visit) == row["count_a"] + row["count_b"]
    for r in visit.itertuples():
        assert original_text(r.doc_id)[r.start_char:r.end_char].lower().startswith("visit")


def test_a_sentence_mentions_every_frame_with_a_cue_and_shares_count_them(headed, bundled_run):
    frames = table(headed / "out", "frames_sentences")
    signed = frames[frames.start_char == HEADED["headed-1"][1].index("Japan and Pakistan signed")]
    # "trade" is an economic cue, "agreement" one of relations between states: both present
    present = signed.frames_present.iloc[0].split("; ")
    assert {"economic", "external_regulation_and_reputation"} <= set(present)
    assert signed.primary_frame.iloc[0] in present
    shares = table(bundled_run, "frame_shares")
    tagged = table(bundled_run, "frames_sentences")
    sentences = table(bundled_run, "sentences")
    # body sentences of each bundled document that mention economic, counted off the table
    body = tagged.merge(sentences[["doc_id", "sentence_id", "part", "duplicate_of"]],
                        on=["doc_id", "sentence_id", "part"])
    body = body[body.part.isin(["paragraph", "list_item"]) & body.duplicate_of.isna()]
    for doc_id in (OPED, OVERVIEW):
        mine = body[body.doc_id == doc_id]
        counted = sum("economic" in str(p).split("; ") for p in mine.frames_present)
        row = shares[(shares.level == "document") & (shares.doc_id == doc_id) &
                     (shares.frame == "economic")].iloc[0]
        assert (row.mentioning, row.total) == (counted, len(mine))
    named = shares[shares.frame != "none"]
    assert (named.mention_share >= named.share).all()
    assert (shares[shares.frame != "none"].groupby(["level", "doc_id", "group"]).mention_share
            .sum() > 1).any()  # sentences mention several frames


def test_tie_rules_decide_equal_scores_as_the_codebook_does(nlp):
    from pipeline.corpus.lexicons import PACKAGE_DATA, Lexicon, read_lexicon_file
    from pipeline.nlp.cues import compile_cues
    from pipeline.stages.framing.frames import (
        FrameRules,
        frame_definitions,
        frame_rules,
        sentence_frames,
    )

    lexicon = [Lexicon("frames.toml", read_lexicon_file(PACKAGE_DATA / "frames.toml"))]
    definitions = frame_definitions(lexicon)
    cues, ties = compile_cues(definitions, nlp), frame_rules(definitions)

    def primary(text, rules=ties):
        doc = nlp(text)
        return sentence_frames(doc[:], cues, rules)[0]

    # a visit as an event of political actors is political; a visit that marks the state
    # of the relationship is about the relationship (one cue each: the tie rule decides)
    assert primary("The minister will visit Tokyo next week.") == "political"
    assert primary("The visit marks a new chapter in relations.") == \
        "external_regulation_and_reputation"
    # without the rule the lexicon's order decides, and political comes first
    assert primary("The visit marks a new chapter in relations.", FrameRules()) == "political"
    # rivalry beats the relationship on equal scores
    assert primary("Their rivalry shaped relations.") == "security_and_defense"
    # aid as money is economic
    assert primary("Tokyo increased its aid last year.") == "economic"


def test_an_ambiguous_cue_counts_only_beside_another_cue_of_its_frame(nlp):
    from pipeline.nlp.cues import compile_cues
    from pipeline.stages.framing.frames import frame_rules, sentence_frames

    definitions = {"capacity": {"lemmas": ["power", "electricity", "grid"],
                                "ambiguous": ["power"]},
                   "security": {"lemmas": ["rival", "military"]}}
    cues, rules = compile_cues(definitions, nlp), frame_rules(definitions)

    def frame(text):
        doc = nlp(text)
        return sentence_frames(doc[:], cues, rules)[:2]

    # "power" alone (might, not electricity) is no capacity cue
    assert frame("China is a great power.") == ("none", {"capacity": 0, "security": 0})
    # beside "grid" it counts: both cue words score
    assert frame("The grid needs more power.") == ("capacity", {"capacity": 2, "security": 0})
    assert frame("Its rival has military power.")[0] == "security"
