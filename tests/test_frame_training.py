"""train-frames and the trained frame model: features, the model file, training, the stage."""

import json
import math
from collections import Counter

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.engine.runner import BUILTIN_FRAME_MODEL, Runner, frame_model_path
from pipeline.errors import ConfigError
from pipeline.nlp.cues import compile_cues
from pipeline.stages import STAGES
from pipeline.stages.framing.frame_model import (
    FORMAT,
    article_context,
    article_idf,
    feature_vector,
    model_from_dict,
    read_model,
    sentence_features,
)
from pipeline.stages.framing.frames import frame_definitions, frame_rules
from pipeline.stages.framing.training import (
    TrainingOptions,
    cross_validated,
    features_of_sentences,
    fit_model,
    inverse_document_frequency,
    label_weights,
)
from tests.conftest import write_corpus


def test_tf_idf_is_sublinear_unit_length_and_cues_are_scaled():
    features = (Counter(trade=2, talks=1, unknown=5), {"cue:economic": 2.0}, {"modal:should": 1.0})
    idf = {"trade": 2.0, "talks": 1.5}
    v = feature_vector(features, idf, cue_scale=0.5)
    trade, talks = (1 + math.log(2)) * 2.0, 1.0 * 1.5  # (1 + ln tf) * idf
    norm = math.hypot(trade, talks)
    assert v["lemma:trade"] == pytest.approx(trade / norm)
    assert v["lemma:talks"] == pytest.approx(talks / norm)
    assert "lemma:unknown" not in v  # not in the model's vocabulary
    assert v["cue:economic"] == 1.0 and v["modal:should"] == 1.0


def test_idf_is_the_smoothed_form_over_words_in_enough_sentences():
    features = [(Counter(a=1, b=1), {}, {}), (Counter(a=3), {}, {}), (Counter(c=1), {}, {})]
    idf = inverse_document_frequency(features, min_df=1)
    # ln((1 + n) / (1 + df)) + 1 with n = 3
    assert idf["a"] == pytest.approx(math.log(4 / 3) + 1, abs=1e-6)
    assert idf["b"] == pytest.approx(math.log(4 / 2) + 1, abs=1e-6)
    assert set(inverse_document_frequency(features, min_df=2)) == {"a"}


def _model(weights, intercepts=(0.0, 0.0), frames=("economic", "political")):
    return {"format": FORMAT, "frames": list(frames), "cue_scale": 1.0,
            "intercepts": list(intercepts), "idf": {"trade": 1.0}, "weights": weights,
            "card": {}}


def test_probabilities_are_the_softmax_of_the_linear_scores():
    model = model_from_dict(_model({"lemma:trade": [2.0, -1.0], "cue:political": [0.0, 3.0]},
                                   intercepts=(0.5, 0.0)))
    features = (Counter(trade=1), {"cue:political": 1.0}, {})
    # lemma:trade is 1.0 (one word, unit length): scores 0.5 + 2 = 2.5 and -1 + 3 = 2
    probs = model.probabilities(feature_vector(features, model.idf, model.cue_scale))
    assert probs[0] == pytest.approx(math.exp(2.5) / (math.exp(2.5) + math.exp(2.0)))
    assert model.predict(features) == ("economic", pytest.approx(probs[0]))
    assert model.top_features(1) == {"economic": [("lemma:trade", 2.0)],
                                     "political": [("cue:political", 3.0)]}


def test_a_file_that_is_no_model_is_one_clear_line(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(_model({"lemma:trade": [1.0]})))  # one weight, two frames
    with pytest.raises(ConfigError) as err:
        read_model(bad)
    assert "is not a frame model written by train-frames" in str(err.value)
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="Cannot read the frame model"):
        read_model(bad)


