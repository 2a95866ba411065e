"""Framing over time: dates read from the manifest, periods, and over_time.csv checked
against the run's own per-sentence tables."""

import shutil

import pytest

from pipeline.config import CorpusSettings, load_config
from pipeline.corpus.dates import NO_PERIOD, parse_date, period_of
from pipeline.corpus.manifest import load_corpus
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.errors import CorpusError
from pipeline.stages import STAGES

from .conftest import CORPUS, write_corpus

OVERVIEW, OPED = "000_de99f12ee1bd257d.txt", "004_72c9212a15cf79df.txt"
# doc_id, file, group, date: two months, a bare year, and no date
DATED = [("ov-jan", OVERVIEW, "overview", "2023-01-05"), ("ov-feb", OVERVIEW, "overview", "2023-02-10"),
         ("ov-feb2", OPED, "overview", "2023-02-20T09:30:00Z"), ("ov-year", OVERVIEW, "overview", "2023"),
         ("op-jan", OPED, "op-ed", "2023-01-20"), ("op-feb", OPED, "op-ed", "2023-02"),
         ("op-none", OPED, "op-ed", "")]


def test_dates_and_periods():
    assert parse_date("2023-07-26") == (2023, 7, 26) and parse_date(" ") is None
    assert [period_of("2023-11-02", p) for p in ("month", "quarter", "year")] == \
        ["2023-11", "2023-Q4", "2023"]
    assert period_of("2023-04", "quarter") == "2023-Q2"
    assert period_of("2023", "quarter") is None and period_of("", "year") is None
    for bad in ("26/07/2023", "2023-13", "2023-02-30", "July 2023", "23-07-26"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_a_date_that_is_not_iso_is_refused_in_one_line(tmp_path):
    root = write_corpus(tmp_path / "c", {"a": ("x", "Alpha text."), "b": ("y", "Beta.")})
    manifest = root / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('group = "y"', 'group = "y"\ndate = "26/07/2023"'))
    with pytest.raises(CorpusError) as err:
        load_corpus(root, CorpusSettings())
    assert str(err.value).startswith("Manifest date '26/07/2023' is not an ISO 8601 date")
    assert "entry 2" in str(err.value) and "Fix: write dates as 2023-07-26" in str(err.value)


