from datetime import date

import pytest

from poursuites.legal import LegalDataError, rsa_personne_seule
from poursuites.sbi import saisie_bancaire


def test_rsa_by_date():
    assert rsa_personne_seule(date(2024, 3, 31)).montant_cents == 60_775
    assert rsa_personne_seule(date(2024, 4, 1)).montant_cents == 63_571
    assert rsa_personne_seule(date(2025, 4, 1)).montant_cents == 64_652
    assert not rsa_personne_seule(date(2025, 4, 1)).a_confirmer


def test_rsa_outside_every_period_raises_in_french():
    with pytest.raises(LegalDataError, match="RSA .* 01/01/2020"):
        rsa_personne_seule(date(2020, 1, 1))


def test_small_satd_blocks_only_the_amount_claimed():
    # 2 000 € balance − SBI 646,52 € = 1 353,48 € available < 1 500 € claimed.
    r = saisie_bancaire(150_000, 200_000, date(2025, 6, 1))
    assert r.sbi_cents == 64_652
    assert r.seizable_cents == 135_348
    assert r.cantonnement and r.blocked_cents == 135_348
    assert r.bank_fee_cap_cents == 10_000  # 10 % of 1 500 € = 150 € → capped at 100 €
    assert r.left_to_debtor_cents == 64_652


def test_large_satd_blocks_the_whole_balance_above_the_sbi():
    r = saisie_bancaire(300_000, 500_000, date(2024, 6, 1))
    assert r.sbi_cents == 63_571
    assert r.seizable_cents == 300_000
    assert not r.cantonnement
    assert r.blocked_cents == 500_000 - 63_571


def test_threshold_of_2000_euros_is_not_cantonnement():
    assert not saisie_bancaire(200_000, 900_000, date(2025, 6, 1)).cantonnement
    assert saisie_bancaire(199_999, 900_000, date(2025, 6, 1)).cantonnement


def test_balance_below_sbi_leaves_everything():
    r = saisie_bancaire(50_000, 50_000, date(2025, 6, 1))
    assert (r.sbi_cents, r.seizable_cents, r.blocked_cents) == (50_000, 0, 0)
    assert "Aucune somme saisissable" in r.explanation


def test_fee_cap_is_ten_percent_below_1000_euros():
    assert saisie_bancaire(30_000, 100_000, date(2025, 6, 1)).bank_fee_cap_cents == 3_000


def test_overdrawn_account():
    r = saisie_bancaire(30_000, -5_000, date(2025, 6, 1))
    assert (r.sbi_cents, r.seizable_cents) == (0, 0)


def test_blocking_is_fifteen_working_days_skipping_sundays_and_public_holidays():
    # SATD on Sunday 1 June 2025: working days from Monday 2 June; Monday 9 June is Pentecost Monday.
    # 2-7 June (6), 10-14 (11), 16-19 (15) → last day Thursday 19 June 2025.
    r = saisie_bancaire(150_000, 200_000, date(2025, 6, 1))
    assert r.blocking_days == 15 and r.blocking_end == date(2025, 6, 19)
    assert "15 jours ouvrables (jusqu'au 19/06/2025 inclus)" in r.explanation
