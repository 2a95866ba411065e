"""Distinctive vocabulary of two groups: log-odds with a Dirichlet prior, G², log ratio.

For a term w with counts y_a, y_b in groups of n_a, n_b words:

* **Log-odds ratio with informative Dirichlet prior** (Monroe, Colaresi & Quinn
  2008, "Fightin' Words", eq. 16 and 18-20): with prior counts α_w summing to α_0,
  δ = log((y_a + α_w) / (n_a + α_0 − y_a − α_w)) − log((y_b + α_w) / (n_b + α_0 − y_b − α_w)),
  var(δ) ≈ 1/(y_a + α_w) + 1/(y_b + α_w), z = δ / sqrt(var). The prior
  α_w = max(α_0 π_w, ``prior_min``) with α_0 = ``prior_strength`` (0: the number
  of term occurrences counted) and π_w the term's share, over the vocabulary
  counted, of a background frequency: by default general English from wordfreq
  (Speer et al. 2018, ``wordfreq`` 3: news, Wikipedia, books, subtitles and web
  text; a lemma's frequency is the sum of its lemma's and its forms' in the
  corpus), or a background.toml's counts, or the corpus itself. Words typical of
  English then count for little and words typical of the topic stand out; the
  floor keeps a word wordfreq does not know (a name) from a prior so small that
  its variance swamps it.
* **Exact binomial p** (``p_exact``): given the term's y_a + y_b uses, the chance
  of a split at least as uneven as y_a : y_b if each use fell in group A with
  probability n_a / (n_a + n_b), two-sided. G²'s χ² p is far too small for
  small counts (4 uses against 0 in equal groups: G² p = 0.003, exact p = 0.125).
* **Log-likelihood G²** (Dunning 1993; Rayson & Garside 2000): expected counts
  E_a = n_a (y_a + y_b) / (n_a + n_b), likewise E_b; G² = 2 Σ y ln(y / E); p from
  the χ² distribution with 1 degree of freedom.
* **Log ratio** (Hardie 2014): log2 of the ratio of relative frequencies, a zero
  count replaced by 0.5; +1 = twice as frequent in group A.

>>> round(g2(10, 1000, 0, 1000), 3)
13.863
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import binom, chi2
from wordfreq import word_frequency

from pipeline.config import FramingSettings
from pipeline.corpus.lexicons import Lexicon
from pipeline.errors import ConfigError
from pipeline.stages.framing.units import BODY
from pipeline.stats.ratios import log_ratio

KEYNESS_COLUMNS = ["term", "kind", "group_a", "group_b", "count_a", "count_b", "rate_a", "rate_b",
                   "prior", "log_odds", "log_odds_z", "g2", "p", "p_exact", "log_ratio", "units_a", "units_b",
                   "unit_share_a", "unit_share_b", "distinctive_for", "example",
                   "example_doc_id", "example_start_char", "example_end_char"]


def g2(y_a: float, n_a: float, y_b: float, n_b: float) -> float:
    """Log-likelihood G² of a term's counts in two corpora (0 ln 0 = 0)."""
    total = y_a + y_b
    e_a, e_b = n_a * total / (n_a + n_b), n_b * total / (n_a + n_b)
    value = 0.0
    for y, e in ((y_a, e_a), (y_b, e_b)):
        if y > 0:
            value += y * math.log(y / e)
    return 2 * value