def test_sentence_features_on_parsed_text(nlp, config):
    runner = Runner(STAGES, config, "corpus", "outputs", nlp=nlp)
    definitions = frame_definitions(runner.catalog.load("lexicon:frames.toml"))
    cues = compile_cues(definitions, nlp)
    doc = nlp("The government should raise investment in schools. "
              "John Smith met Akira Tanaka in Osaka to discuss trade.")
    first, second = list(doc.sents)
    lemmas, cue, form = sentence_features(first, cues, frame_rules(definitions))
    assert form == {"modal:should": 1.0}
    assert {"government", "raise", "investment", "school"} <= set(lemmas)
    assert "the" not in lemmas and "should" not in lemmas  # stop words
    assert cue["cue:economic"] == 1.0  # "investment" is an economic cue of frames.toml
    lemmas, cue, form = sentence_features(second, cues, frame_rules(definitions))
    # names of people and places are no features; the verb and the topic are
    assert not {"john", "smith", "akira", "tanaka", "osaka"} & set(lemmas)
    assert {"meet", "discuss", "trade"} <= set(lemmas)


ECONOMIC = ["Prices rose by three percent as wages stalled.",
            "The company reported higher profits and revenue.",
            "Investors sold shares as the market fell.",
            "Exports grew while imports of oil dropped.",
            "The bank cut interest rates to support growth.",
            "Household budgets are squeezed by rising costs."]
POLITICAL = ["The party leader attacked his rivals in a speech.",
             "Voters will choose a new parliament in the election.",
             "The opposition accused the minister of misleading MPs.",
             "Campaigners for the party knocked on doors all week.",
             "The prime minister met party members after the vote.",
             "Senior politicians rallied behind the candidate."]


def _labelled_corpus(tmp_path):
    texts = {f"doc{i}": ("a" if i % 2 else "b",
                         f"{ECONOMIC[i]}\n\n{POLITICAL[i]}\n")
             for i in range(6)}
    corpus = write_corpus(tmp_path / "corpus", texts)
    gold = []
    for doc_id, (_, text) in texts.items():
        for sentence in text.split("\n\n"):
            frame = "economic" if sentence.strip() in ECONOMIC else "political"
            start = text.index(sentence.strip())
            gold.append({"file": f"{doc_id}.txt", "start": start,
                         "end": start + len(sentence.strip()), "primary_frame": frame})
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    return corpus, path, gold


def test_train_frames_writes_a_model_and_card_the_framing_stage_uses(tmp_path, nlp, capsys):
    corpus, gold, records = _labelled_corpus(tmp_path)
    out = tmp_path / "out"
    config_file = tmp_path / "lexicon_only.toml"
    config_file.write_text('compare = ["a", "b"]\n[framing]\nframe_model = ""\n'
                           "bootstrap = 0\npermutations = 0\n", encoding="utf-8")
    Runner(STAGES, load_config(config_file), corpus, out, nlp=nlp).run()
    lexicon = pd.read_csv(out / "tables" / "frames_sentences.csv")
    assert lexicon["frame_confidence"].isna().all()  # no model: the lexicon decides

    model_path = tmp_path / "models" / "mine.json"
    model_path.parent.mkdir()
    code = main(["train-frames", str(gold), "--corpus", str(corpus), "--out", str(out),
                 "--config", str(config_file), "--model", str(model_path)])
    printed = capsys.readouterr().out
    assert code == 0
    assert printed.startswith(f"{len(records)} labelled sentences of 6 documents")
    assert "cross-validated by document: agreement" in printed
    model = read_model(model_path)
    assert model.frames == ["economic", "political"]  # the lexicon's order
    assert model.card["sentences"] == len(records) and model.card["documents"] == 6
    assert model.card["cross_validation"]["by"] == "document"
    card = model_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "Cross-validated by document" in card and "**economic**" in card
    # the file is readable data: one line per feature, coefficients per frame
    text = model_path.read_text(encoding="utf-8")
    assert '"lemma:party": [' in text  # in two labelled sentences: in the vocabulary

    used = tmp_path / "with_model.toml"
    used.write_text(config_file.read_text().replace('frame_model = ""',
                                                    'frame_model = "models/mine.json"'))
    Runner(STAGES, load_config(used), corpus, out, nlp=nlp).run()
    tagged = pd.read_csv(out / "tables" / "frames_sentences.csv")
    assert tagged["frame_confidence"].between(0.5, 1.0).all()
    assert set(tagged["primary_frame"]) <= {"economic", "political"}
    # the frames present are the lexicon's, whichever tagger chose the primary frame
    assert tagged["frames_present"].fillna("").tolist() == \
        lexicon["frames_present"].fillna("").tolist()
    # the stage reads each sentence in its article as training did: the same features,
    # so the same probability for every labelled sentence
    assert model.context and any(k.startswith(("doc:", "ctx:")) for k in model.weights)
    runner = Runner(STAGES, load_config(used), corpus, out, nlp=nlp)
    definitions = frame_definitions(runner.catalog.load("lexicon:frames.toml"))
    keys = set(zip(tagged["doc_id"], tagged["sentence_id"], strict=True))
    found, context = features_of_sentences(runner.catalog.load("cache/docs.spacy"), keys,
                                           compile_cues(definitions, nlp),
                                           frame_rules(definitions), {"paragraph", "list_item"})
    assert context["idf"] == model.context["idf"]
    for r in tagged.itertuples():
        frame, probability = model.predict(found[(r.doc_id, r.sentence_id)])
        assert (frame, round(probability, 4)) == (r.primary_frame, r.frame_confidence)
    by_start = {(r.doc_id, r.start_char): r.primary_frame for r in tagged.itertuples()}
    right = sum(by_start.get((g["file"][:-4], g["start"])) == g["primary_frame"]
                for g in records)
    assert right >= 0.9 * len(records)  # sentences it was trained on, plainly of one frame

    # evaluate-frames with the model in use lists its strongest features
    assert main(["evaluate-frames", str(gold), "--corpus", str(corpus), "--out", str(out),
                 "--config", str(used)]) == 0
    printed = capsys.readouterr().out
    assert "from the trained model" in printed and "economic: " in printed
    features = pd.read_csv(out / "evaluation" / "frame_model_features.csv")
    assert set(features["frame"]) == {"economic", "political"}


