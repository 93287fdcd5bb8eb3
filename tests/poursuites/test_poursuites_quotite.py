"""Quotité saisissable against cases computed by hand from the barème (R3252-2 / R3252-3).

Each expected figure is derived below, tranche by tranche; the annual total is rounded down to
the cent, the monthly amount is the annual amount / 12 rounded down to the cent.
"""

from datetime import date

import pytest

from poursuites.legal import LegalDataError, bareme_saisie
from poursuites.quotite import quotite_saisissable


def test_2025_24000_no_dependant():
    # Barème 2025: 4 440 / 8 660 / 12 890 / 17 090 / 21 300 / 25 600.
    #   4 440 × 1/20                 =   222,00
    #  (8 660 − 4 440)  4 220 × 1/10 =   422,00
    # (12 890 − 8 660)  4 230 × 1/5  =   846,00
    # (17 090 − 12 890) 4 200 × 1/4  = 1 050,00
    # (21 300 − 17 090) 4 210 × 1/3  = 1 403,333…
    # (24 000 − 21 300) 2 700 × 2/3  = 1 800,00
    # total 5 743,333… → 5 743,33 € ; monthly 5 743,33 / 12 = 478,610… → 478,61 €
    q = quotite_saisissable(2_400_000, 0, 2025)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (574_333, 47_861)
    assert not q.rsa_floor_applied


def test_2024_10000_no_dependant():
    # Barème 2024: 4 370 / 8 520 / …
    #   4 370 × 1/20                =  218,50
    #  (8 520 − 4 370) 4 150 × 1/10 =  415,00
    # (10 000 − 8 520) 1 480 × 1/5  =  296,00
    # total 929,50 € ; monthly 929,50 / 12 = 77,458… → 77,45 €
    # RSA floor (1 Jan 2024: 607,75 €): 10 000 − 12 × 607,75 = 2 706,99 € > 929,50 → not binding.
    q = quotite_saisissable(1_000_000, 0, 2024)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (92_950, 7_745)


def test_2025_24000_two_dependants():
    # Thresholds 2025 + 2 × 1 720 = + 3 440: 7 880 / 12 100 / 16 330 / 20 530 / 24 740 / 29 040.
    #   7 880 × 1/20                  =   394,00
    # (12 100 − 7 880)  4 220 × 1/10  =   422,00
    # (16 330 − 12 100) 4 230 × 1/5   =   846,00
    # (20 530 − 16 330) 4 200 × 1/4   = 1 050,00
    # (24 000 − 20 530) 3 470 × 1/3   = 1 156,666…
    # total 3 868,666… → 3 868,66 € ; monthly 322,388… → 322,38 €
    q = quotite_saisissable(2_400_000, 2, 2025)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (386_866, 32_238)


def test_2026_30000_one_dependant_reaches_the_last_tranche():
    # Thresholds 2026 + 1 740: 6 220 / 10 470 / 14 740 / 18 970 / 23 210 / 27 550.
    #   6 220 × 1/20                  =   311,00
    # (10 470 − 6 220)  4 250 × 1/10  =   425,00
    # (14 740 − 10 470) 4 270 × 1/5   =   854,00
    # (18 970 − 14 740) 4 230 × 1/4   = 1 057,50
    # (23 210 − 18 970) 4 240 × 1/3   = 1 413,333…
    # (27 550 − 23 210) 4 340 × 2/3   = 2 893,333…
    # (30 000 − 27 550) 2 450 × 1     = 2 450,00
    # total 9 404,166… → 9 404,16 € ; monthly 783,68 €
    q = quotite_saisissable(3_000_000, 1, 2026)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (940_416, 78_368)
    assert not q.a_confirmer and "confirmer" not in q.explanation  # décret n° 2025-1299
    assert "2025-1299" in q.source


def test_2026_24000_no_dependant_by_hand():
    # 2026 thresholds (décret 2025-1299): 4 480 / 8 730 / 13 000 / 17 230 / 21 470 / 25 810.
    #   4 480 × 1/20                  =   224,00
    # (8 730 − 4 480)   4 250 × 1/10  =   425,00
    # (13 000 − 8 730)  4 270 × 1/5   =   854,00
    # (17 230 − 13 000) 4 230 × 1/4   = 1 057,50
    # (21 470 − 17 230) 4 240 × 1/3   = 1 413,333…
    # (24 000 − 21 470) 2 530 × 2/3   = 1 686,666…
    # total 5 660,50 € ; monthly 471,708… → 471,70 € ; RSA floor 24 000 − 12 × 646,52 not binding
    q = quotite_saisissable(2_400_000, 0, 2026)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (566_050, 47_170)
    assert not q.rsa_floor_applied


def test_2026_24000_two_dependants_by_hand():
    # + 2 × 1 740 = 3 480: 7 960 / 12 210 / 16 480 / 20 710 / 24 950 / 29 290.
    #   7 960 × 1/20                  =   398,00
    # (12 210 − 7 960)  4 250 × 1/10  =   425,00
    # (16 480 − 12 210) 4 270 × 1/5   =   854,00
    # (20 710 − 16 480) 4 230 × 1/4   = 1 057,50
    # (24 000 − 20 710) 3 290 × 1/3   = 1 096,666…
    # total 3 831,166… → 3 831,16 € ; monthly 319,263… → 319,26 €
    q = quotite_saisissable(2_400_000, 2, 2026)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (383_116, 31_926)


def test_rsa_floor_leaves_the_rsa_every_month():
    # 2025, 8 000 €: barème 4 440/20 = 222 + (8 000 − 4 440) 3 560/10 = 356 → 578,00 €.
    # RSA on 1 Jan 2025 = 635,71 €: 8 000 − 12 × 635,71 = 8 000 − 7 628,52 = 371,48 € < 578 → binding.
    # monthly 371,48 / 12 = 30,956… → 30,95 €
    q = quotite_saisissable(800_000, 0, 2025)
    assert q.bareme_annual_cents == 57_800
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (37_148, 3_095)
    assert q.rsa_floor_applied
    # From 1 April 2025 the RSA is 646,52 €: 8 000 − 7 758,24 = 241,76 € ; monthly 20,146… → 20,14 €
    q = quotite_saisissable(800_000, 0, 2025, on=date(2025, 6, 1))
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (24_176, 2_014)


def test_salary_below_twelve_rsa_is_not_seizable():
    q = quotite_saisissable(700_000, 0, 2025)
    assert (q.annual_seizable_cents, q.monthly_seizable_cents) == (0, 0)


def test_more_dependants_never_increase_the_seizable_amount():
    amounts = [quotite_saisissable(3_500_000, n, 2025).annual_seizable_cents for n in range(5)]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] > amounts[-1]


def test_unknown_year_raises_a_french_error():
    with pytest.raises(LegalDataError, match="Aucun barème .* 2031"):
        quotite_saisissable(2_400_000, 0, 2031)


def test_bareme_years_and_flags():
    assert bareme_saisie(2024).seuils_cents[0] == 437_000
    assert bareme_saisie(2025).par_personne_a_charge_cents == 172_000
    assert not bareme_saisie(2025).a_confirmer and not bareme_saisie(2026).a_confirmer
    assert bareme_saisie(2026).par_personne_a_charge_cents == 174_000


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError, match="négatif"):
        quotite_saisissable(-1, 0, 2025)
    with pytest.raises(ValueError, match="personnes à charge"):
        quotite_saisissable(100, -1, 2025)
