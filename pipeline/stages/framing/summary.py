"""``framing_summary.csv``: one row per measured difference, with its uncertainty and evidence.

Each measure is a ratio over the body sentences of each group (see
:mod:`pipeline.stats.uncertainty`); the difference is group B minus group A; the
interval is a 95% percentile bootstrap over sentences, the p-value a
permutation test of the group labels. The finding is one sentence written
from the numbers, and ``evidence`` lists sentences (a JSON list of ``[doc_id, start_char, end_char]``)
that show the measure in the group where it is higher.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipeline.config import FramingSettings
from pipeline.corpus.groups import (
    Contrast,
    contrast_rows,
    contrasts,
    group_name,
    possessive,
    relabelled,
)
from pipeline.nlp.evidence import evidence_cell, evidence_text
from pipeline.nlp.roles import AGENT, PATIENT
from pipeline.stages.framing.relationship import Sides
from pipeline.stages.framing.units import resampling_unit, unit_sums
from pipeline.stats.streams import measure_stream
from pipeline.stats.uncertainty import compare_groups

SUMMARY_COLUMNS = ["rank", "measure", "category", "unit", "group_a", "value_a", "group_b",
                   "value_b", "difference", "ci_low", "ci_high", "p_value", "q_value", "status",
                   "n_a", "n_b", "resampling_unit", "units_a", "units_b", "depends_on_sides",
                   "finding", "evidence"]
KEY, SUGGESTIVE, NOT_SIGNIFICANT, TERM = "key", "suggestive", "not significant", "term"
_STANCE_TEXT = {"attributed_speech": "attributions (reporting verbs, 'according to')",
                "self_mentions": "self-mentions", "modal_verbs": "modal verbs"}
_RELATION_TEXT = {
    "both_sides": "name both sides of the relationship ({a} and {b})",
    "one_side": "name only one of the two sides",
    "third_party_only": "name a third country but neither side",
    "neither": "name no country",
    "any_third_party": "name a third country",
}
# One sentence per kind of measure: {b} and {a} are the values of group B and group A (for
# shares with their counts, "21% (10 of 48)"); {gb_s}/{ga_s} name the groups as owners ("the
# op-ed's", "the other groups'"), {gb_n}/{ga_n} plainly ("the op-ed"), capitalised {Gb_s}/{Gb_n}.
TEMPLATES = {
    "frame share": "{b} of {gb_s} sentences are mainly in the {what} frame, against {a} "
                   "of {ga_s}",
    "no frame": "{b} of {gb_s} sentences have no frame cue, against {a} of {ga_s}",
    "tone mean": "{Gb_s} sentences have a mean VADER tone of {b}, against {a} for {ga_s}",
    "tone share": "{b} of {gb_s} sentences are {what} in tone, against {a} of {ga_s}",
    "stance": "{Gb_n} uses {b} {what} per 1,000 words{whose}, against {a} in {ga_n}",
    "relationship": "{b} of {gb_s} sentences {what}, against {a} of {ga_s}",
    "agency": "{what} is the agent, not the patient, in {b} of its agent and patient roles in "
              "{gb_n}, against {a} in {ga_n}",
    "alignment": "{b} of {gb_s} sentences state a claim also found in {ga_n}, against "
                 "{a} the other way round",
}


def finding_sentence(kind: str, b: str, a: str, gb: str, ga: str, what: str = "",
                     whose: str = "") -> str:
    """The finding's sentence for one kind of measure (:data:`TEMPLATES`)."""
    names = {"gb_s": possessive(gb), "ga_s": possessive(ga), "gb_n": group_name(gb),
             "ga_n": group_name(ga)}
    names.update({"Gb_s": _capital(names["gb_s"]), "Gb_n": _capital(names["gb_n"])})
    return TEMPLATES[kind].format(b=b, a=a, what=what, whose=whose, **names)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def _interval_text(diff, lo, hi, p, unit: str) -> str:
    if unit == "share":
        fmt = lambda v: f"{100 * v:+.0f}"  # noqa: E731
        what = "points"
    else:
        fmt = lambda v: f"{v:+.2f}"  # noqa: E731
        what = ""
    text = f"difference {fmt(diff)}{' ' + what if what else ''}"
    if not math.isnan(lo):
        text += f", 95% CI {fmt(lo)} to {fmt(hi)}"
    if not math.isnan(p):
        text += f", permutation p = {p:.3f}"
    return text