def test_cross_validation_keeps_each_document_on_one_side():
    # two documents whose only word differs: a model trained on one cannot know the other
    features = [(Counter(alpha=1), {}, {}), (Counter(alpha=1), {}, {}),
                (Counter(beta=1), {}, {}), (Counter(beta=1), {}, {})]
    labels = ["economic", "economic", "political", "political"]
    predicted = cross_validated(features, labels, ["d1", "d1", "d2", "d2"],
                                ["economic", "political"],
                                TrainingOptions(min_df=1, folds=2))
    # each fold trains on one document (one frame only) and so predicts that frame
    assert predicted == ["political", "political", "economic", "economic"]
    assert cross_validated(features, labels, ["d"] * 4, ["economic", "political"]) is None
    model = fit_model(features, labels, ["political", "economic"],
                      TrainingOptions(min_df=1))
    assert model.frames == ["political", "economic"]
    assert model.predict((Counter(alpha=1), {}, {}))[0] == "economic"


def test_frame_model_setting(tmp_path):
    assert frame_model_path(load_config()) == BUILTIN_FRAME_MODEL
    config = tmp_path / "c.toml"
    config.write_text('[framing]\nframe_model = "nowhere.json"\n')
    with pytest.raises(ConfigError) as err:
        frame_model_path(load_config(config))
    assert f"frame_model is not a file: {tmp_path / 'nowhere.json'}" in str(err.value)
    config.write_text('[framing]\nframe_model = ""\n')
    assert frame_model_path(load_config(config)) is None


def test_the_shipped_model_and_its_card():
    model = read_model(BUILTIN_FRAME_MODEL)
    card = model.card
    assert card["trained_on"] == "tests/data/frames_dev.jsonl + tests/data/frames_train.jsonl"
    lines = sum(len(open(f"tests/data/{n}.jsonl", encoding="utf-8").readlines())
                for n in ("frames_dev", "frames_train"))
    # every labelled sentence but the few that repeat an earlier one (not tagged)
    assert lines - 10 <= card["sentences"] <= lines
    cv = card["cross_validation"]
    assert cv["by"] == "document" and 0.0 < cv["kappa"] < cv["agreement"] < 1.0
    assert BUILTIN_FRAME_MODEL.with_suffix(".md").is_file()


