"""The account page's matching explanation shows French labels, never the library's codes."""

from __future__ import annotations

from mrf.services.comptes.vue import explanation_table


def test_the_explanation_table_shows_labels_not_codes() -> None:
    explanation = {
        "avec_enregistrement": 32,
        "summary": "Probabilité 99,0 % : Nom identique (+5,1)",
        "fields": [
            {"comparison": "surname", "label": "Nom", "level": "exact", "level_label": "Nom identique", "weight": 5.08},
            {"comparison": "birth_date", "label": "Date de naissance", "level": "null",
             "level_label": "Date de naissance absente", "weight": 0.0},
        ],
        "probability": 0.99,
    }
    table = explanation_table(explanation)
    assert table["columns"] == ["Champ", "Niveau observé", "Poids"]
    assert table["rows"] == [["Nom", "Nom identique", "+5,08"], ["Date de naissance", "Date de naissance absente", "0"]]
    assert ("Avec l'enregistrement", "32") in table["facts"]
    shown = " ".join([*table["columns"], *(c for row in table["rows"] for c in row),
                      *(f"{label} {value}" for label, value in table["facts"])])
    for code in ("surname", "birth_date", "exact", "null", "avec_enregistrement"):
        assert code not in shown


def test_a_code_without_its_label_column_is_still_shown() -> None:
    """Only a code whose label sits beside it is hidden: nothing the explanation holds is lost."""
    table = explanation_table({"fields": [{"comparison": "surname", "weight": 1.5}]})
    assert table["columns"] == ["Comparaison", "Poids"] and table["rows"] == [["surname", "+1,50"]]