class _Builder:
    def __init__(self, compare: tuple[str, str], settings: FramingSettings,
                 paragraphs: pd.Series | None = None) -> None:
        self.compare = compare
        self.settings = settings
        self.rows: list[dict] = []
        self.paragraphs = paragraphs  # (doc_id, sentence_id) -> segment_id
        self.stream: tuple[str, ...] = ()  # the contrast's labels, with three or more groups

    def resampling_unit(self, a: pd.DataFrame, b: pd.DataFrame) -> str:
        """As :func:`~pipeline.stages.framing.units.resampling_unit`, for these two groups."""
        return resampling_unit(self.settings, min(a["doc_id"].nunique(), b["doc_id"].nunique()))

    def _units(self, part: pd.DataFrame, num: np.ndarray, den: np.ndarray, unit: str
               ) -> tuple[np.ndarray, np.ndarray]:
        """Numerator and denominator summed per resampling unit (a ratio of sums is the same
        over units as over sentences; resampling units keeps each unit's sentences together:
        a cluster or block bootstrap)."""
        if unit == "paragraph" and "segment_id" not in part:
            if self.paragraphs is None or "sentence_id" not in part:
                return num, den
            index = pd.MultiIndex.from_arrays([part["doc_id"], part["sentence_id"]])
            part = part.assign(segment_id=self.paragraphs.reindex(index).to_numpy())
        sums, _ = unit_sums(part, np.column_stack([num, den]), unit)
        return sums[:, 0], sums[:, 1]

    def add(self, measure: str, category: str, unit: str, table: pd.DataFrame, num: str,
            den: str | None, describe, evidence: pd.DataFrame, min_n: int = 1,
            sides: str = "") -> None:
        """One finding. ``describe(b, a)`` writes it from the two values: for shares as
        text with the counts behind them ("45% (9 of 20)"), else as numbers."""
        a, b = (table[table["group"] == g] for g in self.compare)
        if a.empty or b.empty or len(a) < min_n or len(b) < min_n:
            return
        if not (a[num].to_numpy(float).any() or b[num].to_numpy(float).any()):
            return  # nothing in either group (a frame no sentence has): no difference to report
        ones = lambda t: np.ones(len(t))  # noqa: E731
        resampled = self.resampling_unit(a, b)
        num_a, den_a = self._units(a, a[num].to_numpy(float),
                                   a[den].to_numpy(float) if den else ones(a), resampled)
        num_b, den_b = self._units(b, b[num].to_numpy(float),
                                   b[den].to_numpy(float) if den else ones(b), resampled)
        d = compare_groups(num_a, den_a, num_b, den_b,
                           bootstrap=self.settings.bootstrap,
                           permutations=self.settings.permutations,
                           rng=measure_stream(self.settings.random_state, "framing_summary",
                                              measure, category, *self.stream))
        higher = self.compare[1] if d.difference > 0 else self.compare[0]
        shown = evidence[evidence["group"] == higher] if "group" in evidence else evidence
        if unit == "share":
            shown_b = f"{_pct(d.value_b)} ({_count(b[num])} of {len(b)})"
            shown_a = f"{_pct(d.value_a)} ({_count(a[num])} of {len(a)})"
        else:
            shown_b, shown_a = d.value_b, d.value_a
        caveat = ("; the sides are inferred, not declared: see sides.csv"
                  if sides == "inferred" else "")
        # the q-value is added once the whole family is known (benjamini_hochberg)
        finding = (f"{describe(shown_b, shown_a)} "
                   f"({_interval_text(d.difference, d.ci_low, d.ci_high, d.p_value, unit)}"
                   f"{{q}}; {resampled}s resampled{caveat}).")
        self.rows.append({
            "measure": measure, "category": category, "unit": unit,
            "group_a": self.compare[0], "value_a": round(d.value_a, 6),
            "group_b": self.compare[1], "value_b": round(d.value_b, 6),
            "difference": round(d.difference, 6), "ci_low": _round(d.ci_low),
            "ci_high": _round(d.ci_high), "p_value": _round(d.p_value), "n_a": len(a),
            "n_b": len(b), "resampling_unit": resampled, "units_a": len(num_a),
            "units_b": len(num_b), "depends_on_sides": sides, "finding": finding,
            "evidence": evidence_text(shown, self.settings.evidence_per_finding)})


