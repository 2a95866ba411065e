"""Score the frame tagger against hand-labelled sentences.

The gold file is JSON Lines, one object per sentence:
``{"file": "<corpus file>", "start": int, "end": int, "primary_frame": "economic",
"secondary_frames": ["political"]}`` (``secondary_frames`` optional; other keys,
such as ``rule`` or ``text``, are kept for the report). Offsets are character
offsets into the original file, as in every table. A gold sentence is matched to
the tagged sentence (frames_sentences.csv) of the same file that overlaps it
most, if that covers at least half of either; unmatched gold sentences are
counted and listed, never scored.

Scores: agreement (share of sentences whose primary frame equals the gold's),
lenient agreement (the predicted frame is the gold primary or one of its
secondary frames), Cohen's (1960) kappa over the primary frames, and per frame
precision, recall and F1 of the primary label.

>>> gold = pd.DataFrame({"gold": ["economic", "economic", "political", "none"]})
>>> gold["predicted"] = ["economic", "political", "political", "none"]
>>> s = frame_scores(gold.assign(secondary=[(), (), (), ()]))
>>> s.agreement, round(s.kappa, 3)
(0.75, 0.636)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.corpus.gold import gold_lines, gold_record
from pipeline.errors import PipelineError

MATCH_COLUMNS = ["file", "start", "end", "gold", "secondary", "predicted", "present", "cues",
                 "rule", "doc_id", "sentence_id"]


def read_frame_gold(path: Path, frames: list[str]) -> list[dict]:
    """Parse a frame gold file; one clear error naming the first wrong line."""
    known = set(frames)
    example = '{"file": "a.txt", "start": 0, "end": 80, "primary_frame": "economic"}'
    records = []
    for number, line in gold_lines(path):
        try:
            record = gold_record(line)
            secondary = record.get("secondary_frames") or []
            if not isinstance(record.get("primary_frame"), str):
                raise ValueError("no 'primary_frame'")
            if not isinstance(secondary, list) or not all(isinstance(f, str) for f in secondary):
                raise ValueError("'secondary_frames' is not a list of frame names")
        except ValueError as err:
            raise PipelineError(f"Gold line {number} is not a labelled sentence: {err}",
                                where=str(path), fix=f"write {example} per line") from None
        record = {**record, "secondary_frames": list(secondary)}
        wrong = [f for f in [record["primary_frame"], *record["secondary_frames"]]
                 if f not in known]
        if wrong:
            raise PipelineError(f"Gold line {number} names an unknown frame {wrong[0]!r}",
                                where=str(path), fix="use the frame names of frames.toml",
                                options=sorted(known))
        records.append(record)
    if not records:
        raise PipelineError("The gold file holds no labelled sentence", where=str(path),
                            fix=f"write {example} per line")
    return records


def match_gold(records: list[dict], tagged: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Each gold sentence with the tagged sentence that overlaps it most (``tagged``:
    frames_sentences.csv with a ``file`` column); and the gold sentences left unmatched."""
    by_file = {f: part for f, part in tagged.groupby("file")}
    rows, unmatched = [], []
    for r in records:
        part = by_file.get(r["file"])
        if part is None:
            unmatched.append(r)
            continue
        starts, ends = part["start_char"].to_numpy(), part["end_char"].to_numpy()
        overlap = np.minimum(ends, r["end"]) - np.maximum(starts, r["start"])
        best = int(np.argmax(overlap))
        gold_len, pred_len = r["end"] - r["start"], ends[best] - starts[best]
        if overlap[best] <= 0 or overlap[best] < 0.5 * min(gold_len, pred_len):
            unmatched.append(r)
            continue
        hit = part.iloc[best]
        present = hit.get("frames_present", "")
        rows.append((r["file"], r["start"], r["end"], r["primary_frame"],
                     tuple(r["secondary_frames"]), hit["primary_frame"],
                     tuple(present.split("; ")) if isinstance(present, str) and present else (),
                     hit["cues"] if isinstance(hit["cues"], str) else "", r.get("rule", ""),
                     hit["doc_id"], int(hit["sentence_id"])))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS), unmatched


@dataclass(frozen=True)
class FrameScores:
    n: int
    agreement: float
    lenient_agreement: float
    kappa: float
    gold_present: float  # share of sentences whose gold primary frame is among those present
    per_frame: pd.DataFrame  # frame, gold, predicted, correct, precision, recall, f1
    confusion: pd.DataFrame  # rows: gold frame, columns: predicted frame, counts


