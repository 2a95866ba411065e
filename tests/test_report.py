"""The HTML report: contents from the tables, and a real render in headless Chromium."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.stages import STAGES

from .conftest import OPED, REPO, original_text, write_corpus

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_BROWSER = ("No Chromium found for the report's browser test: install Debian's chromium "
              "(apt-get install chromium), or Playwright's (python -m playwright install "
              "chromium), or set CHROMIUM_PATH to a Chromium or Chrome executable")
ARTIFACTS = REPO / "test-artifacts"
# as the machine notes advise: no background connections, no sandbox as root
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def find_chromium(environ=os.environ) -> str:
    """The browser to drive: $CHROMIUM_PATH, else the first of BROWSER_NAMES on $PATH, else
    the Chromium Playwright installed for itself; a one-line error naming what to install."""
    if environ.get("CHROMIUM_PATH"):
        path = Path(environ["CHROMIUM_PATH"])
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FileNotFoundError(f"CHROMIUM_PATH={path} is not an executable file")
        return str(path)
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=environ.get("PATH", ""))
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = p.chromium.executable_path
        if own and Path(own).is_file():
            return own
    except Exception:  # noqa: BLE001 - no Playwright browser: fall through to the message
        pass
    raise FileNotFoundError(NO_BROWSER)


def render(page_path: Path, screenshot: Path) -> dict:
    """Open the page in headless Chromium; what loaded, what was requested, what was logged."""
    from playwright.sync_api import sync_playwright

    requests, console = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: console.append(("error", str(e))))
        page.goto(page_path.as_uri(), wait_until="load")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, "
                   "e.getBoundingClientRect().width, e.alt])")
        headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
        text = page.inner_text("body")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return {"requests": requests, "console": console, "images": images, "headings": headings,
            "text": text}


def test_browser_is_found_by_env_var_then_path_and_missing_one_is_named(tmp_path):
    fake = tmp_path / "bin" / "chromium-browser"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_chromium({"CHROMIUM_PATH": str(fake), "PATH": ""}) == str(fake)
    assert find_chromium({"PATH": str(fake.parent)}) == str(fake)
    with pytest.raises(FileNotFoundError, match="CHROMIUM_PATH=.*nosuch is not an executable"):
        find_chromium({"CHROMIUM_PATH": str(tmp_path / "nosuch"), "PATH": ""})
    # nothing on PATH: Playwright's own browser, if it has one, else the one-line message
    try:
        found = find_chromium({"PATH": str(tmp_path)})
    except FileNotFoundError as err:
        assert str(err) == NO_BROWSER and "\n" not in str(err)
    else:
        assert Path(found).is_file() and "ms-playwright" in found


def test_report_renders_completely_offline_in_chromium(bundled_run):
    shot = ARTIFACTS / "report.png"
    seen = render(bundled_run / "report.html", shot)
    assert len(seen["images"]) >= 12
    for complete, width, height, shown_width, alt in seen["images"]:
        assert complete and width > 0 and height > 0 and shown_width > 0, alt
    page = (bundled_run / "report.html").as_uri()
    outside = [u for u in seen["requests"] if u != page and not u.startswith("data:")]
    assert outside == []
    assert [m for m in seen["console"] if m[0] in ("error", "warning")] == []
    assert seen["headings"] == ["Key findings", "Corpus", "Entities", "Topics",
                                "Distinctive vocabulary", "Frames", "Tone", "Stance and hedging",
                                "Actors", "The relationship", "Shared and one-sided claims",
                                "Over time", "Explorer", "Method notes"]
    assert shot.stat().st_size > 50_000


def test_report_is_self_contained_and_filled_from_the_tables(bundled_run):
    page = (bundled_run / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    # the only scripts are the explorer's own, inline: none is loaded from anywhere
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts == [' type="application/json" id="explorer-data"', ""]
    assert "src=" not in "".join(scripts)
    summary = read_table(bundled_run / "tables" / "framing_summary.csv")
    first = summary.iloc[0]
    assert first.finding.replace("'", "&#39;") in page
    # its evidence sentence is quoted, with its offsets
    doc_id, start, end = json.loads(first.evidence)[0]
    sentence = original_text(doc_id)[start:end]
    assert f"{doc_id}, characters {start}–{end}" in page
    plain = re.sub(r"</?mark>", "", page)
    assert sentence[:60].replace("'", "&#39;").replace("“", "“") in plain
    # the words behind a finding are marked in its evidence: countries, markers, actors
    findings_html = page.split('id="findings"')[1].split("</section>")[0]
    marked = re.findall(r"<mark>(.+?)</mark>", findings_html)
    assert "China" in marked and "Japan" in marked
    frame_items = [item for item in findings_html.split('<li id="f')[1:]
                   if "frame share: " in item and "frame share: none" not in item]
    assert frame_items and all("<mark>" in item for item in frame_items)  # the cue words
    assert "Bilawal Bhutto Zardari" in page and "overview-pakistan-japan" in page
    segments = read_table(bundled_run / "tables" / "segments.csv")
    parts = page.split("Segments of each document, by part")[1].split("</table>")[0]
    oped_row = parts.split(f"<td>{OPED}</td>")[1].split("</tr>")[0]
    comments = int((segments[segments.doc_id == OPED].part == "comment").sum())
    assert comments > 0 and f"<td>{comments}</td>" in oped_row
    findings = (bundled_run / "findings.md").read_text(encoding="utf-8")
    # first the verdict over the whole family of tests, counted here from the table
    measured = summary[summary.measure != "distinctive term"]
    key = int((measured.q_value < 0.05).sum())
    verdict = findings.splitlines()[2]
    assert (verdict.startswith(f"{key} of the {len(measured)} measured differences pass")
            if key else verdict.startswith(f"None of the {len(measured)} measured differences"))
    assert verdict in page.split("<h1>")[1][:2000]  # and it is the page's first line
    label = "" if first.q_value < 0.05 else (
        "Suggestive: " if first.p_value < 0.05 else "Not significant after correction: ")
    assert findings.splitlines()[4] == f"1. {label}{first.finding}"
    assert f"({OPED}, characters" in findings
    for row in measured.itertuples():
        assert row.status == ("key" if row.q_value < 0.05 else
                              "suggestive" if row.p_value < 0.05 else "not significant")
        assert f"q = {row.q_value:.3f}" in row.finding


def test_report_of_another_corpus_uses_its_groups_and_names(tmp_path, nlp):
    texts = {
        "a1": ("wire", "Kenya and Brazil signed a trade pact in Nairobi.\n\n"
               "Kenya hopes exports of tea to Brazil will grow.\n\nBrazil and Kenya agreed."),
        "a2": ("wire", "Trade between Kenya and Brazil rose.\n\nBrazil imported tea from Kenya."),
        "b1": ("column", "I doubt Kenya should trust Brazil.\n\nChina may matter more to Kenya "
               "than Brazil does.\n\nWill Brazil keep its word?"),
    }
    corpus = write_corpus(tmp_path / "corpus", texts)
    config = tmp_path / "c.toml"
    config.write_text('compare = ["wire", "column"]\n[topics]\nmin_df = 1\n'
                      'n_topics_range = [2, 3]\n', encoding="utf-8")
    runner = Runner(STAGES, load_config(config), corpus, tmp_path / "out", nlp=nlp)
    runner.run()
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "How the wire and the column frame the story" in page
    assert "Kenya" in page and "Brazil" in page
    assert "overview" not in page and "Pakistan" not in page
    seen = render(tmp_path / "out" / "report.html", tmp_path / "other.png")
    assert all(img[1] > 0 for img in seen["images"])
    assert [m for m in seen["console"] if m[0] == "error"] == []


def test_tone_findings_mark_the_words_vader_scores(bundled_run, nlp, tmp_path):
    import shutil

    import numpy as np
    import pandas as pd

    from pipeline.nlp.tone import valence
    from pipeline.stages.report.page import _tone_words

    # on the bundled run, with enough key findings to reach the tone ones
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    config = tmp_path / "more.toml"
    config.write_text("[report]\nkey_findings = 40\n", encoding="utf-8")
    runner = Runner(STAGES, load_config(config), REPO / "corpus", out, nlp=nlp)
    runner.run(only="report")
    page = (out / "report.html").read_text(encoding="utf-8")
    items = page.split('id="findings"')[1].split("</section>")[0].split('<li id="f')[1:]
    negative = [i for i in items if "tone: negative sentences" in i]
    assert negative
    marked = [w for i in negative for w in re.findall(r"<mark>(.+?)</mark>", i)]
    assert marked and all(v < 0 for v in valence(marked))

    words = ["Japan", "welcomed", "the", "great", "deal", "but", "feared", "an", "attack"]
    tokens = pd.DataFrame({"doc_id": "d", "text": words,
                           "start_char": range(0, 90, 10), "end_char": range(5, 95, 10)})
    scores = np.array(valence(words))
    marked = {c: [words[i // 10] for i in _tone_words(tokens, scores, c)["start_char"]]
              for c in ("positive sentences", "negative sentences", "mean compound")}
    # vader_lexicon.txt: welcomed 1.4, great 3.1, feared -2.2, attack -2.1; the rest absent
    assert marked["positive sentences"] == ["welcomed", "great"]
    assert marked["negative sentences"] == ["feared", "attack"]
    assert marked["mean compound"] == ["welcomed", "great", "feared", "attack"]


def test_vocabulary_section_says_which_side_has_distinctive_words(bundled_run):
    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    assert "No word is distinctive of the overview" in html
    assert re.search(r"2 words are distinctive of the op-ed \(“visit”, “bilawal bhutto zardari”\)"
                     r"|2 words are distinctive of the op-ed \(“bilawal bhutto zardari”, “visit”\)",
                     html)
    # the term's sentences are found through terms.csv, names included
    assert "“bilawal bhutto zardari”: distinctive of the op-ed" in html


def test_a_corpus_with_no_body_text_to_compare_still_gets_a_report(tmp_path, nlp):
    # only the reader comments are parsed: no article sentence, no measure, yet every
    # stage runs, the tables are written with their columns and the page says why
    config = tmp_path / "c.toml"
    config.write_text('[parse]\nparts = ["comment"]\n', encoding="utf-8")
    out = tmp_path / "out"
    results = Runner(STAGES, load_config(config), REPO / "corpus", out, nlp=nlp).run()
    assert [r.status for r in results] == ["ran"] * len(STAGES)
    summary = read_table(out / "tables" / "framing_summary.csv")
    assert summary.empty and "evidence" in summary.columns
    assert read_table(out / "tables" / "keyterms.csv").empty
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No difference between the groups could be measured" in page
    assert "No topic model for this corpus" in page
    assert (out / "figures" / "key_terms.png").is_file()


def _explorer_page(page_path: Path, steps):
    """Open the page in headless Chromium, run ``steps(page)`` and return what it returns,
    with any script error the page raised."""
    from playwright.sync_api import sync_playwright

    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri(), wait_until="load")
        try:
            return steps(page), errors
        finally:
            browser.close()


def _body_occurrences(out: Path, term: str):
    """Where a lemma occurs in the body sentences, from terms.csv, tone.csv, documents.csv."""
    terms = read_table(out / "tables" / "terms.csv")
    tone = read_table(out / "tables" / "tone.csv")
    groups = read_table(out / "tables" / "documents.csv")[["doc_id", "group"]]
    body = tone[tone["scope"] == "body"][["doc_id", "sentence_id"]].merge(groups, on="doc_id")
    hits = terms[(terms["kind"] == "lemma") & (terms["term"] == term)]
    return hits.merge(body, on=["doc_id", "sentence_id"]).sort_values(["doc_id", "start_char"])


def test_explorer_click_on_a_term_shows_its_lines_in_context(bundled_run):
    keyness = read_table(bundled_run / "tables" / "keyness.csv")
    lemmas = keyness[(keyness["kind"] == "lemma") & (keyness["count_a"] + keyness["count_b"] >= 3)]
    term = lemmas.loc[lemmas["log_odds_z"].abs().idxmax(), "term"]
    expected = _body_occurrences(bundled_run, term)
    assert len(expected) >= 3

    def click(page):
        page.click(f'#term-plot circle[data-term="{term}"]')
        return {"title": page.inner_text("#kwic h3"),
                "counts": page.eval_on_selector_all("#kwic h4", "els => els.map(e => e.textContent)"),
                "marks": page.eval_on_selector_all("#kwic li mark", "els => els.map(e => e.textContent)"),
                "where": page.eval_on_selector_all("#kwic li .where", "els => els.map(e => e.textContent)"),
                "chosen": page.eval_on_selector_all("#term-plot circle.chosen",
                                                    "els => els.map(e => e.dataset.term)")}

    seen, errors = _explorer_page(bundled_run / "report.html", click)
    assert errors == []
    assert seen["chosen"] == [term]
    assert seen["title"].startswith(f"“{term}”:")
    limit = load_config().report.explorer_kwic
    lines = []
    for group in ("op-ed", "overview"):  # group B first, then group A
        mine = expected[expected["group"] == group]
        lines += [(r.doc_id, r.start_char, r.end_char) for r in mine.head(limit).itertuples()]
        assert f"{group}: {min(limit, len(mine))} of {len(mine)} occurrence" in \
            " ".join(seen["counts"])
    assert [w.split(", characters ")[0] for w in seen["where"]] == [d for d, _, _ in lines]
    for where, mark, (doc_id, start, end) in zip(seen["where"], seen["marks"], lines, strict=True):
        assert where.startswith(f"{doc_id}, characters {start}–{end} (sentence ")
        assert mark == original_text(doc_id)[start:end]


def test_explorer_search_and_the_sentence_filters(bundled_run):
    frames = read_table(bundled_run / "tables" / "frames_sentences.csv")
    tone = read_table(bundled_run / "tables" / "tone.csv")
    body = tone[tone["scope"] == "body"].merge(frames[["doc_id", "sentence_id", "primary_frame"]],
                                                on=["doc_id", "sentence_id"])
    economic_oped = int(((body["doc_id"] == OPED) & (body["primary_frame"] == "economic")).sum())
    assert economic_oped > 0

    def use(page):
        page.fill("#term-search", "trade")
        page.dispatch_event("#term-search", "change")
        found = page.inner_text("#kwic h3")
        page.fill("#term-search", "zebra")
        page.dispatch_event("#term-search", "change")
        missing = page.inner_text("#kwic")
        page.select_option("#filter-group", "op-ed")
        page.select_option("#filter-frame", "economic")
        count = page.inner_text("#sentence-count")
        rows = page.eval_on_selector_all(
            "#sentence-rows tr", "els => els.map(e => [...e.children].map(c => c.textContent))")
        return found, missing, count, rows

    (found, missing, count, rows), errors = _explorer_page(bundled_run / "report.html", use)
    assert errors == []
    assert found.startswith("“trade”:")
    assert "“zebra” is not among the" in missing and "tables/keyness.csv" in missing
    assert count == f"{economic_oped} sentence{'s' * (economic_oped != 1)} match" \
                    f"{'es' * (economic_oped == 1)}."
    assert len(rows) == economic_oped
    assert all(r[0] == OPED and r[2] == "op-ed" and r[3] == "economic" for r in rows)
    text = original_text(OPED)
    for r in rows:
        start, end = (int(v) for v in r[1].split("–"))
        assert r[7] == text[start:end]