def test_the_bundled_run_tags_with_the_shipped_model(bundled_run):
    tagged = pd.read_csv(bundled_run / "tables" / "frames_sentences.csv")
    assert tagged["frame_confidence"].notna().all()
    # the model always chooses a frame; the lexicon's none is gone
    assert (tagged["primary_frame"] != "none").all()


def test_a_low_confidence_label_counts_half():
    """Two labellers' views of the same words: the confident one wins, and with no
    weights the frames tie; the class weights still count sentences, as scikit-learn's
    "balanced" does without sample weights."""
    from sklearn.linear_model import LogisticRegression

    from pipeline.stages.framing.training import _matrix

    same = (Counter(talks=1, tariff=1), {}, {})
    other = (Counter(vote=1), {}, {})
    features = [same, same, same, same, other, other]
    labels = ["economic", "economic", "political", "political", "political", "political"]
    options = TrainingOptions(min_df=1)
    weights = label_weights(["high", "high", "low", "low", "high", "high"], options)
    assert weights == [1.0, 1.0, 0.5, 0.5, 1.0, 1.0]
    weighted = fit_model(features, labels, ["economic", "political"], options, weights=weights)
    assert weighted.predict(same)[0] == "economic"
    plain = fit_model(features, labels, ["economic", "political"], options)
    p_economic = plain.probabilities(feature_vector(same, plain.idf, plain.cue_scale))[0]
    assert p_economic < weighted.probabilities(
        feature_vector(same, weighted.idf, weighted.cue_scale))[0]
    matrix, _ = _matrix(features, inverse_document_frequency(features, 1), 0.3, 1)
    reference = LogisticRegression(C=10, class_weight={"economic": 1.5, "political": 0.75},
                                   max_iter=3000).fit(matrix, labels, sample_weight=weights)
    assert weighted.probabilities(feature_vector(same, weighted.idf, weighted.cue_scale))[0] \
        == pytest.approx(reference.predict_proba(matrix[:1])[0][0], abs=1e-4)


def test_the_model_file_gives_scikit_learns_probabilities():
    from sklearn.linear_model import LogisticRegression

    from pipeline.stages.framing.training import _matrix

    words = ["trade", "vote", "court", "price", "party", "judge", "market", "poll"]
    frames = {"trade": "economic", "price": "economic", "market": "economic",
              "vote": "political", "party": "political", "poll": "political",
              "court": "legality", "judge": "legality"}
    features = [(Counter({w: 1 + i % 2, words[(i + 3) % 8]: 1}), {}, {})
                for i, w in enumerate(words * 3)]
    for kinds in (("economic", "political"), ("economic", "political", "legality")):
        rows = [(f, frames[w]) for f, w in zip(features, words * 3, strict=True)
                if frames[w] in kinds]
        feats, labels = [f for f, _ in rows], [lab for _, lab in rows]
        options = TrainingOptions(min_df=1)
        model = fit_model(feats, labels, list(kinds), options)
        matrix, _ = _matrix(feats, inverse_document_frequency(feats, 1), 0.3, 1)
        reference = LogisticRegression(C=10, class_weight="balanced", max_iter=3000)
        reference.fit(matrix, labels)
        expected = reference.predict_proba(matrix)
        order = [list(reference.classes_).index(k) for k in model.frames]
        for row, f in zip(expected, feats, strict=True):
            ours = model.probabilities(feature_vector(f, model.idf, model.cue_scale))
            assert ours == pytest.approx([row[i] for i in order], abs=1e-4)


