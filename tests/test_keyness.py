"""Keyness statistics against values worked out on paper."""

import math

import numpy as np
import pandas as pd
import pytest

from pipeline.stages.framing.keyness import g2, keyness_table, log_odds_z
from pipeline.stats.ratios import log_ratio

# A 2 x 3 table: three terms, two groups of 20 words each.
#            A    B
#   peace   10    2
#   trade    5    8
#   visit    5   10


def test_g2_by_hand():
    # peace: expected 6 and 6; G2 = 2 (10 ln(10/6) + 2 ln(2/6)) = 2 (5.10826 - 2.19722)
    assert g2(10, 20, 2, 20) == pytest.approx(5.82206, abs=1e-5)
    # trade: expected 6.5 and 6.5; 2 (5 ln(5/6.5) + 8 ln(8/6.5)) = 2 (-1.31182 + 1.66111)
    assert g2(5, 20, 8, 20) == pytest.approx(0.69859, abs=1e-5)
    assert g2(3, 20, 3, 20) == 0.0


def test_log_odds_z_with_a_uniform_prior_by_hand():
    y_a, y_b = np.array([10.0, 5, 5]), np.array([2.0, 8, 10])
    delta, z = log_odds_z(y_a, y_b, np.ones(3))
    # peace: ln(11 / (20 + 3 - 10 - 1)) - ln(3 / (20 + 3 - 2 - 1)) = ln(11/12) - ln(3/20) = 1.81011
    # var = 1/11 + 1/3 = 0.42424, z = 1.81011 / 0.65134 = 2.77906
    assert delta[0] == pytest.approx(1.81011, abs=1e-5)
    assert z[0] == pytest.approx(2.77906, abs=1e-5)
    # trade: ln(6/17) - ln(9/14) = -1.04145 + 0.44183 = -0.59962; z = -0.59962 / sqrt(1/6 + 1/9)
    assert z[1] == pytest.approx(-1.13770, abs=1e-5)


def test_log_ratio_is_hardie_with_zero_as_half():
    assert log_ratio(10, 20, 5, 20) == 1.0
    assert log_ratio(2, 20, 0, 20) == 2.0  # 2 / 0.5


def test_table_marks_distinctive_terms_only_when_spread_over_paragraphs():
    counts = pd.DataFrame({
        "term": ["peace", "trade", "visit"], "kind": ["lemma"] * 3,
        "count_a": [10, 5, 5], "count_b": [2, 8, 10],
        "units_a": [1, 3, 3], "units_b": [2, 5, 6], "n_units_a": [6] * 3, "n_units_b": [8] * 3,
        "example": ["peace", "trade", "visit"], "example_doc_id": ["d"] * 3,
        "example_start_char": [0] * 3, "example_end_char": [5] * 3})
    table = keyness_table(counts, 20, 20, groups=("A", "B"), prior_strength=3.0,
                          z_threshold=1.96, min_units=2).set_index("term")
    # prior strength 3 spread by corpus share: peace 12/40, trade 13/40, visit 15/40
    assert table.loc["peace", "log_odds_z"] > 1.96
    # ... but all 10 uses of "peace" sit in one paragraph of A: not distinctive
    assert table.loc["peace", "distinctive_for"] == ""
    table2 = keyness_table(counts.assign(units_a=[4, 3, 3]), 20, 20, groups=("A", "B"),
                           prior_strength=3.0).set_index("term")
    assert table2.loc["peace", "distinctive_for"] == "A"
    assert table.loc["peace", "g2"] == pytest.approx(5.82206, abs=1e-5)  # signed: A uses it more
    assert table.loc["visit", "g2"] < 0
    assert table.loc["peace", "p"] == pytest.approx(0.01583, abs=1e-4)  # chi2(1) tail of 5.822
    assert table.loc["peace", "rate_a"] == 500.0  # 10 per 20 words = 500 per 1,000
    assert math.isclose(table.loc["peace", "unit_share_b"], 2 / 8)


def test_background_prior_changes_the_shrinkage_not_the_counts():
    counts = pd.DataFrame({
        "term": ["peace", "trade"], "kind": ["lemma"] * 2, "count_a": [10, 5],
        "count_b": [2, 8], "units_a": [4, 3], "units_b": [2, 5], "n_units_a": [6] * 2,
        "n_units_b": [8] * 2, "example": ["peace", "trade"], "example_doc_id": ["d"] * 2,
        "example_start_char": [0] * 2, "example_end_char": [5] * 2})
    # a background where "peace" is very common: its prior is strong, its log-odds shrunk
    # towards 0 (0.48 against 1.33 when its prior is weak)
    common = keyness_table(counts, 20, 20, groups=("A", "B"), prior_strength=100.0,
                           background={"peace": 990.0, "trade": 10.0}).set_index("term")
    rare = keyness_table(counts, 20, 20, groups=("A", "B"), prior_strength=100.0,
                         background={"peace": 10.0, "trade": 990.0}).set_index("term")
    assert 0 < common.loc["peace", "log_odds"] < rare.loc["peace", "log_odds"]
    assert common.loc["peace", "g2"] == rare.loc["peace", "g2"]  # G2 has no prior