@pytest.fixture(scope="module")
def dated_run(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("dated")
    corpus = root / "corpus"
    corpus.mkdir()
    entries = []
    for doc_id, source, group, date in DATED:
        shutil.copy(CORPUS / source, corpus / f"{doc_id}.txt")
        entries.append(f'[[documents]]\ndoc_id = "{doc_id}"\npath = "{doc_id}.txt"\n'
                       f'group = "{group}"\ndate = "{date}"\n')
    (corpus / "manifest.toml").write_text('sides = ["Japan", "Pakistan"]\n' + "\n".join(entries))
    out = root / "out"
    Runner(STAGES, load_config(), corpus, out, nlp=nlp).run()
    return corpus, out


def _body(out):
    tone = read_table(out / "tables" / "tone.csv")
    frames = read_table(out / "tables" / "frames_sentences.csv")
    body = tone[tone["scope"] == "body"]
    return body.merge(frames[["doc_id", "sentence_id", "primary_frame"]],
                      on=["doc_id", "sentence_id"])


def test_over_time_rows_are_the_periods_shares_and_means(dated_run):
    _, out = dated_run
    table = read_table(out / "tables" / "over_time.csv")
    body = _body(out)
    cells = {("overview", "2023-01"): ["ov-jan"], ("overview", "2023-02"): ["ov-feb", "ov-feb2"],
             ("op-ed", "2023-01"): ["op-jan"], ("op-ed", "2023-02"): ["op-feb"]}
    assert set(zip(table.loc[table.measure == "tone", "group"],
                   table.loc[table.measure == "tone", "period"], strict=True)) == set(cells)
    for (group, period), docs in cells.items():
        sentences = body[body["doc_id"].isin(docs)]
        rows = table[(table.group == group) & (table.period == period)].set_index(
            ["measure", "category"])
        assert rows.loc[("tone", "compound"), "value"] == pytest.approx(
            sentences["compound"].mean(), abs=1e-6)
        assert rows.loc[("tone", "compound"), "sentences"] == len(sentences)
        assert rows.loc[("tone", "compound"), "documents"] == len(docs)
        for frame, count in sentences["primary_frame"].value_counts().items():
            assert rows.loc[("frame share", frame), "value"] == pytest.approx(
                count / len(sentences), abs=1e-6)
        shares = rows.xs("frame share", level="measure")["value"]
        assert shares.sum() == pytest.approx(1.0, abs=1e-5)
    # an interval only where the period has two documents
    two = table[(table.group == "overview") & (table.period == "2023-02")]
    assert two["ci_low"].notna().all() and (two["ci_low"] <= two["value"] + 1e-9).all()
    one = table[(table.group == "op-ed") & (table.period == "2023-01")]
    assert one["ci_low"].isna().all()
    # the bare year and the undated document are counted apart
    apart = table[table.measure == NO_PERIOD].set_index("group")["value"]
    assert apart.to_dict() == {"overview": 1, "op-ed": 1}


def test_over_time_by_year_places_the_bare_year_too(dated_run, tmp_path, nlp):
    corpus, out = dated_run
    again = tmp_path / "out"
    shutil.copytree(out, again)
    config = tmp_path / "year.toml"
    config.write_text('[framing]\nperiod = "year"\n')
    Runner(STAGES, load_config(config), corpus, again, nlp=nlp).run(only="framing")
    table = read_table(again / "tables" / "over_time.csv")
    tone = table[table.measure == "tone"].set_index("group")
    assert tone["period"].to_dict() == {"op-ed": "2023", "overview": "2023"}
    assert tone["documents"].to_dict() == {"op-ed": 2, "overview": 4}
    assert table[table.measure == NO_PERIOD].set_index("group")["value"].to_dict() == \
        {"overview": 0, "op-ed": 1}


def test_the_report_and_charts_show_the_periods(dated_run, bundled_run):
    _, out = dated_run
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page.split('<section id="over-time">')[1].split("</section>")[0]
    assert "months, 2 in all" in section
    assert "Counted apart (no date, or one less precise than a\nmonth): overview 1" in section
    assert section.count("<img") == 3 or section.count("data:image/svg+xml") == 3
    for name in ("over_time_frames", "over_time_tone", "over_time_stance"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 10_000
    # of the bundled pair only the op-ed is dated (2023-07): the overview is counted apart
    rows = read_table(bundled_run / "tables" / "over_time.csv")
    assert set(rows.loc[rows.measure == "tone", "period"]) == {"2023-07"}
    assert set(rows.loc[rows.measure == "tone", "group"]) == {"op-ed"}
    assert rows[rows.measure == NO_PERIOD].set_index("group")["value"].to_dict() == \
        {"overview": 1, "op-ed": 0}


def test_without_dates_the_report_says_how_to_add_them(tmp_path, nlp):
    corpus = write_corpus(tmp_path / "c", {
        "a": ("overview", "Japan and Pakistan signed a trade deal in Tokyo on Monday.\n\n"
                          "The talks went well, officials said.\n"),
        "b": ("op-ed", "Critics in Islamabad said the deal was weak.\n\nThey want more aid.\n")})
    out = tmp_path / "out"
    Runner(STAGES, load_config(), corpus, out, nlp=nlp).run()
    section = (out / "report.html").read_text(encoding="utf-8").split(
        '<section id="over-time">')[1].split("</section>")[0]
    assert "has a usable date" in section and "(2 document(s) counted apart)" in section
    rows = read_table(out / "tables" / "over_time.csv")
    assert set(rows["measure"]) == {NO_PERIOD} and rows["value"].tolist() == [1, 1]
