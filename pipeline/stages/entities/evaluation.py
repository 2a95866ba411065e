"""Score entity mentions against a hand-annotated gold file (exact span and label).

The gold file is JSON Lines, one object per mention:
``{"file": "<corpus file name>", "start": int, "end": int, "label": "GPE"}``
(other keys are ignored). Optional scope records
``{"file": ..., "start": ..., "end": ..., "scope": true}`` limit scoring in that
file to the regions they cover (for gold that annotates only some paragraphs);
a file without scope records is scored over its whole article body.

>>> gold = [{"file": "a.txt", "start": 0, "end": 5, "label": "GPE"}]
>>> pred = [("a.txt", 0, 5, "GPE"), ("a.txt", 10, 15, "ORG")]
>>> s = score_mentions(pred, gold_mentions(gold), scopes(gold), ["GPE", "ORG"])
>>> s.overall
(1, 1, 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corpus.gold import gold_lines, gold_record
from pipeline.errors import PipelineError

Key = tuple[str, int, int, str]  # file, start, end, label


@dataclass
class EntityScores:
    """True positives, false positives and false negatives, per label and overall."""

    labels: list[str]
    true_positives: list[Key] = field(default_factory=list)
    false_positives: list[Key] = field(default_factory=list)
    false_negatives: list[Key] = field(default_factory=list)

    def counts(self, label: str | None = None) -> tuple[int, int, int]:
        def n(keys: list[Key]) -> int:
            return sum(1 for k in keys if label is None or k[3] == label)
        return n(self.true_positives), n(self.false_positives), n(self.false_negatives)

    @property
    def overall(self) -> tuple[int, int, int]:
        return self.counts()

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        """Precision, recall, F1 (0 where undefined)."""
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_gold(path: Path) -> list[dict]:
    """Parse a gold JSONL file; one clear error naming the line that is wrong."""
    records = []
    for number, line in gold_lines(path):
        try:
            record = gold_record(line)
            if not record.get("scope") and not isinstance(record.get("label"), str):
                raise ValueError("no 'label'")
        except ValueError as err:
            raise PipelineError(
                f"Gold line {number} is not a mention: {err}", where=str(path),
                fix='write {"file": "name.txt", "start": 0, "end": 5, "label": "GPE"} per line',
            ) from None
        records.append(record)
    if not records:
        raise PipelineError("The gold file holds no mention", where=str(path),
                            fix='write {"file": "name.txt", "start": 0, "end": 5, "label": '
                                '"GPE"} per line')
    return records


def gold_mentions(records: Iterable[dict]) -> set[Key]:
    return {(r["file"], int(r["start"]), int(r["end"]), str(r["label"]))
            for r in records if not r.get("scope")}


def scopes(records: Iterable[dict]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for r in records:
        if r.get("scope"):
            out.setdefault(r["file"], []).append((int(r["start"]), int(r["end"])))
    return out


def score_mentions(predicted: Iterable[Key], gold: set[Key],
                   scope: dict[str, list[tuple[int, int]]], labels: Sequence[str]
                   ) -> EntityScores:
    """Exact-match scores of predicted against gold, both limited to labels and scope."""
    wanted = set(labels)

    def inside(key: Key) -> bool:
        regions = scope.get(key[0])
        return regions is None or any(s <= key[1] and key[2] <= e for s, e in regions)

    pred = {k for k in predicted if k[3] in wanted and inside(k)}
    gold = {k for k in gold if k[3] in wanted and inside(k)}
    return EntityScores(list(labels), sorted(pred & gold), sorted(pred - gold),
                        sorted(gold - pred))


def report_lines(scores: EntityScores, texts: dict[str, str], context: int = 40) -> list[str]:
    """Printable report: a P/R/F1 table, then every error with its context."""
    lines = [f"{'label':<12} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}"]
    for label in [*scores.labels, None]:
        tp, fp, fn = scores.counts(label)
        if label is not None and tp + fp + fn == 0:
            continue
        p, r, f = scores.prf(tp, fp, fn)
        lines.append(f"{label or 'overall':<12} {p:6.3f} {r:6.3f} {f:6.3f} {tp:4} {fp:4} {fn:4}")
    for title, keys in (("false positives", scores.false_positives),
                        ("false negatives", scores.false_negatives)):
        lines.append(f"\n{title} ({len(keys)}):")
        for file, start, end, label in keys:
            text = texts.get(file, "")
            left = text[max(0, start - context):start].replace("\n", " ")
            right = text[end:end + context].replace("\n", " ")
            lines.append(f"  {file}:{start}-{end} {label:<8} …{left}[{text[start:end]}]{right}…")
    return lines
