"""The data of the report's explorer: its term plot, keyword-in-context lines and sentence
table (read by ``templates/explorer.js``, embedded in the page as JSON).

Everything is taken from the run's tables, so each line the explorer shows carries the
``doc_id`` and file offsets of the tables: the term plot from ``keyness.csv`` (lemmas; one
plot per contrast the charts show), the lines from ``terms.csv`` and ``sentences.csv``, the
sentence table from the body sentences of the compared groups with their primary frame
(``frames_sentences.csv``), tone (``tone.csv``), voice (``voices.csv``) and actors
(``actor_roles.csv``). Limits (``[report] explorer_*``) keep the page small on a large
corpus; the page says when they cut.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from pipeline.charts.style import NEUTRAL, colour_of
from pipeline.config import ReportSettings
from pipeline.corpus.groups import REST, contrast_rows, shown_contrasts

KEY = ["doc_id", "sentence_id"]


def _body_sentences(sentences: pd.DataFrame, documents: pd.DataFrame, frames: pd.DataFrame,
                    tone: pd.DataFrame, voices: pd.DataFrame, roles: pd.DataFrame,
                    compare: tuple[str, ...]) -> pd.DataFrame:
    """Body sentences of the compared groups (those the framing stage measured), in document
    order, with their group, frame, tone, voice and actors."""
    group_of = dict(zip(documents["doc_id"], documents["group"], strict=True))
    body = tone.loc[tone["scope"] == "body", KEY + ["tone"]]
    body = body.assign(group=body["doc_id"].map(group_of))
    body = body[body["group"].isin(compare)]
    body = body.merge(sentences[KEY + ["start_char", "end_char", "text"]], on=KEY) \
        .merge(frames[KEY + ["primary_frame"]], on=KEY, how="left") \
        .merge(voices[KEY + ["voice"]], on=KEY, how="left")
    named = roles[roles["actor"].fillna("").astype(str) != ""]
    actors = named.groupby(KEY)["actor"].agg(lambda s: sorted(set(s)))
    body["actors"] = [actors.get(k, []) for k in zip(body["doc_id"], body["sentence_id"],
                                                      strict=True)]
    return body.sort_values(["doc_id", "start_char"], kind="stable").reset_index(drop=True)


def _chosen_terms(lemmas: pd.DataFrame, most: int) -> pd.DataFrame:
    """The ``most`` most frequent lemmas of one contrast, and every distinctive one."""
    ranked = lemmas.assign(_n=lemmas["count_a"] + lemmas["count_b"]).sort_values(
        ["_n", "term"], ascending=[False, True], kind="stable")
    distinctive = ranked["distinctive_for"].fillna("").astype(str) != ""
    keep = distinctive.copy()
    keep.iloc[:most] = True
    return ranked[keep].drop(columns="_n")


def explorer_data(keyness: pd.DataFrame, terms: pd.DataFrame, sentences: pd.DataFrame,
                  documents: pd.DataFrame, frames: pd.DataFrame, tone: pd.DataFrame,
                  voices: pd.DataFrame, roles: pd.DataFrame, compare: tuple[str, ...],
                  settings: ReportSettings) -> dict:
    """What the explorer shows, as plain lists and dicts (the same tables give the same
    JSON, byte for byte)."""
    body = _body_sentences(sentences, documents, frames, tone, voices, roles, compare)
    lemmas = keyness[keyness["kind"] == "lemma"]
    plots, chosen = [], set()
    for contrast in shown_contrasts(compare):
        every = contrast_rows(lemmas, contrast)
        part = _chosen_terms(every, settings.explorer_terms)
        chosen.update(part["term"])
        plots.append({
            "a": contrast.a, "b": contrast.b, "members_a": list(contrast.members_a),
            "members_b": list(contrast.members_b), "total": len(every),
            "terms": [[r.term, int(r.count_a), int(r.count_b), round(float(r.rate_a), 4),
                       round(float(r.rate_b), 4), round(float(r.log_odds_z), 3),
                       r.distinctive_for if isinstance(r.distinctive_for, str) else ""]
                      for r in part.itertuples()]})

    position = {k: i for i, k in enumerate(zip(body["doc_id"], body["sentence_id"],
                                               strict=True))}
    occ = terms[(terms["kind"] == "lemma") & terms["term"].isin(chosen)]
    occ = occ.assign(_row=np.array([position.get(k, -1) for k in zip(
        occ["doc_id"], occ["sentence_id"], strict=True)], dtype=np.int64))
    occ = occ[occ["_row"] >= 0]
    occ = occ.assign(group=body["group"].to_numpy()[occ["_row"].to_numpy()]) \
        .sort_values(["term", "group", "doc_id", "start_char"], kind="stable")
    counts = occ.groupby(["term", "group"]).size()
    shown = occ[occ.groupby(["term", "group"]).cumcount() < settings.explorer_kwic]
    # the table: the first sentences of each group, an equal share of the limit each
    quota = max(1, settings.explorer_sentences // max(1, len(compare)))
    table_rows = np.flatnonzero(body.groupby("group", sort=False).cumcount().to_numpy() < quota
                                ).tolist() if len(body) > settings.explorer_sentences \
        else list(range(len(body)))
    used = sorted(set(shown["_row"]) | set(table_rows))
    index = {row: i for i, row in enumerate(used)}
    kwic: dict[str, dict[str, dict]] = {}
    for (term, group), hits in shown.groupby(["term", "group"], sort=True):
        kwic.setdefault(term, {})[group] = {
            "n": int(counts[(term, group)]),
            "lines": [[index[r], int(s), int(e)] for r, s, e in zip(
                hits["_row"], hits["start_char"], hits["end_char"], strict=True)]}
    rows = body.iloc[used]
    stored = [[r.doc_id, int(r.start_char), int(r.end_char), r.group, _text(r.primary_frame),
               _text(r.tone), _text(r.voice), list(r.actors), r.text]
              for r in rows.itertuples()]
    actors = pd.Series([a for row in body["actors"] for a in row], dtype=object)
    return {
        "groups": list(compare), "rest": REST,
        "colours": {**{g: colour_of(g, compare) for g in compare}, REST: NEUTRAL},
        "plots": plots, "kwic": kwic, "sentences": stored,
        "table": [index[r] for r in table_rows], "body_sentences": int(len(body)),
        "frames": sorted({_text(f) for f in body["primary_frame"]} - {""}),
        "tones": sorted({_text(t) for t in body["tone"]} - {""}),
        "voices": sorted({_text(v) for v in body["voice"]} - {""}),
        "actors": actors.value_counts().sort_index(kind="stable")
        .sort_values(ascending=False, kind="stable").index[:200].tolist() if len(actors) else [],
        "limits": {"terms": settings.explorer_terms, "kwic": settings.explorer_kwic,
                   "sentences": settings.explorer_sentences},
    }


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def explorer_json(data: dict) -> str:
    """The data as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c")  # no "</script>" or "<!--" can end the element
