from datetime import date

import pytest

from panels import CriteriaError, load_criteria, parse_criteria

ISSUE_TOML = """
name = "auxerre-2027"
configuration = 1            # 1: amendes+impôts in a SIP; 2: amendes+hospital in a trésorerie mixte
products = ["amendes", "impots"]
departements = ["89"]
min_total_cents = 10000
control_share = 0.3
seed = 1
"""


def test_issue_example_parses():
    c = parse_criteria(ISSUE_TOML)
    assert c.name == "auxerre-2027"
    assert c.configuration == 1
    assert c.products == ("amendes", "impots")
    assert c.departements == ("89",)
    assert c.min_total_cents == 10_000
    assert c.control_share == 0.3
    assert c.control_fraction.numerator == 3 and c.control_fraction.denominator == 10
    assert c.seed == 1
    # defaults: every exclusion on, no age limit, no capacity
    assert c.exclude_deceased and c.exclude_contested and c.exclude_surendettement
    assert c.exclude_procedure_collective and c.exclude_payment_plan_honoured
    assert c.max_members_per_structure is None and c.exclude_prescription_within_days is None


def test_full_file_parses(tmp_path):
    p = tmp_path / "nevers.toml"
    p.write_text(
        """
name = "nevers-2027"
description = "Amendes et hôpital, Nevers"
configuration = 2
departements = ["58"]
communes = ["58194"]
min_total_cents = 5000
max_total_cents = 5000000
min_per_product_cents = { amendes = 5000, hopital = 1000 }
min_oldest_debt_days = 90
max_oldest_debt_days = 1460
exclude_contested = false
exclude_prescription_within_days = 120
max_members_per_structure = 400
control_share = 0.25
seed = 42
amount_bands_cents = [100000, 500000]
reference_date = 2027-01-15
""",
        encoding="utf-8",
    )
    c = load_criteria(p)
    assert c.products == ("amendes", "hopital")  # defaulted from configuration 2
    assert c.communes == ("58194",)
    assert c.min_for("amendes") == 5000 and c.min_for("hopital") == 1000 and c.min_for("impots") == 0
    assert (c.min_oldest_debt_days, c.max_oldest_debt_days) == (90, 1460)
    assert c.exclude_contested is False and c.exclude_deceased is True
    assert c.exclude_prescription_within_days == 120
    assert c.max_members_per_structure == 400
    assert c.amount_bands_cents == (100000, 500000)
    assert c.reference_date == date(2027, 1, 15)
    assert c.digest() == load_criteria(p).digest()


def _error(text: str) -> CriteriaError:
    with pytest.raises(CriteriaError) as exc:
        parse_criteria(text)
    return exc.value


def test_invalid_toml_syntax_is_reported_in_french():
    e = _error('name = "x"\nconfiguration = \n')
    assert "syntaxe TOML invalide à la ligne 2" in str(e)


def test_unknown_key_suggests_the_right_one():
    e = _error(ISSUE_TOML + "min_totl_cents = 3\n")
    assert e.keys == ["min_totl_cents"]
    assert "clé inconnue" in str(e) and "« min_total_cents »" in str(e)


@pytest.mark.parametrize(
    ("line", "key", "fragment"),
    [
        ('min_total_cents = "100"', "min_total_cents", "nombre entier"),
        ("min_total_cents = 10.5", "min_total_cents", "nombre entier"),
        ("min_total_cents = true", "min_total_cents", "nombre entier"),
        ("min_total_cents = -1", "min_total_cents", "supérieur ou égal à 0"),
        ("control_share = 1.5", "control_share", "strictement compris entre 0 et 1"),
        ("control_share = 0", "control_share", "strictement compris entre 0 et 1"),
        ("configuration = 4", "configuration", "doit valoir 1"),
        ('products = ["amendes", "tva"]', "products", "produit(s) inconnu(s) : tva"),
        ('products = ["amendes"]', "products", "exige les produits amendes et impots (manque : impots)"),
        ('departements = ["8"]', "departements", "code(s) département invalide(s) : 8"),
        ('communes = ["58194"]', "communes", "hors des départements retenus : 58194"),
        ('communes = ["8902"]', "communes", "code(s) commune INSEE invalide(s) : 8902"),
        ("min_per_product_cents = { secteur_local = 100 }", "min_per_product_cents.secteur_local",
         "absent de products"),
        ("min_per_product_cents = { amendes = -5 }", "min_per_product_cents.amendes", "positif ou nul"),
        ("max_members_per_structure = 0", "max_members_per_structure", "supérieur ou égal à 1"),
        ("exclude_deceased = 1", "exclude_deceased", "true ou false"),
        ("amount_bands_cents = [500, 100]", "amount_bands_cents", "croissants"),
        ("reference_date = 2027-01-15T10:00:00", "reference_date", "date TOML sans heure"),
        ('name = "Auxerre 2027 !"', "name", "identifiant court"),
    ],
)
def test_bad_value_names_its_key(line, key, fragment):
    key_of_line = line.split("=")[0].strip()
    kept = "\n".join(row for row in ISSUE_TOML.splitlines() if not row.startswith(key_of_line + " "))
    text = kept + "\n" + line + "\n"
    e = _error(text)
    assert key in e.keys, str(e)
    assert fragment in str(e)
    assert f"clé « {key} »" in str(e)


def test_missing_required_keys_are_all_listed():
    e = _error('products = ["amendes", "impots"]\n')
    assert set(e.keys) >= {"name", "configuration", "departements", "control_share", "seed"}


def test_min_greater_than_max():
    e = _error(ISSUE_TOML + "min_oldest_debt_days = 100\nmax_oldest_debt_days = 10\nmax_total_cents = 5\n")
    assert set(e.keys) == {"max_oldest_debt_days", "max_total_cents"}


def test_missing_file(tmp_path):
    with pytest.raises(CriteriaError, match="fichier de critères introuvable"):
        load_criteria(tmp_path / "absent.toml")