def test_training_twice_writes_byte_identical_files(tmp_path, nlp, capsys):
    corpus, gold, _ = _labelled_corpus(tmp_path)
    out = tmp_path / "out"
    config_file = tmp_path / "c.toml"
    config_file.write_text('compare = ["a", "b"]\n[framing]\nbootstrap = 0\npermutations = 0\n')
    Runner(STAGES, load_config(config_file), corpus, out, nlp=nlp).run(only=None)
    written = []
    for name in ("one", "two"):
        model = tmp_path / f"{name}.json"
        assert main(["train-frames", str(gold), "--corpus", str(corpus), "--out", str(out),
                     "--config", str(config_file), "--model", str(model)]) == 0
        written.append((model.read_bytes(), model.with_suffix(".md").read_bytes()))
    assert written[0] == written[1]
    card = json.loads(written[0][0])["card"]
    assert len(card["lexicon"]) == 16 and card["spacy_pipeline"].startswith(
        load_config().model.name)
    capsys.readouterr()


@pytest.mark.parametrize(("target", "message"), [
    ("model.md", "--model must name a .json file"),
    ("missing/model.json", "--model names a folder that does not exist"),
    ("folder.json", "--model would replace"),
])
def test_a_bad_model_path_is_refused_before_training(tmp_path, capsys, target, message):
    (tmp_path / "folder.json").mkdir()
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"file": "a.txt", "start": 0, "end": 9, "primary_frame": "economic"}\n')
    code = main(["train-frames", str(gold), "--out", str(tmp_path / "no_run"),
                 "--model", str(tmp_path / target)])
    err = capsys.readouterr().err.strip()
    # refused on the path alone: before it even looks for a run
    assert code == 1 and err.startswith(f"error: {message}") and len(err.splitlines()) == 1


def test_a_model_of_a_frame_the_lexicon_lacks_is_one_line(tmp_path, bundled_run, capsys):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    model = tmp_path / "m.json"
    data = _model({"lemma:trade": [1.0, -1.0]}, frames=("economic", "astrology"))
    model.write_text(json.dumps(data))
    config_file = tmp_path / "c.toml"
    config_file.write_text(f'[framing]\nframe_model = "{model.name}"\n')
    before = (out / "tables" / "frames_sentences.csv").read_bytes()
    assert main(["run", "--out", str(out), "--config", str(config_file), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: The frame model") and "'astrology'" in err[-1]
    assert (out / "tables" / "frames_sentences.csv").read_bytes() == before


def test_a_sentence_is_read_in_its_article():
    """doc: the mean cue score of the other body sentences; para: of its paragraph's;
    near: of the body sentences before and after it; ctx: the rest of the article's
    lemmas by TF-IDF, scaled to unit length. Never the sentence itself."""
    sentences = [(Counter(trade=2), {"cue:economic": 1.0}, {}),           # paragraph 0
                 (Counter(tariff=1), {"cue:economic": 3.0}, {}),          # paragraph 0
                 (Counter(vote=1), {"cue:political": 2.0}, {}),           # paragraph 1
                 (Counter(title=1), {"cue:political": 5.0}, {})]          # a heading
    idf = article_idf([Counter(trade=1, tariff=1, vote=1), Counter(trade=1, vote=1)])
    assert idf == {"trade": 1.0, "vote": 1.0}  # in at least two articles
    first, second, third, heading = article_context(sentences, [0, 0, 1, 2],
                                                    [True, True, True, False], idf, top=5)
    assert first[1] == {"cue:economic": 1.0, "doc:economic": 1.5, "doc:political": 1.0,
                        "para:economic": 3.0, "near:economic": 3.0}
    assert first[2] == {"ctx:vote": 1.0}  # its own "trade" is not its context
    assert third[1]["near:economic"] == 3.0 and "para:economic" not in third[1]
    assert third[2] == {"ctx:trade": 1.0}
    # a heading is no body sentence: all three are its context, the nearest its neighbours
    assert heading[1]["doc:economic"] == round(4.0 / 3, 6) and heading[1]["near:political"] == 2.0
    weight = 1 + math.log(2)  # "trade" twice, "vote" once, both idf 1
    assert heading[2] == {"ctx:trade": round(weight / math.hypot(weight, 1), 6),
                          "ctx:vote": round(1 / math.hypot(weight, 1), 6)}
    assert sentences[0][1] == {"cue:economic": 1.0}  # the inputs are left as they were
