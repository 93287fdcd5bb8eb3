import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    return subprocess.run([sys.executable, "-m", "poursuites", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_quotite_json_exact_keys():
    r = _run("quotite", "--annual-net-salary", "24000", "--dependants", "0", "--year", "2025", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"annual_seizable_cents": 574_333, "monthly_seizable_cents": 47_861}


def test_quotite_text_in_french():
    r = _run("quotite", "--annual-net-salary", "24 000,00", "--dependants", "2", "--year", "2025")
    assert r.returncode == 0, r.stderr
    assert "Montant saisissable annuel : 3\u202f868,66\u00a0€" in r.stdout
    assert "Montant saisissable mensuel : 322,38\u00a0€" in r.stdout


def test_bad_arguments_exit_2_with_french_message():
    for args in (
        ("quotite", "--annual-net-salary", "abc", "--dependants", "0", "--year", "2025"),
        ("quotite", "--annual-net-salary", "-5", "--dependants", "0", "--year", "2025"),
        ("quotite", "--annual-net-salary", "100.001", "--dependants", "0", "--year", "2025"),
        ("quotite", "--annual-net-salary", "24000", "--dependants", "-1", "--year", "2025"),
        ("quotite", "--annual-net-salary", "24000", "--dependants", "0"),
        ("quotite", "--annual-net-salary", "24000", "--dependants", "0", "--year", "2031"),
        ("inconnue",),
    ):
        r = _run(*args)
        assert r.returncode == 2, args
        assert r.stderr.startswith("Erreur : "), r.stderr
        assert "error:" not in r.stderr and "usage:" not in r.stderr


def test_sbi_json():
    r = _run("sbi", "--montant", "1500", "--solde", "2000", "--date", "2025-06-01", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"sbi_cents": 64_652, "seizable_cents": 135_348, "blocked_cents": 135_348,
                                    "bank_fee_cap_cents": 10_000}


def test_quotite_2026_answers_without_any_unconfirmed_flag():
    # 2026, 24 000 €, 2 dependants: hand-computed in test_poursuites_quotite (3 831,16 € / 319,26 €)
    args = ("quotite", "--annual-net-salary", "24000", "--dependants", "2", "--year", "2026")
    r = _run(*args, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"annual_seizable_cents": 383_116, "monthly_seizable_cents": 31_926}
    text = _run(*args)
    assert text.returncode == 0 and "confirmer" not in text.stdout and "2025-1299" in text.stdout