def test_g2_sign_follows_the_rates_when_groups_differ_in_size():
    # A has three times B's words; "tariff" occurs once, only in A: A uses it more, so G2 is
    # positive, although the smoothed log ratio (B's zero taken as 0.5) is negative
    counts = pd.DataFrame({
        "term": ["tariff", "trade"], "kind": ["lemma"] * 2, "count_a": [1, 30], "count_b": [0, 5],
        "units_a": [1, 5], "units_b": [0, 3], "n_units_a": [9] * 2, "n_units_b": [3] * 2,
        "example": ["tariff", "trade"], "example_doc_id": ["d"] * 2,
        "example_start_char": [0] * 2, "example_end_char": [5] * 2})
    table = keyness_table(counts, 3000, 1000, groups=("A", "B"), prior_strength=0.0) \
        .set_index("term")
    assert table.loc["tariff", "log_ratio"] < 0
    assert table.loc["tariff", "g2"] > 0
    assert table.loc["trade", "g2"] > 0  # 10 vs 5 per 1,000 words


# Terms of 188 BBC politics and 237 BBC sport articles (bench/keyness_reference.py):
# what a reader expects at the top of each side, written before looking at the ranking.
POLITICS = {"government", "election", "minister", "party", "labour", "tory", "tories", "prime",
            "tony blair", "gordon brown", "michael howard", "mp", "chancellor", "secretary",
            "vote", "conservative", "lord", "leader", "parliament", "policy", "tax",
            "united kingdom", "campaign", "plan", "public", "liberal democrats"}
SPORT = {"win", "game", "play", "player", "match", "team", "club", "season", "goal", "cup",
         "coach", "champion", "final", "beat", "minute", "england", "france", "ireland",
         "wales", "victory", "title", "chelsea", "arsenal", "liverpool", "injury", "rugby",
         "football", "side", "championship", "squad"}


def _reference_terms():
    from pathlib import Path

    table = pd.read_csv(Path(__file__).parent / "data" / "bbc_politics_sport_terms.csv",
                        keep_default_na=False)
    return table.assign(kind="word", n_units_a=0, n_units_b=0, example=table["term"],
                        example_doc_id="", example_start_char=0, example_end_char=0)


@pytest.mark.parametrize("prior", ["wordfreq", "corpus"])
def test_politics_against_sport_puts_the_obvious_terms_on_top(prior, config):
    from pipeline.stages.framing.keyness import wordfreq_background

    table = _reference_terms()
    forms = table.assign(form=table["forms"].str.split("|")).explode("form")
    occurrences = pd.DataFrame({"kind": "word", "term": forms["term"], "text": forms["form"]})
    settings = config.framing
    background = wordfreq_background(occurrences) if prior == "wordfreq" else None
    result = keyness_table(table, int(table["words_a"][0]), int(table["words_b"][0]),
                           groups=("politics", "sport"), prior_strength=settings.prior_strength,
                           background=background, prior_min=settings.prior_min)
    top_politics = list(result.nlargest(10, "log_odds_z")["term"])
    top_sport = list(result.nsmallest(10, "log_odds_z")["term"])
    assert len(set(top_politics) & POLITICS) >= 9, top_politics
    assert len(set(top_sport) & SPORT) >= 9, top_sport
    assert (result["distinctive_for"] == "politics").sum() > 100
    assert (result["distinctive_for"] == "sport").sum() > 100


def test_the_wordfreq_prior_shrinks_words_common_in_any_english_text(config):
    """'people' is the 7th most politics-leaning word under the corpus prior, but it is
    among the most common nouns of English: the wordfreq prior drops it far down."""
    from pipeline.stages.framing.keyness import wordfreq_background

    table = _reference_terms()
    occurrences = pd.DataFrame({"kind": "word", "term": table["term"], "text": table["term"]})
    ranks = {}
    for name, background in (("corpus", None), ("wordfreq", wordfreq_background(occurrences))):
        result = keyness_table(table, int(table["words_a"][0]), int(table["words_b"][0]),
                               groups=("politics", "sport"), prior_strength=0.0,
                               background=background, prior_min=0.5)
        ranks[name] = list(result.sort_values("log_odds_z", ascending=False)["term"]).index(
            "people")
    assert ranks["corpus"] < 10 < 2 * ranks["corpus"] < ranks["wordfreq"]


def test_exact_p_is_larger_than_g2_p_for_small_counts():
    from pipeline.stages.framing.keyness import exact_p

    # 4 uses against 0 in equal groups: P(all 4 in one group) = 2 * 0.5**4
    assert exact_p(np.array([4]), np.array([0]), 1000, 1000)[0] == pytest.approx(0.125)
    # 1 against 14: 2 * (1 + 15) / 2**15
    assert exact_p(np.array([1]), np.array([14]), 1000, 1000)[0] == pytest.approx(32 / 2**15)
