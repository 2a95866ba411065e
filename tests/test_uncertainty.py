"""Bootstrap intervals and permutation tests on small, checkable data."""

import numpy as np

from pipeline.stats.uncertainty import bootstrap_intervals, compare_groups, ratio


def test_ratio_of_sums():
    assert ratio(np.array([2.0, 0, 1]), np.array([10.0, 5, 5])) == 0.15
    assert ratio(np.zeros(2), np.zeros(2)) == 0.0


def test_identical_groups_are_not_different_and_separated_ones_are():
    rng = np.random.default_rng(0)
    same = np.array([1.0, 0, 1, 0, 1, 0, 1, 0])
    d = compare_groups(same, np.ones(8), same, np.ones(8), bootstrap=500, permutations=500,
                       rng=rng)
    assert d.difference == 0 and d.ci_low <= 0 <= d.ci_high and d.p_value > 0.9
    ones, zeros = np.ones(20), np.zeros(20)
    d = compare_groups(zeros, np.ones(20), ones, np.ones(20), bootstrap=500, permutations=500,
                       rng=rng)
    # all 1 against all 0: every bootstrap difference is exactly 1; no shuffle reaches it
    assert (d.value_a, d.value_b, d.difference, d.ci_low, d.ci_high) == (0, 1, 1, 1, 1)
    assert d.p_value == 1 / 501


def test_interval_brackets_the_value_and_is_seeded():
    num = np.array([1.0, 0, 0, 1, 1, 0, 0, 0, 1, 0])
    a = [float(v[0]) for v in bootstrap_intervals(num[:, None], 300, np.random.default_rng(3))]
    b = [float(v[0]) for v in bootstrap_intervals(num[:, None], 300, np.random.default_rng(3))]
    assert a == b and a[0] < 0.4 < a[1]
    one = bootstrap_intervals(num[:1, None], 300, np.random.default_rng(3))
    assert all(np.isnan(v[0]) for v in one)


def test_benjamini_hochberg_by_hand():
    import math

    import pytest

    from pipeline.stages.framing.summary import benjamini_hochberg

    # m = 4 tests (NaN is no test); sorted p 0.01, 0.03, 0.04, 0.5 -> m p / rank
    # 0.04, 0.06, 0.0533, 0.5 -> running minimum from the largest: 0.04, 0.0533, 0.0533, 0.5
    q = benjamini_hochberg([0.01, 0.04, 0.03, float("nan"), 0.5])
    assert q[0] == pytest.approx(0.04) and q[1] == pytest.approx(0.16 / 3)
    assert q[2] == pytest.approx(0.16 / 3) and q[4] == pytest.approx(0.5)
    assert math.isnan(q[3])
    assert benjamini_hochberg([0.9, 0.95])[0] == pytest.approx(0.95)  # capped by the larger


def _clustered(n_docs, sentences_per_doc=10):
    """Each document all 1 or all 0: sentences of one document are not independent."""
    import pandas as pd

    rows = []
    for g in ("A", "B"):
        for d in range(n_docs):
            flag = float((d % 2 == 0) if g == "A" else (d % 3 == 0))
            for k in range(sentences_per_doc):
                rows.append((g, f"{g}{d}", k // 5, k, 10 * k, 10 * k + 9, flag))
    return pd.DataFrame(rows, columns=["group", "doc_id", "segment_id", "sentence_id",
                                       "start_char", "end_char", "flag"])


def _finding(table, **settings):
    from pipeline.config import FramingSettings
    from pipeline.stages.framing.summary import _Builder

    build = _Builder(("A", "B"), FramingSettings(bootstrap=400, permutations=400, **settings))
    build.add("frame share", "x", "share", table, "flag", None, lambda b, a: f"{b} vs {a}",
              table)
    return build.rows[0]


def test_documents_are_resampled_when_each_group_has_enough_of_them():
    table = _clustered(6)
    by_doc = _finding(table)
    assert (by_doc["resampling_unit"], by_doc["units_a"], by_doc["units_b"]) == ("document", 6, 6)
    by_sentence = _finding(table, resample_unit="sentence")
    assert by_sentence["units_a"] == 60
    # same values, but whole documents vary together: a wider interval, a larger p
    assert by_doc["value_a"] == by_sentence["value_a"] == 0.5
    assert (by_doc["ci_high"] - by_doc["ci_low"]) > 1.5 * (by_sentence["ci_high"] -
                                                        by_sentence["ci_low"])
    assert by_doc["p_value"] > by_sentence["p_value"]
    assert "documents resampled" in by_doc["finding"]


def test_paragraphs_are_resampled_with_few_documents():
    few = _finding(_clustered(3))
    assert (few["resampling_unit"], few["units_a"]) == ("paragraph", 6)  # 3 docs x 2 paragraphs
    assert "paragraphs resampled" in few["finding"]


def test_ratio_intervals_of_sentences_are_those_of_the_mean():
    from pipeline.stats.uncertainty import ratio_intervals

    num = np.array([1.0, 0, 0, 1, 1, 0, 0, 0, 1, 0])[:, None]
    lo, hi = ratio_intervals(num, np.ones(10), 150, np.random.default_rng(3))
    # by hand: the same 150 resamples of the 10 sentences, their means, the 2.5/97.5 centiles
    draws = np.random.default_rng(3).integers(0, 10, size=(150, 10))
    assert [lo[0], hi[0]] == list(np.percentile(num[draws, 0].mean(axis=1), [2.5, 97.5]))
    # two units of 5 sentences: (2 of 5) and (2 of 5) can only ever resample to 4 of 10
    lo, hi = ratio_intervals(np.array([[2.0], [2.0]]), np.array([5.0, 5.0]), 200,
                             np.random.default_rng(1))
    assert lo[0] == hi[0] == 0.4


def test_frame_share_intervals_resample_the_findings_unit():
    from pipeline.config import FramingSettings
    from pipeline.stages.framing.units import share_rows

    table = _clustered(6).assign(primary_frame=lambda d: np.where(d["flag"] == 1, "x", "y"))
    settings = FramingSettings(bootstrap=400, permutations=0)
    rows = share_rows(table, "primary_frame", ["x", "y"], ("A", "B"), settings)
    group_x = {r[1]: r for r in rows if r[0] == "group" and r[3] == "x"}
    assert group_x["A"][-1] == "document"  # the unit, as in framing_summary.csv
    by_doc = _finding(table)
    # the same unit and draws as the finding's own interval of A: as wide
    width = group_x["A"][8] - group_x["A"][7]
    assert width > 0.5
    assert by_doc["resampling_unit"] == group_x["A"][-1]
    one_doc = [r for r in rows if r[0] == "document" and r[2] == "A0" and r[3] == "x"][0]
    assert one_doc[-1] == "paragraph"  # one document: its paragraphs
    sentence = share_rows(table, "primary_frame", ["x", "y"], ("A", "B"),
                          FramingSettings(bootstrap=400, permutations=0, resample_unit="sentence"))
    s_x = [r for r in sentence if r[0] == "group" and r[1] == "A" and r[3] == "x"][0]
    assert s_x[-1] == "sentence" and s_x[8] - s_x[7] < width / 1.5