def log_odds_z(y_a: np.ndarray, y_b: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monroe et al.'s log-odds ratio δ with Dirichlet prior ``prior`` (α_w), and its z-score.

    Counts and prior are aligned arrays over the whole vocabulary.
    """
    n_a, n_b, a0 = y_a.sum(), y_b.sum(), prior.sum()
    rest_a, rest_b = n_a + a0 - y_a - prior, n_b + a0 - y_b - prior
    # a vocabulary of one term has no "other words": its odds are undefined, delta 0
    defined = (rest_a > 0) & (rest_b > 0)
    safe_a, safe_b = np.where(defined, rest_a, 1.0), np.where(defined, rest_b, 1.0)
    delta = np.where(defined, np.log((y_a + prior) / safe_a) - np.log((y_b + prior) / safe_b),
                     0.0)
    variance = 1.0 / (y_a + prior) + 1.0 / (y_b + prior)
    return delta, delta / np.sqrt(variance)


def exact_p(y_a: np.ndarray, y_b: np.ndarray, n_a: float, n_b: float) -> np.ndarray:
    """Two-sided exact binomial p of each split y_a : y_b given the groups' sizes.

    >>> [round(float(v), 3) for v in exact_p(np.array([4, 8]), np.array([0, 0]), 1000, 1000)]
    [0.125, 0.008]
    """
    total = y_a + y_b
    share = n_a / (n_a + n_b) if n_a + n_b else 0.5
    low = binom.cdf(y_a, total, share)
    high = binom.sf(y_a - 1, total, share)
    return np.minimum(1.0, 2 * np.minimum(low, high))


def keyness_table(counts: pd.DataFrame, words_a: int, words_b: int, *, groups: tuple[str, str],
                  prior_strength: float, background: dict[str, float] | None = None,
                  prior_min: float = 0.0, z_threshold: float = 1.96,
                  min_units: int = 2) -> pd.DataFrame:
    """Keyness statistics for every term.

    ``counts`` has one row per term and kind with columns term, kind, count_a,
    count_b, units_a, units_b, n_units_a, n_units_b and example columns. Rates
    are per 1,000 words of each group's body. ``distinctive_for`` names the
    group that uses the term more when |z| >= ``z_threshold`` and the term
    occurs in at least ``min_units`` paragraphs of that group (so one repeated
    paragraph cannot make a term distinctive).
    """
    if counts.empty:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    frames = []
    for kind, part in counts.groupby("kind", sort=True):
        part = part.sort_values("term").reset_index(drop=True)
        y_a = part["count_a"].to_numpy(float)
        y_b = part["count_b"].to_numpy(float)
        if background:
            raw = np.array([background.get(t, 0.0) for t in part["term"]])
        else:
            raw = y_a + y_b
        if raw.sum() <= 0:
            raw = np.ones_like(raw)
        strength = prior_strength or float((y_a + y_b).sum())
        prior = np.maximum(raw / raw.sum() * strength, prior_min)
        delta, z = log_odds_z(y_a, y_b, prior)
        na, nb = float(words_a), float(words_b)
        g = np.array([g2(a, na, b, nb) for a, b in zip(y_a, y_b, strict=True)])
        ratio = np.array([log_ratio(a, na, b, nb) for a, b in zip(y_a, y_b, strict=True)])
        out = part.assign(
            group_a=groups[0], group_b=groups[1],
            rate_a=np.round(1000 * y_a / max(na, 1), 4), rate_b=np.round(1000 * y_b / max(nb, 1), 4),
            prior=np.round(prior, 6), log_odds=np.round(delta, 6), log_odds_z=np.round(z, 6),
            # signed by the difference of rates: + when group A uses the term more (the
            # smoothed log ratio can point the other way when the groups differ in size)
            g2=np.round(np.sign(y_a / max(na, 1) - y_b / max(nb, 1)) * g, 6), p=[float(f"{v:.6g}") for v in chi2.sf(g, 1)],
            p_exact=[float(f"{v:.6g}") for v in exact_p(y_a, y_b, na, nb)],
            log_ratio=np.round(ratio, 6),
            unit_share_a=np.round(part["units_a"] / max(part["n_units_a"].max(), 1), 4),
            unit_share_b=np.round(part["units_b"] / max(part["n_units_b"].max(), 1), 4))
        favoured_units = np.where(z > 0, out["units_a"], out["units_b"])
        out["distinctive_for"] = np.where(
            (np.abs(z) >= z_threshold) & (favoured_units >= min_units),
            np.where(z > 0, groups[0], groups[1]), "")
        frames.append(out)
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["kind", "log_odds_z", "term"], ascending=[True, False, True],
                              kind="stable")
    return table[KEYNESS_COLUMNS].reset_index(drop=True)


def keyness_counts(occurrences: pd.DataFrame, sentences: pd.DataFrame,
                    compare: tuple[str, str]) -> tuple[pd.DataFrame, int, int]:
    """Per term and kind: counts, paragraphs and an example in each compared group."""
    body = sentences[(sentences["scope"] == BODY) & sentences["group"].isin(compare)]
    occ = occurrences.merge(body[["doc_id", "sentence_id", "group"]], on=["doc_id", "sentence_id"])
    occ = occ[occ["kind"].isin(["word", "phrase"])].assign(
        kind=lambda d: d["kind"].map({"word": "lemma", "phrase": "noun_phrase"}),
        unit=lambda d: d["doc_id"] + "#" + d["segment_id"].astype(str))
    words = body.groupby("group")["n_words"].sum()
    n_units = body.drop_duplicates(["doc_id", "segment_id"]).groupby("group").size()
    key = ["term", "kind"]
    counts = occ.groupby([*key, "group"]).size().unstack(fill_value=0) \
        .reindex(columns=list(compare), fill_value=0)
    units = occ.drop_duplicates([*key, "group", "unit"]).groupby([*key, "group"]).size() \
        .unstack(fill_value=0).reindex(index=counts.index, columns=list(compare), fill_value=0)
    forms = occ.groupby([*key, "text"]).size().rename("n").reset_index() \
        .sort_values([*key, "n", "text"], ascending=[True, True, False, True]) \
        .drop_duplicates(key).set_index(key)["text"]
    first = occ.sort_values(["doc_id", "start_char", "end_char"]).drop_duplicates(key) \
        .set_index(key)
    table = pd.DataFrame({
        "count_a": counts[compare[0]], "count_b": counts[compare[1]],
        "units_a": units[compare[0]], "units_b": units[compare[1]],
        "n_units_a": int(n_units.get(compare[0], 0)), "n_units_b": int(n_units.get(compare[1], 0)),
        "example": forms.reindex(counts.index), "example_doc_id": first["doc_id"],
        "example_start_char": first["start_char"], "example_end_char": first["end_char"],
    }).reset_index()
    return table, int(words.get(compare[0], 0)), int(words.get(compare[1], 0))


def wordfreq_background(occurrences: pd.DataFrame, language: str = "en") -> dict[str, float]:
    """Each term's frequency in general English (wordfreq): a lemma's is the sum over the
    lemma and the lower-cased forms it has in the corpus ("hope" + "hopes" + "hoped"); a
    phrase's or a name's is wordfreq's estimate for the whole string."""
    rows = occurrences[occurrences["kind"].isin(["word", "phrase"])]
    words: dict[str, set[str]] = {}
    for term, form in zip(rows["term"], rows["text"].str.lower(), strict=True):
        words.setdefault(term, {term}).add(form)
    frequency: dict[str, float] = {}  # each distinct word looked up once

    def lookup(word: str) -> float:
        if word not in frequency:
            frequency[word] = word_frequency(word, language)
        return frequency[word]

    return {term: float(sum(lookup(w) for w in sorted(words[term]))) for term in sorted(words)}


def background_counts(lexicons: list[Lexicon], settings: FramingSettings,
                      occurrences: pd.DataFrame | None = None) -> dict[str, float] | None:
    """The prior's background frequencies: None for the corpus prior."""
    if settings.prior == "corpus":
        return None
    if settings.prior == "wordfreq":
        return wordfreq_background(occurrences if occurrences is not None else
                                   pd.DataFrame(columns=["kind", "term", "text"]))
    counts: dict[str, float] = {}
    for lexicon in lexicons:
        counts.update({str(k).lower(): float(v) for k, v in lexicon.data.get("counts", {}).items()})
    if not counts:
        raise ConfigError("[framing] prior = \"background\" but the corpus folder has no "
                          "background.toml with a [counts] table",
                          fix="add background.toml ([counts] term = number) or set prior = "
                              "\"wordfreq\" or \"corpus\"")
    return counts