def _count(flags: pd.Series) -> int:
    return int(round(float(flags.to_numpy(float).sum())))


def _round(v: float) -> float:
    return v if math.isnan(v) else round(v, 6)


def summary_table(*, body: pd.DataFrame, frames: pd.DataFrame, tone: pd.DataFrame,
                  markers: pd.DataFrame, relation: pd.DataFrame, roles: pd.DataFrame,
                  keyness: pd.DataFrame, alignment: pd.DataFrame, stance_categories: list[str],
                  frame_names: list[str], sides: Sides, compare: tuple[str, ...],
                  settings: FramingSettings, voices: pd.DataFrame | None = None) -> pd.DataFrame:
    """The summary rows, ranked: smallest p-value first, then the largest standardised gap.

    Every contrast of the compared groups (:func:`~pipeline.corpus.groups.contrasts`: the
    pair, or with three or more groups every pair and each group against the rest) adds
    its rows; the q-values are taken over all of them, one family of tests."""
    paragraphs = body.set_index(["doc_id", "sentence_id"])["segment_id"] \
        if "segment_id" in body else None
    build = _Builder(tuple(compare)[:2], settings, paragraphs)
    every = contrasts(compare)
    for contrast in every:
        build.compare = contrast.labels
        build.stream = () if len(every) == 1 else contrast.labels
        pair = alignment[alignment["group"].isin(contrast.labels)
                         & alignment["compared_with"].isin(contrast.labels)] \
            if not contrast.one_vs_rest and "compared_with" in alignment else alignment.iloc[:0]
        _measured(build, relabelled(body, contrast), frames, tone, markers, relation, roles,
                  pair, stance_categories, frame_names, sides, contrast.labels, settings)
    rows = _with_q_values(_ranked(pd.DataFrame(build.rows)), settings.fdr_level)
    for contrast in every:
        rows = pd.concat([rows, _term_rows(keyness, contrast, settings)], ignore_index=True) \
            if rows.size else _term_rows(keyness, contrast, settings)
    if rows.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    rows = rows.reset_index(drop=True)
    rows["rank"] = np.arange(1, len(rows) + 1)
    return rows[SUMMARY_COLUMNS]


