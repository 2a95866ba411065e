"""Command line: ``python -m pipeline run|stages``. The only module that prints.

Errors of the PipelineError family become one line on stderr and exit code 1, and
so does any other exception (a bug), named as one; ``--debug`` shows the traceback
instead. Ctrl-C exits with code 130 and leaves
earlier outputs untouched.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import load_config
from pipeline.errors import PipelineError

COMMANDS = {
    "run": "run the pipeline (all stages, or --stage / --from)",
    "stages": "list the stages, what they read and write, and whether each is up to date",
    "evaluate-entities": "score outputs/tables/entities.csv against a hand-annotated gold file",
    "evaluate-frames": "score the primary frames of outputs/tables/frames_sentences.csv against "
                       "hand-labelled sentences",
    "train-frames": "train the frame model on hand-labelled sentences of a run's corpus "
                    "(cross-validated by document; writes the model and its data card)",
    "export": "write every table of a finished run to one SQLite file (typed columns, "
              "indexes on doc_id and offsets) or to Parquet files",
}


def _folder_path(text: str) -> Path:
    """A folder option's value; an empty one (``--out ""``) would mean the working folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, not be empty")
    return Path(text)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", default="corpus", type=_folder_path,
                        help="corpus folder with a manifest (default: corpus)")
    parser.add_argument("--out", default="outputs", type=_folder_path,
                        help="output folder (default: outputs)")
    parser.add_argument("--config", type=Path, default=None,
                        help="TOML file overriding pipeline/defaults.toml")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Framing analysis of news text: compare how two groups of documents "
                    "frame the same story.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help=COMMANDS["run"], description=COMMANDS["run"])
    _common(run)
    run.add_argument("--stage", metavar="NAME", help="run only this stage")
    run.add_argument("--from", dest="start_from", metavar="NAME",
                     help="rerun this stage and every later one")
    run.add_argument("--force", action="store_true", help="rerun even if up to date")
    run.add_argument("--dry", action="store_true",
                     help="say what would run and why, change nothing")
    run.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    run.add_argument("--engine", choices=["local", "dask"], default=None,
                     help="where the parse stage's shards run (default: [engine] name)")
    run.add_argument("--scheduler", metavar="ADDRESS", default=None,
                     help="with --engine dask: the Dask scheduler (tcp://host:8786); "
                          "none = a LocalCluster on this machine")
    stages = sub.add_parser("stages", help=COMMANDS["stages"], description=COMMANDS["stages"])
    _common(stages)
    evaluate = sub.add_parser("evaluate-entities", help=COMMANDS["evaluate-entities"],
                              description=COMMANDS["evaluate-entities"])
    evaluate.add_argument("gold", type=Path, help="JSONL gold file (see pipeline/stages/entities/evaluation.py)")
    _common(evaluate)
    frames = sub.add_parser("evaluate-frames", help=COMMANDS["evaluate-frames"],
                            description=COMMANDS["evaluate-frames"] + "; writes "
                            "evaluation/frame_*.csv and frame_confusion.png in the output folder")
    frames.add_argument("gold", type=Path,
                        help="JSONL gold file (see pipeline/stages/framing/evaluation.py)")
    _common(frames)
    train = sub.add_parser("train-frames", help=COMMANDS["train-frames"],
                           description=COMMANDS["train-frames"] + "; point [framing] "
                           "frame_model at the model file to use it")
    train.add_argument("gold", type=Path, nargs="+",
                       help="JSONL gold file(s) (the format of evaluate-frames)")
    train.add_argument("--model", type=Path, default=Path("frames_model.json"),
                       help="model file to write, with its data card beside it as .md "
                            "(default: frames_model.json)")
    train.add_argument("--C", type=float, default=10.0, dest="C",
                       help="inverse regularisation strength of the logistic regression "
                            "(default: 10)")
    _common(train)
    export = sub.add_parser("export", help=COMMANDS["export"], description=COMMANDS["export"])
    export.add_argument("--to", type=Path, required=True, metavar="PATH",
                        help="the SQLite file (e.g. outputs/framing.sqlite) or, with "
                             "--format parquet, the folder of .parquet files to write")
    export.add_argument("--format", choices=["sqlite", "parquet"], default=None,
                        help="default: parquet for a --to ending in .parquet or without a "
                             "suffix, else sqlite")
    export.add_argument("--out", default="outputs", type=_folder_path,
                        help="output folder of the run to export (default: outputs)")
    export.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each message."""

    @property
    def stream(self):  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _setup_logging(quiet: bool) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("pipeline")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    root.propagate = False


def status_line(result) -> str:
    """How a stage's result reads on the terminal: ``ran in 1.2 s (first run)``,
    ``skipped (up to date)``, ``would run (input tables/sentences.csv changed)``."""
    if result.status == "ran":
        return f"ran in {result.seconds:.1f} s ({result.reason})"
    return f"{result.status} ({result.reason})" if result.reason else result.status


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.engine.runner import Runner
    from pipeline.stages import STAGES

    config = load_config(args.config)
    if args.engine or args.scheduler is not None:
        if args.scheduler and (args.engine or config.engine.name) != "dask":
            raise PipelineError("--scheduler is an address of a Dask cluster",
                                fix="add --engine dask (or set [engine] name = \"dask\")")
        update = {"name": args.engine or config.engine.name}
        if args.scheduler is not None:
            update["scheduler"] = args.scheduler
        config = config.model_copy(
            update={"engine": config.engine.model_copy(update=update)})
    runner = Runner(STAGES, config, args.corpus, args.out)
    results = runner.run(only=args.stage, start_from=args.start_from, force=args.force,
                         dry=args.dry)
    width = max(len(r.name) for r in results)
    for r in results:
        print(f"{r.name:<{width}}  {status_line(r)}")
    if not args.dry:
        report = Path(args.out) / "report.html"
        where = f"; open {report}" if report.is_file() else ""
        print(f"outputs in {args.out}/ (tables/, figures/, run.json){where}")
    return 0


def _cmd_stages(args: argparse.Namespace) -> int:
    from pipeline.engine.runner import Runner
    from pipeline.stages import STAGES

    runner = Runner(STAGES, load_config(args.config), args.corpus, args.out)
    for stage, status in zip(STAGES, runner.status(), strict=True):
        print(f"{stage.name}: {status.status}" + (f" ({status.reason})" if status.reason else ""))
        print(f"    {stage.description}")
        print(f"    reads:  {', '.join(stage.inputs)}")
        print(f"    writes: {', '.join(stage.outputs)}")
        if stage.libraries:
            print(f"    libraries: {', '.join(stage.libraries)}")
        if stage.data:
            print(f"    data files: {', '.join(stage.data)}")
    incomplete = Path(args.out) / "INCOMPLETE.txt"
    if incomplete.is_file():
        print(f"\nThe last run in {args.out} did not finish ({incomplete}):\n"
              + incomplete.read_text(encoding="utf-8", errors="replace").rstrip())
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import export, format_of

    fmt = format_of(args.to, args.format)
    names = export(args.out, args.to, fmt)
    print(f"exported {len(names)} tables of {args.out} to {args.to} ({fmt})")
    return 0


def _run_table(args: argparse.Namespace, name: str, what: str):
    """The config, the corpus and one table of the run an ``evaluate-*`` command scores."""
    from pipeline.corpus.manifest import load_corpus
    from pipeline.engine.catalog import read_table

    config = load_config(args.config)
    corpus = load_corpus(args.corpus, config.corpus)
    path = args.out / "tables" / name
    if not path.is_file():
        raise PipelineError(f"No {what} table at {path}",
                            fix="run the pipeline on the corpus the gold refers to first: "
                                f"python -m pipeline run --corpus {args.corpus} --out {args.out}")
    return config, corpus, read_table(path)


def _cmd_evaluate_entities(args: argparse.Namespace) -> int:
    from pipeline.stages.entities.evaluation import (
        gold_mentions,
        read_gold,
        report_lines,
        scopes,
        score_mentions,
    )

    config, corpus, table = _run_table(args, "entities.csv", "entity")
    path_of = {d.doc_id: d.path for d in corpus.documents}
    body = table[table["part"].isin(config.parse.body_parts)]
    predicted = [(path_of.get(r.doc_id, r.doc_id), int(r.start_char), int(r.end_char), r.label)
                 for r in body.itertuples()]
    records = read_gold(args.gold)
    scores = score_mentions(predicted, gold_mentions(records), scopes(records),
                            config.entities.labels)
    texts = {d.path: d.text for d in corpus.documents}
    print("\n".join(report_lines(scores, texts)))
    return 0


def _matched_gold(records: list[dict], corpus, tagged, source: str, out: Path):
    """The gold sentences matched to the run's tagged sentences, and those unmatched;
    one clear error when none matches."""
    from pipeline.stages.framing.evaluation import match_gold

    path_of = {d.doc_id: d.path for d in corpus.documents}
    tagged = tagged.assign(file=tagged["doc_id"].map(path_of).fillna(tagged["doc_id"]))
    matched, unmatched = match_gold(records, tagged)
    if matched.empty:
        raise PipelineError(f"No gold sentence of {source} is among the sentences of {out}",
                            fix="give the corpus (--corpus) and output folder (--out) of a "
                                "run on the files the gold names")
    return matched, unmatched


def _cmd_evaluate_frames(args: argparse.Namespace) -> int:
    from pipeline.charts.framing import plot_frame_confusion
    from pipeline.charts.style import new_figure
    from pipeline.engine.catalog import file_hash, write_artifacts
    from pipeline.engine.runner import frame_model_path
    from pipeline.stages.framing.evaluation import (
        disagreement_table,
        frame_scores,
        read_frame_gold,
        report_lines,
        scores_table,
    )
    from pipeline.stages.framing.frame_model import model_feature_table, read_model
    from pipeline.stages.framing.frames import NONE

    config, corpus, tagged = _run_table(args, "frames_sentences.csv", "frame")
    # the frames the run tagged: one score column each, after the matched cues
    frames = list(tagged.columns[list(tagged.columns).index("cues") + 1:])
    records = read_frame_gold(args.gold, [*frames, NONE])
    matched, unmatched = _matched_gold(records, corpus, tagged, str(args.gold), args.out)
    scores = frame_scores(matched, [*frames, NONE])
    texts = {d.path: d.text for d in corpus.documents}
    figure, (ax,) = new_figure(9, 7.5)
    plot_frame_confusion(ax, scores.confusion, scores.agreement, scores.kappa)
    artifacts = {
        "evaluation/frame_scores.csv": scores_table(scores),
        "evaluation/frame_confusion.csv": scores.confusion.reset_index(),
        "evaluation/frame_disagreements.csv": disagreement_table(matched, texts),
        "evaluation/frame_confusion.png": figure}
    model_path = frame_model_path(config)
    lines = report_lines(scores, matched, unmatched, texts)
    if model_path is not None:
        model = read_model(model_path)
        artifacts["evaluation/frame_model_features.csv"] = model_feature_table(model)
        lines += [f"\nthe primary frames come from the trained model {model_path} "
                  f"(data card: {model_path.with_suffix('.md')}); its strongest features:"]
        lines += [f"  {frame}: " + ", ".join(f"{n} {w:+.2f}" for n, w in top)
                  for frame, top in model.top_features(8).items()]
        if file_hash(args.gold) in (model.card.get("gold_sha256") or []):
            lines.append(f"  note: the model was trained on this gold file "
                         f"({model.card.get('trained_on', '')}); scores on its own training "
                         "sentences are optimistic (the data card gives the cross-validated "
                         "ones)")
    written = write_artifacts(args.out, artifacts)
    print("\n".join(lines))
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0


def _cmd_train_frames(args: argparse.Namespace) -> int:
    from pipeline.engine.catalog import file_hash
    from pipeline.engine.runner import Runner
    from pipeline.nlp.cues import compile_cues
    from pipeline.nlp.model import pipeline_version
    from pipeline.stages import STAGES
    from pipeline.stages.framing.evaluation import read_frame_gold
    from pipeline.stages.framing.frame_model import lexicon_digest, model_json
    from pipeline.stages.framing.frames import NONE, frame_definitions, frame_rules
    from pipeline.stages.framing.training import (
        TrainingOptions,
        card_markdown,
        cross_validated,
        features_of_sentences,
        fit_model,
        label_weights,
        model_card,
    )

    if not (math.isfinite(args.C) and args.C > 0):
        raise PipelineError(f"--C must be a positive number, got {args.C}",
                            fix="give e.g. --C 10")
    target = _check_model_target(args.model)
    config, corpus, tagged = _run_table(args, "frames_sentences.csv", "frame")
    runner = Runner(STAGES, config, args.corpus, args.out)
    definitions = frame_definitions(runner.catalog.load("lexicon:frames.toml"))
    frames = [*definitions, NONE]
    records = [r for path in args.gold for r in read_frame_gold(path, frames)]
    source = " + ".join(str(p) for p in args.gold)
    matched, unmatched = _matched_gold(records, corpus, tagged, source, args.out)
    keys = list(zip(matched["doc_id"], matched["sentence_id"], strict=True))
    body_parts = set(config.parse.body_parts) - set(config.framing.heading_parts)
    found, context = features_of_sentences(runner.catalog.load("cache/docs.spacy"), set(keys),
                                           compile_cues(definitions, runner.nlp()),
                                           frame_rules(definitions), body_parts)
    features, labels = [found[k] for k in keys], matched["gold"].tolist()
    options = TrainingOptions(C=args.C)
    confidence = {(r["file"], r["start"]): r.get("confidence") for r in records}
    weights = label_weights([confidence.get((f, s)) for f, s in
                             zip(matched["file"], matched["start"], strict=True)], options)
    n_docs = matched["file"].nunique()
    missing = sorted({r["file"] for r in unmatched})
    print(f"{len(matched)} labelled sentences of {n_docs} document{'s' * (n_docs != 1)}"
          + (f" ({len(unmatched)} not found among the run's sentences, in "
             f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}: other files, or "
             "repeats of an earlier sentence)" if unmatched else "")
          + "; cross-validating by document ...", flush=True)
    predicted = cross_validated(features, labels, matched["file"].tolist(), frames, options,
                                weights)
    provenance = {"lexicon": lexicon_digest(definitions),
                  "spacy_pipeline": f"{config.model.name} "
                                    f"{pipeline_version(config.model.name)}",
                  "gold_sha256": [file_hash(Path(p)) for p in args.gold]}
    card = model_card(matched, predicted, source, options, frames, provenance)
    model = fit_model(features, labels, frames, options, card, context, weights)
    card_path = target.with_suffix(".md")
    _write_files({target: model_json(model), card_path: card_markdown(model)})
    cv = card["cross_validation"]
    if isinstance(cv, dict):
        print(f"cross-validated by document: agreement {cv['agreement']:.3f}, Cohen's kappa "
              f"{cv['kappa']:.3f} ({cv['folds']} folds)")
    else:
        print(f"cross-validation {cv}")
    print(f"written: {target}, {card_path}")
    print(f'to use it, set in your config: [framing] frame_model = "{target.resolve()}"')
    return 0


def _check_model_target(target: Path) -> Path:
    """The --model path, checked before any training: a .json file name (its card is the
    .md beside it) in a folder that exists and can be written, not a device or folder."""
    if target.suffix.lower() != ".json":
        raise PipelineError(f"--model must name a .json file, got {target}",
                            fix=f"give e.g. {target.with_suffix('.json')} (its data card is "
                                "written beside it as .md)")
    for path in (target, target.with_suffix(".md")):
        if path.exists() and not path.is_file():
            raise PipelineError(f"--model would replace {path}, which is not a regular file",
                                fix="give a new file name for the model")
    folder = target.parent
    if not folder.is_dir():
        raise PipelineError(f"--model names a folder that does not exist: {folder}",
                            fix=f"create it first (mkdir -p {folder}) or give another path")
    if not os.access(folder, os.W_OK):
        raise PipelineError(f"Cannot write in {folder}", fix="give a --model path in a folder "
                            "you can write")
    return target


def _write_files(files: dict[Path, str]) -> None:
    """Write text files all or none: temporary files first, renamed when all are written."""
    import secrets

    temporary = []
    try:
        for path, text in files.items():
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
            temporary.append((tmp, path))
            tmp.write_text(text, encoding="utf-8")
    except OSError as err:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        raise PipelineError(f"Cannot write {err.filename or path}: {err.strerror or err}",
                            fix="give a --model path in a folder you can write") from None
    for tmp, path in temporary:
        os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(getattr(args, "quiet", False))
    handlers = {"run": _cmd_run, "stages": _cmd_stages,
                "evaluate-entities": _cmd_evaluate_entities,
                "evaluate-frames": _cmd_evaluate_frames,
                "train-frames": _cmd_train_frames, "export": _cmd_export}
    try:
        return handlers[args.command](args)
    except PipelineError as err:
        if args.debug:
            raise
        print(f"error: {err}{_partial(err, ' Before it, ')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        if args.debug:
            raise
        print(f"interrupted: {_partial(err) or 'earlier outputs are unchanged'}",
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a bug of ours: still one line, and outputs stay as they were
        if args.debug:
            raise
        outputs = _partial(err) or "earlier outputs are unchanged"
        print(f"error: unexpected {type(err).__name__}: {err}. This is a bug of the pipeline; "
              f"{outputs}. Fix: rerun with --debug for the traceback and report it",
              file=sys.stderr)
        return 1


def _partial(err: BaseException, lead: str = "") -> str:
    """The runner's note on which stages of an interrupted run wrote new outputs, or ""."""
    note = getattr(err, "partial_outputs", "")
    return f"{lead}{note}" if note else ""
