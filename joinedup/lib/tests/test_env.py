"""Settings from the environment fail loudly on a bad value."""

from __future__ import annotations

import pytest

from joinedup.lib.env import SettingError, env_bool, env_int, env_list, env_str


def test_booleans_read_the_usual_words_and_refuse_others() -> None:
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {"X": "off"}) is False
    assert env_bool("X", True, {}) is True
    with pytest.raises(SettingError, match="X must be true or false"):
        env_bool("X", False, {"X": "maybe"})


def test_numbers_name_the_variable_when_they_are_not_numbers() -> None:
    assert env_int("PORT", 1, {"PORT": "8000"}) == 8000
    assert env_int("PORT", 1, {}) == 1
    with pytest.raises(SettingError, match="PORT must be a whole number"):
        env_int("PORT", 1, {"PORT": "eighty"})


def test_lists_are_comma_separated_and_strings_trimmed() -> None:
    assert env_list("HOSTS", ["a"], {"HOSTS": "x.org, y.org ,"}) == ["x.org", "y.org"]
    assert env_list("HOSTS", ["a"], {}) == ["a"]
    assert env_str("S", "d", {"S": "  v "}) == "v"
