"""Search: typos and accents in names, birth date, numéro fiscal, source identifier, debt reference;
never an account the user may not see."""

from __future__ import annotations

import pytest


def _found(client, query: str) -> list[str]:  # noqa: ANN001
    page = client.get("/recherche?" + query).get_data(as_text=True)
    if "Résultats de la recherche" not in page:
        return []
    table = page.split("Résultats de la recherche", 1)[1]
    return sorted((n for n in ("DUPONT", "BERNARD", "MARTIN") if n in table), key=table.index)


@pytest.mark.parametrize("name", ["dupont", "Dupnt", "DUPOND jean", "Dùpônt Jéan-Pierre", "jean pierre dupont"])
def test_names_with_typos_and_accents(world, client_for, name) -> None:
    assert _found(client_for("agent"), f"nom={name}") == ["DUPONT"]


def test_other_criteria(world, client_for) -> None:
    agent = client_for("agent")
    assert _found(agent, "naissance=12/03/1975") == ["DUPONT"]
    assert _found(agent, "naissance=1968-11-30") == ["BERNARD"]
    assert _found(agent, "numero=1234567890123") == ["DUPONT"]  # numéro fiscal
    assert _found(agent, "numero=AMD-77") == ["DUPONT"]  # identifier in the amendes application
    assert _found(agent, "numero=afm-0003") == ["DUPONT"]  # debt reference, any case
    assert _found(agent, "numero=T-2025-44") == ["DUPONT"]  # a créance of the merged account
    assert _found(agent, "nom=dupont&naissance=01/01/1990") == []
    assert "illisible" in agent.get("/recherche?naissance=demain").get_data(as_text=True)


def test_search_never_reveals_other_structures(world, client_for) -> None:
    agent = client_for("agent")
    # MARTIN Marie exists, in SIP-B: not found. DUPONT is (one of his variants says DUPONT MARTIN).
    page = agent.get("/recherche?nom=martin+marie").get_data(as_text=True)
    assert f"/redevables/{world.other}" not in page
    assert _found(agent, "numero=9876543210987") == []
    assert _found(client_for("agent_b"), "nom=martin+marie")[0] == "MARTIN"
    assert _found(client_for("administration_centrale"), "nom=martin+marie")[0] == "MARTIN"


def test_merged_accounts_are_not_listed_twice(world, client_for) -> None:
    page = client_for("administration_centrale").get("/recherche?nom=dupont+jean").get_data(as_text=True)
    assert "1 résultat" in page