def cohen_kappa(gold: list[str], predicted: list[str]) -> float:
    """Cohen's kappa: (observed - chance agreement) / (1 - chance agreement), the chance
    agreement from the two labellings' own label shares."""
    n = len(gold)
    if n == 0:
        return float("nan")
    observed = sum(g == p for g, p in zip(gold, predicted, strict=True)) / n
    labels = set(gold) | set(predicted)
    chance = sum((gold.count(x) / n) * (predicted.count(x) / n) for x in labels)
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def frame_scores(matched: pd.DataFrame, frames: list[str] | None = None) -> FrameScores:
    """Agreement, kappa, per-frame precision/recall/F1 and the confusion matrix."""
    gold, pred = matched["gold"].tolist(), matched["predicted"].tolist()
    n = len(gold)
    labels = list(dict.fromkeys([*(frames or []), *sorted(set(gold) | set(pred))]))
    lenient = sum(p == g or p in s for g, s, p in zip(gold, matched["secondary"], pred,
                                                      strict=True))
    rows = []
    for frame in labels:
        g, p = gold.count(frame), pred.count(frame)
        if not g and not p:
            continue
        correct = sum(1 for a, b in zip(gold, pred, strict=True) if a == b == frame)
        precision = correct / p if p else 0.0
        recall = correct / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((frame, g, p, correct, round(precision, 3), round(recall, 3), round(f1, 3)))
    per_frame = pd.DataFrame(rows, columns=["frame", "gold", "predicted", "correct",
                                            "precision", "recall", "f1"])
    used = [f for f in labels if f in set(gold) | set(pred)]
    confusion = pd.crosstab(pd.Categorical(gold, used), pd.Categorical(pred, used),
                            dropna=False).reindex(index=used, columns=used, fill_value=0)
    confusion.index.name, confusion.columns.name = "gold", "predicted"
    agreement = sum(a == b for a, b in zip(gold, pred, strict=True)) / n if n else float("nan")
    present = matched["present"] if "present" in matched else [()] * n
    seen = sum(g in p for g, p in zip(gold, present, strict=True))
    return FrameScores(n, round(agreement, 3), round(lenient / n, 3) if n else float("nan"),
                       round(cohen_kappa(gold, pred), 3),
                       round(seen / n, 3) if n else float("nan"), per_frame, confusion)


def report_lines(scores: FrameScores, matched: pd.DataFrame, unmatched: list[dict],
                 texts: dict[str, str]) -> list[str]:
    """Printable report: the overall figures, the per-frame table, every disagreement."""
    lines = [f"{scores.n} sentences scored ({len(unmatched)} gold sentences not found among "
             "the run's tagged sentences: other files, or repeats of an earlier sentence)",
             f"agreement {scores.agreement:.3f} (primary frame equals the gold's); lenient "
             f"{scores.lenient_agreement:.3f} (the gold's primary or a secondary frame); "
             f"Cohen's kappa {scores.kappa:.3f}",
             f"the gold primary frame is among the frames present (a cue of it fires) in "
             f"{scores.gold_present:.3f}", "",
             f"{'frame':<36} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for r in scores.per_frame.itertuples():
        lines.append(f"{r.frame:<36} {r.gold:5} {r.predicted:5} {r.precision:6.3f} "
                     f"{r.recall:6.3f} {r.f1:6.3f}")
    wrong = matched[matched["gold"] != matched["predicted"]]
    lines.append(f"\ndisagreements ({len(wrong)}):")
    for r in wrong.itertuples():
        text = texts.get(r.file, "")[r.start:r.end].replace("\n", " ")
        lines.append(f"  {r.file}:{r.start}-{r.end} gold {r.gold}, tagged {r.predicted}"
                     f"{' (cues: ' + r.cues + ')' if r.cues else ''}\n    “{text}”")
    if unmatched:
        lines.append(f"\nnot found ({len(unmatched)}):")
        lines += [f"  {r['file']}:{r['start']}-{r['end']}" for r in unmatched]
    return lines


def disagreement_table(matched: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """Every scored sentence whose tagged primary frame differs from the gold, with its text."""
    wrong = matched[matched["gold"] != matched["predicted"]].copy()
    wrong["secondary"] = ["; ".join(s) for s in wrong["secondary"]]
    wrong["present"] = ["; ".join(s) for s in wrong["present"]]
    wrong["text"] = [texts.get(f, "")[a:b].replace("\n", " ")
                     for f, a, b in zip(wrong["file"], wrong["start"], wrong["end"], strict=True)]
    return wrong[["doc_id", "sentence_id", "file", "start", "end", "gold", "secondary",
                  "predicted", "present", "cues", "rule", "text"]].reset_index(drop=True)


def scores_table(scores: FrameScores) -> pd.DataFrame:
    """The per-frame table with an ``all`` row on top: the agreement as its precision,
    recall and F1, with ``kappa`` and ``lenient_agreement`` beside it."""
    top = pd.DataFrame([{"frame": "all", "gold": scores.n, "predicted": scores.n,
                         "correct": int(round(scores.agreement * scores.n)),
                         "precision": scores.agreement, "recall": scores.agreement,
                         "f1": scores.agreement}])
    table = pd.concat([top, scores.per_frame], ignore_index=True)
    table["kappa"] = [scores.kappa] + [None] * len(scores.per_frame)
    table["lenient_agreement"] = [scores.lenient_agreement] + [None] * len(scores.per_frame)
    table["gold_present"] = [scores.gold_present] + [None] * len(scores.per_frame)
    return table
