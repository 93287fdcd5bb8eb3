"""Password policy (NIST SP 800-63B §5.1.1): length, common, repetitive and sequential passwords, the
user's login or name; no composition rule."""

from __future__ import annotations

import pytest

from mrf.security import passwords


@pytest.mark.parametrize("weak", [
    "aaaaaaaaaaaa", " " * 12, "abababababab", "abcabcabcabc", "abcdefghijkl", "123456789012", "987654321098",
    "azertyuiopqs", "qsdfghjklmwx", "qwertyuiopas",
])
def test_repetitive_and_sequential_are_refused(weak: str) -> None:
    assert any("suite ou une répétition" in p for p in passwords.problems(weak))


@pytest.mark.parametrize("common", ["password1234", "soleil123456", "Marseille2024!", "jetaime!!!!!", "iloveyou1234",
                                    "Motdepasse123"])
def test_common_passwords_are_refused(common: str) -> None:
    assert any("plus courants" in p for p in passwords.problems(common))


def test_the_list_is_the_large_public_one() -> None:
    assert len(passwords.common_passwords()) > 30_000
    assert {"123456", "dragon", "azerty", "doudou"} <= passwords.common_passwords()


@pytest.mark.parametrize(("password", "login", "name"), [
    ("jean.dupont-2026!", "jean.dupont", None),
    ("Dupont-du-service-89", "j.martin", "Jeanne Dupont"),
    ("ÉLISE-marchand-chef", "e.marchand", "Élise Marchand"),
])
def test_login_or_name_inside_is_refused(password: str, login: str, name: str | None) -> None:
    assert any("identifiant ni le nom" in p for p in passwords.problems(password, login, name))


@pytest.mark.parametrize("good", ["Cheval Agrafe Batterie 7", "tr0ub4dor&3xy", "le-chat-dort-sur-le-radiateur",
                                  "Ωmega-Fjord-Kiwi", "x" * 2 + "v9!Lq2#pRt"])
def test_reasonable_passwords_pass_without_composition_rules(good: str) -> None:
    assert passwords.problems(good, "agent.a", "Agent Test") == []


def test_length_bounds() -> None:
    assert passwords.problems("k9!Lq2#pRt") == ["Le mot de passe doit compter au moins 12 caractères."]
    assert "256" in passwords.problems("Zq8!" * 70)[0]