def _measured(build: _Builder, base: pd.DataFrame, frames: pd.DataFrame, tone: pd.DataFrame,
              markers: pd.DataFrame, relation: pd.DataFrame, roles: pd.DataFrame,
              alignment: pd.DataFrame, stance_categories: list[str], frame_names: list[str],
              sides: Sides, compare: tuple[str, str], settings: FramingSettings) -> None:
    """The measured differences of one contrast; ``base`` holds its body sentences, their
    ``group`` the contrast's two labels."""
    ga, gb = compare
    key = ["doc_id", "sentence_id"]
    f = base.merge(frames[key + ["primary_frame"]], on=key)
    for frame in frame_names:
        f = f.assign(flag=(f["primary_frame"] == frame).astype(float))
        label = frame.replace("_", " ")
        kind = "no frame" if frame == "none" else "frame share"
        build.add("frame share", frame, "share", f, "flag", None,
                  lambda vb, va, label=label, kind=kind: finding_sentence(kind, vb, va, gb, ga,
                                                                          label),
                  f[f["flag"] == 1])

    t = base.merge(tone[key + ["compound"]], on=key)
    build.add("tone", "mean compound", "score", t, "compound", None,
              lambda vb, va: finding_sentence("tone mean", f"{vb:+.2f}", f"{va:+.2f}", gb, ga),
              t.sort_values("compound", kind="stable"))
    for name, sign in (("negative", -1), ("positive", 1)):
        t = t.assign(flag=(sign * t["compound"] >= settings.tone_threshold).astype(float))
        build.add("tone", f"{name} sentences", "share", t, "flag", None,
                  lambda vb, va, name=name: finding_sentence("tone share", vb, va, gb, ga, name),
                  t.sort_values("compound", ascending=(sign < 0), kind="stable").query("flag == 1"))

    own = settings.stance_voice == "author" and "voice" in markers
    counted = markers[markers["voice"] == "author"] if own else markers
    counts = counted.groupby(key + ["category"]).size().unstack(fill_value=0)
    s = base.copy()
    words = s["n_words"] - s["quoted_words"].fillna(0) if own and "quoted_words" in s \
        else s["n_words"]
    s["per_k"] = words / 1000.0
    whose = " in the author's own voice" if own else ""
    for category in stance_categories:
        col = counts[category] if category in counts else pd.Series(dtype=float)
        s["n"] = [float(col.get(k, 0)) for k in zip(s["doc_id"], s["sentence_id"], strict=True)]
        label = _STANCE_TEXT.get(category, category.replace("_", " "))
        build.add("stance", category, "per 1,000 words", s, "n", "per_k",
                  lambda vb, va, label=label: finding_sentence(
                      "stance", f"{vb:.1f}", f"{va:.1f}", gb, ga, label, whose),
                  s[s["n"] > 0].sort_values("n", ascending=False, kind="stable"))

    r = base.merge(relation[key + ["relationship", "third_parties"]], on=key)
    for category, text in (_RELATION_TEXT.items() if sides.found else ()):
        flag = (r["third_parties"] != "") if category == "any_third_party" else \
            (r["relationship"] == category)
        r = r.assign(flag=flag.astype(float))
        what = text.format(a=sides.a, b=sides.b)
        build.add("relationship", category, "share", r, "flag", None,
                  lambda vb, va, what=what: finding_sentence("relationship", vb, va, gb, ga, what),
                  r[r["flag"] == 1], sides=sides.source)

    acted = roles[roles["role"].isin([AGENT, PATIENT])].merge(base[key + ["group", "start_char",
                                                                          "end_char"]]
                                                              .rename(columns={
                                                                  "start_char": "s_start",
                                                                  "end_char": "s_end"}), on=key)
    for actor in ((sides.a, sides.b) if sides.found else ()):
        g = acted[acted["actor"] == actor].assign(
            flag=lambda d: (d["role"] == AGENT).astype(float))
        ev = g[g["flag"] == 1].assign(start_char=g["s_start"], end_char=g["s_end"])
        build.add("agency", actor, "share", g, "flag", None,
                  lambda vb, va, actor=actor: finding_sentence("agency", vb, va, gb, ga, actor),
                  ev,
                  min_n=settings.agency_min_roles, sides=sides.source)

    if not alignment.empty:
        al = alignment.assign(flag=alignment["aligned"].astype(float))
        build.add("alignment", "sentences with a counterpart", "share", al, "flag", None,
                  lambda vb, va: finding_sentence("alignment", vb, va, gb, ga),
                  al[al["flag"] == 0])


