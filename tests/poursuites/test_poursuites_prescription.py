from datetime import date

from poursuites_fixtures import amende, impot, local

from poursuites.model import OffenceKind
from poursuites.prescription import add_years, prescription, prescription_date


def test_impots_four_years_from_mise_en_recouvrement():
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31))
    assert prescription_date(c) == date(2025, 7, 31)
    p = prescription(c)
    assert not p.interrupted and "L274" in p.explanation


def test_interrupting_act_restarts_the_delay():
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31), last_interrupting_act=date(2023, 3, 10))
    assert prescription_date(c) == date(2027, 3, 10)
    assert prescription(c).interrupted


def test_act_before_the_start_does_not_count():
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31), last_interrupting_act=date(2021, 1, 1))
    assert prescription_date(c) == date(2025, 7, 31)


def test_amendes_contravention_three_years_delit_six_years():
    assert prescription_date(amende(date_titre=date(2022, 5, 1))) == date(2025, 5, 1)
    assert prescription_date(amende(date_titre=date(2022, 5, 1), offence_kind=OffenceKind.DELIT)) == date(2028, 5, 1)


def test_local_four_years_from_prise_en_charge():
    c = local(date_prise_en_charge=date(2020, 2, 29))
    assert prescription_date(c) == date(2024, 2, 29)
    assert "L1617-5" in prescription(c).explanation


def test_29_february_into_a_common_year():
    assert add_years(date(2020, 2, 29), 3) == date(2023, 2, 28)


def test_part_payment_restarts_the_prescription_of_an_impot():
    from poursuites.model import Reconnaissance, ReconnaissanceKind

    c = impot(date_mise_en_recouvrement=date(2021, 7, 31),
              reconnaissances=(Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL, date(2024, 2, 12)),))
    assert prescription_date(c) == date(2028, 2, 12)  # not 31/07/2025
    p = prescription(c)
    assert p.interrupted and p.start == date(2024, 2, 12)
    assert "paiement partiel du 12/02/2024" in p.explanation and "L274" in p.explanation and "2240" in p.explanation


def test_request_for_a_plan_restarts_a_local_debt_and_the_latest_interruption_wins():
    from poursuites.model import Reconnaissance, ReconnaissanceKind

    c = local(date_prise_en_charge=date(2021, 1, 10), last_interrupting_act=date(2023, 5, 2),
              reconnaissances=(Reconnaissance(ReconnaissanceKind.DEMANDE_PLAN, date(2022, 9, 1)),
                               Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL, date(2023, 11, 20))))
    assert prescription_date(c) == date(2027, 11, 20)
    assert "L1617-5" in prescription(c).explanation
    older = local(date_prise_en_charge=date(2021, 1, 10), last_interrupting_act=date(2023, 5, 2),
                  reconnaissances=(Reconnaissance(ReconnaissanceKind.DEMANDE_PLAN, date(2022, 9, 1)),))
    assert prescription_date(older) == date(2027, 5, 2)  # the act is later than the acknowledgement


def test_a_part_payment_does_not_interrupt_the_penalty_of_an_amende():
    from poursuites.model import Reconnaissance, ReconnaissanceKind

    c = amende(date_titre=date(2022, 5, 1),
               reconnaissances=(Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL, date(2024, 1, 5)),))
    assert prescription_date(c) == date(2025, 5, 1)
    assert not prescription(c).interrupted


def test_acknowledged_creance_is_not_refused_as_prescribed_by_eligibility():
    from poursuites.catalogue import ActionKind
    from poursuites.eligibility import evaluate
    from poursuites.model import Reconnaissance, ReconnaissanceKind

    on = date(2025, 9, 1)
    c = impot(date_mise_en_recouvrement=date(2021, 7, 31), date_exigibilite=date(2021, 9, 15))
    assert evaluate(c, ActionKind.SATD_BANQUE, on).code == "prescrite"
    paid = impot(date_mise_en_recouvrement=date(2021, 7, 31), date_exigibilite=date(2021, 9, 15),
                 reconnaissances=(Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL, date(2024, 2, 12)),))
    assert evaluate(paid, ActionKind.SATD_BANQUE, on).eligible
