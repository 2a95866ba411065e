"""Three compared groups: every measure per group, each pair and each group against the rest,
one family of tests, every group in its own colour, findings that name the pair."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from pipeline.charts.style import GROUP_COLOURS, NEUTRAL, new_figure
from pipeline.config import load_config
from pipeline.corpus.groups import REST, contrasts, relabelled, shown_contrasts
from pipeline.engine.catalog import read_table
from pipeline.engine.runner import Runner
from pipeline.errors import ConfigError, CorpusError
from pipeline.stages import STAGES

from .conftest import CORPUS, write_corpus

GROUPS = ["overview", "op-ed", "brief"]
BRIEFS = {
    "brief-trade": (
        "Japan and Pakistan agreed on Monday to expand trade in textiles and machinery. "
        "Officials said the new agreement would cut tariffs on Pakistani cotton and seafood. "
        "Japanese investors plan new factories in Karachi, creating jobs for young workers. "
        "The trade ministers of both countries will meet again in Tokyo next year. "
        "Exports from Pakistan to Japan rose by a tenth last year, the ministry said."),
    "brief-security": (
        "Pakistan and Japan held talks on regional security and maritime cooperation. "
        "Officials discussed the rivalry between China and India and its risks for the region. "
        "The navies of both countries may hold a joint exercise in the Arabian Sea. "
        "Japan urged restraint and a peaceful settlement of disputes in South Asia. "
        "Analysts said the talks showed growing concern about instability in the region."),
}


def _halves(text: str) -> tuple[str, str]:
    """A text cut in two at the paragraph break nearest its middle."""
    breaks = [m.end() for m in re.finditer(r"\n\n", text)]
    cut = min(breaks, key=lambda b: abs(b - len(text) / 2))
    return text[:cut], text[cut:]


def three_group_corpus(root):
    """Each bundled article cut into two documents (groups overview and op-ed), and two
    short news briefs written here (group brief)."""
    texts = {}
    for name, group in (("000_de99f12ee1bd257d.txt", "overview"),
                        ("004_72c9212a15cf79df.txt", "op-ed")):
        first, second = _halves((CORPUS / name).read_text(encoding="utf-8"))
        texts[f"{group}-1"], texts[f"{group}-2"] = (group, first), (group, second)
    texts.update({d: ("brief", t) for d, t in BRIEFS.items()})
    corpus = write_corpus(root, texts)
    manifest = corpus / "manifest.toml"
    manifest.write_text('sides = ["Japan", "Pakistan"]\n' + manifest.read_text())
    return corpus


@pytest.fixture(scope="module")
def three_run(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("three")
    corpus = three_group_corpus(root / "corpus")
    config = root / "three.toml"
    config.write_text('compare = ["overview", "op-ed", "brief"]\n')
    out = root / "out"
    Runner(STAGES, load_config(config), corpus, out, nlp=nlp).run()
    return corpus, out


def test_contrasts_are_the_pairs_then_each_group_against_the_rest():
    assert [c.labels for c in contrasts(["a", "b"])] == [("a", "b")]
    every = contrasts(["a", "b", "c"])
    assert [c.labels for c in every] == [("a", "b"), ("a", "c"), ("b", "c"),
                                         (REST, "a"), (REST, "b"), (REST, "c")]
    assert every[4].members_a == ("a", "c") and every[4].members_b == ("b",)
    assert [c.labels for c in shown_contrasts(["a", "b", "c"])] == [(REST, "a"), (REST, "b"),
                                                                    (REST, "c")]
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "n": [1, 2, 3, 4]})
    rest_b = relabelled(table, every[4])
    assert rest_b["group"].tolist() == [REST, "b", REST] and rest_b["n"].tolist() == [1, 2, 3]


def test_compare_takes_two_or_more_groups_or_all(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('compare = ["x", "y", "z"]\n')
    assert load_config(config).compare == ("x", "y", "z")
    config.write_text('compare = "all"\n')
    assert load_config(config).compare == ("all",)
    for bad in ('["x"]', '["x", "y", "x"]', '"x"', '["x", ""]'):
        config.write_text(f"compare = {bad}\n")
        with pytest.raises(ConfigError, match="two or more different group names"):
            load_config(config)


def test_all_compares_every_group_of_the_manifest_sorted(tmp_path, nlp):
    corpus = three_group_corpus(tmp_path / "corpus")
    config = tmp_path / "all.toml"
    config.write_text('compare = "all"\n')
    runner = Runner(STAGES, load_config(config), corpus, tmp_path / "out", nlp=nlp)
    runner.run(dry=True)
    assert runner.config.compare == ("brief", "op-ed", "overview")


def test_a_group_named_rest_is_refused_with_three_groups(tmp_path, nlp):
    corpus = three_group_corpus(tmp_path / "corpus")
    manifest = corpus / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('group = "brief"', 'group = "rest"'))
    config = tmp_path / "c.toml"
    config.write_text('compare = ["overview", "op-ed", "rest"]\n')
    runner = Runner(STAGES, load_config(config), corpus, tmp_path / "out", nlp=nlp)
    with pytest.raises(CorpusError, match="Group 'rest' in compare .* one-vs-rest"):
        runner.run(dry=True)
    assert not (tmp_path / "out").exists()


def _body_sentences(out):
    """Body sentences (tone.csv: every sentence the framing stage measured) with their group."""
    tone = read_table(out / "tables" / "tone.csv")
    groups = read_table(out / "tables" / "documents.csv")[["doc_id", "group"]]
    return tone[tone["scope"] == "body"].merge(groups, on="doc_id")


def _body_counts(out, kind="lemma"):
    """Term counts per group over body sentences, from terms.csv and sentences.csv."""
    terms = read_table(out / "tables" / "terms.csv")
    body = _body_sentences(out)[["doc_id", "sentence_id", "group"]]
    hits = terms[terms["kind"] == kind].merge(body, on=["doc_id", "sentence_id"])
    return hits.groupby(["term", "group"]).size().unstack(fill_value=0)


def test_keyness_has_a_block_per_pair_and_per_group_against_the_rest(three_run):
    _, out = three_run
    keyness = read_table(out / "tables" / "keyness.csv")
    blocks = list(dict.fromkeys(zip(keyness["group_a"], keyness["group_b"], strict=True)))
    assert blocks == [("overview", "op-ed"), ("overview", "brief"), ("op-ed", "brief"),
                      (REST, "overview"), (REST, "op-ed"), (REST, "brief")]
    counts = _body_counts(out)
    lemmas = keyness[keyness["kind"] == "lemma"].set_index(["group_a", "group_b", "term"])
    for term in ("trade", "security", "region"):
        row = lemmas.loc[(REST, "brief", term)]
        assert row["count_b"] == counts.loc[term, "brief"]
        assert row["count_a"] == counts.loc[term, "overview"] + counts.loc[term, "op-ed"]
        pair = lemmas.loc[("overview", "op-ed", term)]
        assert (pair["count_a"], pair["count_b"]) == (counts.loc[term, "overview"],
                                                       counts.loc[term, "op-ed"])
    # each group is named distinctive only within its own contrasts
    rest_brief = keyness[(keyness["group_a"] == REST) & (keyness["group_b"] == "brief")]
    assert set(rest_brief["distinctive_for"].dropna()) <= {"", REST, "brief"}


def test_per_group_tables_have_every_group(three_run):
    _, out = three_run
    for name in ("frame_shares", "tone_summary", "stance", "relationship"):
        table = read_table(out / "tables" / f"{name}.csv")
        groups = table.loc[table["level"] == "group", "group"]
        assert list(dict.fromkeys(groups)) == GROUPS, name


def test_the_summary_is_one_family_over_every_contrast(three_run):
    _, out = three_run
    summary = read_table(out / "tables" / "framing_summary.csv")
    measured = summary[summary["measure"] != "distinctive term"]
    pairs = set(zip(measured["group_a"], measured["group_b"], strict=True))
    assert pairs == {("overview", "op-ed"), ("overview", "brief"), ("op-ed", "brief"),
                     (REST, "overview"), (REST, "op-ed"), (REST, "brief")}
    # Benjamini-Hochberg written out here over every measured p-value of the table
    p = measured["p_value"].to_numpy(float)
    tested = ~np.isnan(p)
    order = np.argsort(p[tested], kind="stable")
    m = int(tested.sum())
    ranked = p[tested][order] * m / np.arange(1, m + 1)
    q = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    expected = np.empty(m)
    expected[order] = q
    assert np.allclose(measured["q_value"].to_numpy(float)[tested], expected, atol=2e-6)
    assert m > 6 * 10  # more tests than any one contrast holds: the family is all of them
    # the finding names the two groups it compares
    for row in measured.itertuples():
        for group in (row.group_a, row.group_b):
            name = "the other groups" if group == REST else f"the {group}"
            assert name in row.finding.lower(), row.finding
    # against the rest, group A holds the other groups' sentences together
    frames = read_table(out / "tables" / "frames_sentences.csv")
    body = _body_sentences(out).merge(frames[["doc_id", "sentence_id", "primary_frame"]],
                                      on=["doc_id", "sentence_id"])
    row = measured[(measured["measure"] == "frame share") & (measured["category"] == "economic")
                   & (measured["group_a"] == REST) & (measured["group_b"] == "brief")].iloc[0]
    others = body[body["group"] != "brief"]
    assert row["n_a"] == len(others)
    assert row["value_a"] == pytest.approx((others["primary_frame"] == "economic").mean(),
                                           abs=1e-6)


def test_alignment_pairs_every_two_groups(three_run):
    _, out = three_run
    alignment = read_table(out / "tables" / "alignment.csv")
    pairs = {tuple(sorted(p)) for p in zip(alignment["group"], alignment["compared_with"],
                                          strict=True)}
    assert pairs == {("op-ed", "overview"), ("brief", "overview"), ("brief", "op-ed")}
    matched = alignment[alignment["match_group"].fillna("") != ""]
    assert (matched["match_group"] == matched["compared_with"]).all()


def test_entity_comparison_has_a_block_per_contrast(three_run):
    _, out = three_run
    comparison = read_table(out / "tables" / "entity_comparison.csv")
    blocks = set(zip(comparison["group_a"], comparison["group_b"], strict=True))
    assert (REST, "brief") in blocks and ("overview", "op-ed") in blocks and len(blocks) == 6
    row = comparison[(comparison["group_a"] == REST) & (comparison["group_b"] == "brief")
                     & (comparison["canonical"] == "Japan")].iloc[0]
    pair_rows = comparison[comparison["canonical"] == "Japan"].set_index(["group_a", "group_b"])
    assert row["mentions_a"] == pair_rows.loc[("overview", "op-ed"), "mentions_a"] + \
        pair_rows.loc[("overview", "op-ed"), "mentions_b"]


def test_every_group_has_its_own_colour_in_the_charts(three_run):
    from pipeline.charts.framing import plot_frame_shares, plot_stance_rates

    _, out = three_run
    figure, (ax,) = new_figure(9, 5)
    plot_frame_shares(ax, read_table(out / "tables" / "frame_shares.csv"), tuple(GROUPS))
    colours = [line.get_color().lower() for line in ax.get_lines()]
    assert colours == [c.lower() for c in GROUP_COLOURS[:3]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == GROUPS
    figure, (ax,) = new_figure(9, 5)
    plot_stance_rates(ax, read_table(out / "tables" / "stance.csv"), tuple(GROUPS))
    bars = {tuple(round(v, 3) for v in p.get_facecolor()[:3]) for p in ax.patches}
    assert len(bars) == 3


def test_the_charts_show_each_group_against_the_rest(three_run):
    from pipeline.charts.stages import framing_charts

    _, out = three_run
    tables = {n: read_table(out / "tables" / f"{n}.csv") for n in (
        "keyness", "frame_shares", "tone", "stance", "actors", "documents", "over_time")}
    figures = framing_charts(**tables, framing=load_config().framing, compare=tuple(GROUPS))
    panels = [ax for ax in figures["distinctive_terms"].axes if ax.axison]
    assert len(panels) == 3
    assert [ax.get_title().split("(uses ")[1].split(" beside")[0] for ax in panels] == \
        [f"{REST}/{g}" for g in GROUPS]
    # the rest grey, each group its colour (the bars leaning to the group)
    edge = {tuple(round(v, 3) for v in p.get_edgecolor()[:3]) for p in panels[2].patches}
    assert len(edge) == 2
    grey, green = (tuple(int(h[i:i + 2], 16) / 255 for i in (1, 3, 5))
                   for h in (NEUTRAL, GROUP_COLOURS[2]))
    assert {tuple(round(v, 3) for v in c) for c in (grey, green)} == edge
    for name in ("frame_share_bars", "tone_arcs", "stance_rates", "actor_agency"):
        assert (out / "figures" / f"{name}.png").is_file()


def test_the_report_names_every_group_and_each_finding_its_pair(three_run):
    _, out = three_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "A comparison of 3 groups" in html
    for group, css in zip(GROUPS, ("group-a", "group-b", "group-2"), strict=True):
        assert f'<span class="{css}">{group}</span>' in html
    assert "overview blue, op-ed orange, brief green; the rest grey" in html
    assert re.search(r'<span class="group-rest">rest</span> [\d.%+−-]', html)
    findings = (out / "findings.md").read_text(encoding="utf-8")
    assert '"rest": the other compared groups together' in findings


def test_two_of_three_groups_give_the_same_pair_rows(three_run, tmp_path, nlp):
    """The pair's block of a three-group run is what a run of that pair alone measures."""
    corpus, out = three_run
    pair_out = tmp_path / "pair"
    shutil.copytree(out, pair_out)
    config = tmp_path / "pair.toml"
    config.write_text('compare = ["overview", "op-ed"]\n')
    Runner(STAGES, load_config(config), corpus, pair_out, nlp=nlp).run(only="framing")
    three = read_table(out / "tables" / "keyness.csv")
    two = read_table(pair_out / "tables" / "keyness.csv")
    block = three[(three["group_a"] == "overview") & (three["group_b"] == "op-ed")]
    pd.testing.assert_frame_equal(block.reset_index(drop=True), two.reset_index(drop=True))
