"""A date outside the poursuites configuration is refused with a message for people: no file path."""

from __future__ import annotations

from datetime import date

import pytest

from mrf.services.comptes.config import ConfigError, config


def test_a_date_without_configuration_names_no_internal_path() -> None:
    with pytest.raises(ConfigError) as refused:
        config(date(1901, 1, 1))
    message = str(refused.value)
    assert "01/01/1901" in message and "administrateur" in message
    assert "mrf/" not in message and ".toml" not in message
