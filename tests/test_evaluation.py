import shutil

import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.stages.entities.evaluation import (
    EntityScores,
    gold_mentions,
    read_gold,
    scopes,
    score_mentions,
)

from .conftest import REPO

GOLD = REPO / "tests" / "data" / "gold_entities.jsonl"
GOLD_FULL = REPO / "tests" / "data" / "gold_entities_full.jsonl"  # both article bodies


def test_scores_by_hand_with_scope():
    records = [{"file": "a.txt", "start": 0, "end": 5, "label": "GPE"},
               {"file": "a.txt", "start": 10, "end": 15, "label": "PERSON"},
               {"file": "a.txt", "start": 0, "end": 50, "scope": True},
               {"file": "b.txt", "start": 3, "end": 7, "label": "ORG"}]
    predicted = [("a.txt", 0, 5, "GPE"), ("a.txt", 10, 16, "PERSON"),  # one hit, one near miss
                 ("a.txt", 60, 65, "GPE"),                             # outside a.txt's scope
                 ("b.txt", 3, 7, "ORG"), ("b.txt", 9, 12, "CARDINAL")]  # label not scored
    scores = score_mentions(predicted, gold_mentions(records), scopes(records), ["GPE", "PERSON",
                                                                                "ORG"])
    assert scores.overall == (2, 1, 1)
    assert scores.counts("PERSON") == (0, 1, 1)
    p, r, f = EntityScores.prf(*scores.overall)
    assert (p, r, f) == (pytest.approx(2 / 3), pytest.approx(2 / 3), pytest.approx(2 / 3))


def test_bad_gold_line_is_named(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"file": "a.txt", "start": 0, "end": 5, "label": "GPE"}\n{"file": "a.txt"}\n')
    with pytest.raises(PipelineError, match="Gold line 2 is not a mention"):
        read_gold(path)


def _overall(text):
    line = next(x for x in text.splitlines() if x.startswith("overall"))
    return float(line.split()[3])


def test_evaluate_command_before_and_after_corrections(tmp_path, bundled_run, nlp, capsys):
    from pipeline.config import load_config
    from pipeline.engine.runner import Runner
    from pipeline.stages import STAGES

    assert main(["evaluate-entities", str(GOLD), "--corpus", str(REPO / "corpus"),
                 "--out", str(bundled_run)]) == 0
    after = capsys.readouterr().out
    assert main(["evaluate-entities", str(GOLD_FULL), "--out", str(bundled_run)]) == 0
    after_full = capsys.readouterr().out
    raw_out = tmp_path / "raw"
    shutil.copytree(bundled_run, raw_out)
    config = tmp_path / "raw.toml"
    config.write_text("[entities]\ncorrections = false\n")
    runner = Runner(STAGES, load_config(config), REPO / "corpus", raw_out, nlp=nlp)
    assert [r.status for r in runner.run(only="entities")] == ["ran"]
    assert main(["evaluate-entities", str(GOLD), "--corpus", str(REPO / "corpus"),
                 "--out", str(raw_out), "--config", str(config)]) == 0
    before = capsys.readouterr().out
    assert main(["evaluate-entities", str(GOLD_FULL), "--out", str(raw_out),
                 "--config", str(config)]) == 0
    before_full = capsys.readouterr().out
    assert _overall(after_full) >= 0.97
    assert _overall(before_full) < 0.9 < _overall(after_full)
    assert "false negatives" in after and "…" in before
    assert _overall(after) >= 0.95
    assert _overall(before) < _overall(after)
    assert "Bhutto Zardari’s" in before  # the stock span with its possessive is a false positive
