"""evaluate-frames: agreement, kappa and per-frame scores of the tagger against labelled text."""

import json
import shutil

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.stages.framing.evaluation import (
    cohen_kappa,
    frame_scores,
    match_gold,
    read_frame_gold,
)
from tests.conftest import CORPUS, OVERVIEW, original_text

FRAMES = ["economic", "political", "security_and_defense", "none"]


def test_kappa_by_hand_and_against_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    # observed 3/4; chance 0.5 * 0.25 + 0.5 * 0.75 = 0.5; kappa (0.75 - 0.5) / 0.5
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "b", "b"]) == pytest.approx(0.5)
    gold = list("aabbbcccddaacbd" * 7)
    pred = list("abbbccccddaaabd" * 7)
    assert cohen_kappa(gold, pred) == pytest.approx(cohen_kappa_score(gold, pred))


def test_per_frame_precision_recall_and_lenient_agreement():
    matched = pd.DataFrame({"gold": ["economic", "economic", "political", "political"],
                            "secondary": [(), ("political",), ("economic",), ()],
                            "predicted": ["economic", "political", "economic", "none"],
                            "present": [("economic",), ("political", "economic"),
                                        ("economic",), ()]})
    s = frame_scores(matched, FRAMES)
    assert s.agreement == 0.25 and s.lenient_agreement == 0.75
    assert s.gold_present == 0.5  # the gold's frame fired in sentences 1 and 2
    economic = s.per_frame.set_index("frame").loc["economic"]
    # tagged economic twice, right once; gold economic twice, found once
    assert (economic.precision, economic.recall) == (0.5, 0.5)
    assert s.confusion.loc["political", "none"] == 1 and s.confusion.to_numpy().sum() == 4


def test_gold_mistakes_are_one_line_naming_the_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"file": "a.txt", "start": 0, "end": 9, "primary_frame": "economic"}\n'
                   '{"file": "a.txt", "start": 10, "end": 20, "primary_frame": "econmic"}\n')
    with pytest.raises(PipelineError) as err:
        read_frame_gold(bad, FRAMES)
    assert "Gold line 2 names an unknown frame 'econmic'" in str(err.value)
    assert "economic" in str(err.value) and "\n" not in str(err.value)
    bad.write_text('{"file": "a.txt", "start": 0}\n')
    with pytest.raises(PipelineError, match="Gold line 1 is not a labelled sentence"):
        read_frame_gold(bad, FRAMES)


def test_a_gold_sentence_matches_the_tagged_sentence_it_overlaps_most():
    tagged = pd.DataFrame({"file": "a.txt", "doc_id": "a", "sentence_id": [0, 1],
                           "start_char": [0, 41], "end_char": [40, 90],
                           "primary_frame": ["economic", "political"], "cues": ["", ""],
                           "frames_present": ["economic", "political; legality"]})
    gold = [{"file": "a.txt", "start": 39, "end": 88, "primary_frame": "political",
             "secondary_frames": []},
            {"file": "b.txt", "start": 0, "end": 9, "primary_frame": "economic",
             "secondary_frames": []}]
    matched, unmatched = match_gold(gold, tagged)
    assert matched["sentence_id"].tolist() == [1] and unmatched == [gold[1]]
    assert matched["present"].tolist() == [("political", "legality")]


def _sentence(text: str, starts_with: str) -> tuple[int, int]:
    start = text.index(starts_with)
    return start, text.index(".", start) + 1


def test_evaluate_frames_command_on_bundled_sentences(tmp_path, bundled_run, capsys):
    out = tmp_path / "run"
    shutil.copytree(bundled_run, out)
    text = original_text(OVERVIEW)
    path = next(p.name for p in CORPUS.glob("*.txt") if p.read_text("utf-8") == text)
    # labels written here by reading the sentences (not taken from the tagger)
    labelled = [("Trade relations between the two nations have grown steadily", "economic"),
                ("Japanese companies have also invested", "economic"),
                ("High-level visits by leaders of both countries", "political"),
                ("Cultural exchanges and educational programs", "cultural_identity")]
    gold = tmp_path / "gold.jsonl"
    lines = []
    for opening, frame in labelled:
        start, end = _sentence(text, opening)
        lines.append(json.dumps({"file": path, "start": start, "end": end,
                                 "primary_frame": frame}))
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["evaluate-frames", str(gold), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # what the tagger said for these four sentences, read from its own table
    tagged = pd.read_csv(out / "tables" / "frames_sentences.csv")
    tagged = tagged[tagged["doc_id"] == OVERVIEW]
    said = [tagged[(tagged.start_char <= _sentence(text, o)[0]) &
                   (tagged.end_char >= _sentence(text, o)[1] - 1)].primary_frame.iloc[0]
            for o, _ in labelled]
    agreed = sum(s == f for s, (_, f) in zip(said, labelled, strict=True))
    assert printed.startswith("4 sentences scored (0 gold sentences not found")
    assert f"agreement {agreed / 4:.3f}" in printed
    disagreements = pd.read_csv(out / "evaluation" / "frame_disagreements.csv")
    assert len(disagreements) == 4 - agreed
    assert all(t.startswith(tuple(o for o, _ in labelled)) for t in disagreements["text"])
    confusion = pd.read_csv(out / "evaluation" / "frame_confusion.csv")
    assert confusion.drop(columns="gold").to_numpy().sum() == 4
    scores = pd.read_csv(out / "evaluation" / "frame_scores.csv")
    assert scores.iloc[0]["frame"] == "all" and scores.iloc[0]["gold"] == 4
    assert (out / "evaluation" / "frame_confusion.png").is_file()


def test_evaluate_frames_without_a_run_says_what_to_do(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"file": "a.txt", "start": 0, "end": 9, "primary_frame": "economic"}\n')
    assert main(["evaluate-frames", str(gold), "--out", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: No frame table at") and "python -m pipeline run" in err
    assert len(err.splitlines()) == 1
