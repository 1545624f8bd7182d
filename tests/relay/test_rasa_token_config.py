"""The token of Rasa's HTTP API: from RASA_TOKEN, else from the file `make run` makes once (0600)."""

from __future__ import annotations

import stat

from relay import config


def test_the_developer_token_is_made_once_and_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "instance" / "rasa-token"
    token = config.developer_rasa_token(path)
    assert len(token) >= 40 and path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.developer_rasa_token(path) == token  # kept between runs


def test_the_environment_comes_before_the_file(tmp_path, monkeypatch):
    path = tmp_path / "rasa-token"
    monkeypatch.setattr(config, "RASA_TOKEN_FILE", path)
    assert config.load_config(environ={})["RASA_TOKEN"] is None
    made = config.developer_rasa_token(path)
    assert config.load_config(environ={})["RASA_TOKEN"] == made
    assert config.load_config(environ={"RASA_TOKEN": "from-the-environment"})["RASA_TOKEN"] == "from-the-environment"
    assert config.load_config({"RASA_TOKEN": None}, environ={})["RASA_TOKEN"] is None  # a test may ask for none