def _term_rows(keyness: pd.DataFrame, contrast: Contrast, settings: FramingSettings
               ) -> pd.DataFrame:
    """The most distinctive lemmas of each group of one contrast (not of the rest), as
    summary rows after the measured differences."""
    ga, gb = contrast.labels
    keyness = contrast_rows(keyness, contrast)
    out = []
    for group, sign in ((ga, 1), (gb, -1)):
        if contrast.one_vs_rest and group == ga:
            continue
        units = keyness["units_a"] if sign > 0 else keyness["units_b"]
        top = keyness[(keyness["kind"] == "lemma") & (sign * keyness["log_odds_z"] > 0)
                      & (units >= settings.min_units)]
        top = top.sort_values(["log_odds_z", "term"], ascending=[sign < 0, True]) \
            .head(settings.summary_top_terms)
        for row in top.itertuples():
            verdict = (f"distinctive of the {group}" if row.distinctive_for == group else
                       f"the {group}'s most distinctive term, below the |z| >= "
                       f"{settings.z_threshold:g} threshold")
            out.append({
                "measure": "distinctive term", "category": row.term, "unit": "per 1,000 words",
                "group_a": ga, "value_a": row.rate_a, "group_b": gb, "value_b": row.rate_b,
                "difference": round(row.rate_b - row.rate_a, 6), "ci_low": float("nan"),
                "ci_high": float("nan"), "p_value": row.p, "n_a": row.count_a,
                "n_b": row.count_b, "depends_on_sides": "", "q_value": float("nan"),
                "resampling_unit": "", "units_a": row.units_a, "units_b": row.units_b,
                "status": TERM,
                "finding": f"'{row.term}' is {verdict}: {_times(row.count_a)} in "
                           f"{group_name(ga)} ({row.rate_a:.1f} per 1,000 words), "
                           f"{_times(row.count_b)} in {group_name(gb)} "
                           f"({row.rate_b:.1f}); log-odds z = {row.log_odds_z:+.2f}, "
                           f"G² p = {row.p:.3g}.",
                "evidence": evidence_cell([(row.example_doc_id, row.example_start_char,
                                            row.example_end_char)])})
    return pd.DataFrame(out)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini & Hochberg (1995) adjusted p-values (q-values) of one family of tests:
    q_(i) = min over j >= i of m p_(j) / j, at most 1, for the p-values sorted ascending.
    NaN p-values are not tests: their q is NaN and they do not count in m."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    if tested.size == 0:
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    m = order.size
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def _with_q_values(rows: pd.DataFrame, level: float) -> pd.DataFrame:
    """q-values over the whole family of measured differences, each row's status (``key``:
    q below ``level``; ``suggestive``: p below it but not q; else ``not significant``) and
    the finding's text with its q."""
    if rows.empty:
        return rows.assign(q_value=[], status=[])
    q = benjamini_hochberg(rows["p_value"].to_numpy(float))
    p = rows["p_value"].to_numpy(float)
    status = np.where(q < level, KEY, np.where(p < level, SUGGESTIVE, NOT_SIGNIFICANT))
    texts = [f.replace("{q}", f", q = {v:.3f}" if v == v else "")
             for f, v in zip(rows["finding"], q, strict=True)]
    return rows.assign(q_value=[_round(v) for v in q], status=status, finding=texts)


def _ranked(rows: pd.DataFrame) -> pd.DataFrame:
    """Measured differences by permutation p, then by gap relative to the interval width.

    Distinctive terms are appended after them: their G² p-values come from
    hundreds of tests at once and are not comparable with these.
    """
    if rows.empty:
        return rows
    width = (rows["ci_high"] - rows["ci_low"]).abs()
    gap = np.where(width > 0, rows["difference"].abs() / width.where(width > 0, 1), 0.0)
    return rows.assign(_gap=gap).sort_values(
        ["p_value", "_gap", "measure", "category", "group_a", "group_b"],
        ascending=[True, False, True, True, True, True],
        na_position="last", kind="stable").drop(columns="_gap").reset_index(drop=True)
