from datetime import date
from decimal import Decimal

import pytest
from poursuites_fixtures import ON, amende, impot, local

from poursuites.anv import MotifAnv, propose_anv
from poursuites.huissier import (
    ForfaitKind,
    ModeReversement,
    Phase,
    echeancier,
    fee_phase_comminatoire_amendes,
    forfait_cents,
    forfait_taux_de_base,
    invoice_payment_deadline,
    phase_comminatoire_deadline,
    phase_judiciaire_deadline,
    relances,
    relances_dues,
    resume_poursuites,
    reversement_deadline,
)
from poursuites.model import CreditorKind, Product

# ------------------------------------------------------------------ ANV


def _creances():
    return [
        impot("i1", rar=120_000),
        amende("a1", rar=37_500),
        local("c1", rar=8_000, creditor_code="COM89024", creditor_name="Commune d'Auxerre",
              creditor_kind=CreditorKind.COMMUNE, is_hospital=False),
        local("c2", rar=25_000, creditor_code="COM89024", creditor_name="Commune d'Auxerre",
              creditor_kind=CreditorKind.COMMUNE, is_hospital=False),
        local("h1", rar=9_000),
        local("x", rar=5_000, contested=True),
    ]


def test_anv_on_the_whole_situation_with_decider_per_product():
    p = propose_anv("R1", _creances(), MotifAnv.INSOLVABILITE, ON, "PV de carence du 12/05/2025",
                    delegations=frozenset({"COM89024"}))
    lines = {line.creance_id: line for line in p.lines}
    assert set(lines) == {"i1", "a1", "c1", "c2", "h1"}
    assert p.excluded == (("x", "Créance contestée : admission en non-valeur prématurée."),)
    assert "R276-1" in lines["i1"].base_legale and lines["i1"].decideur == "le comptable public"
    assert "Cour des comptes" in lines["a1"].decideur
    # Commune ≤ 100 € with delegation → executive; above 100 € or hospital → assemblée délibérante.
    assert lines["c1"].delegation and "exécutif" in lines["c1"].decideur
    assert not lines["c2"].delegation and "assemblée délibérante" in lines["c2"].decideur
    assert not lines["h1"].delegation
    assert p.total_cents == 120_000 + 37_500 + 8_000 + 25_000 + 9_000
    assert "n'éteint pas" in p.note and "n'éteint pas" in p.explanation


def test_anv_without_delegation_goes_to_the_assemblee():
    p = propose_anv("R1", _creances(), MotifAnv.DISPARITION, ON, "pli non distribuable")
    assert not any(line.delegation for line in p.lines)


def test_anv_grounds_need_evidence_or_a_small_amount():
    with pytest.raises(ValueError, match="justification"):
        propose_anv("R1", _creances(), MotifAnv.ECHEC_RECOUVREMENT, ON)
    with pytest.raises(ValueError, match="dépasse"):
        propose_anv("R1", _creances(), MotifAnv.MONTANT_TROP_FAIBLE, ON, montant_faible_max_cents=3_000)
    p = propose_anv("R1", [amende("a", rar=2_000)], MotifAnv.MONTANT_TROP_FAIBLE, ON, montant_faible_max_cents=3_000)
    assert p.lines[0].product is Product.AMENDES


# ------------------------------------------------------------------ bailiffs' convention


def test_phase_deadlines():
    assert phase_comminatoire_deadline(date(2025, 1, 1)) == date(2025, 3, 17)  # + 75 days
    assert phase_comminatoire_deadline(date(2025, 1, 1), renewed=True) == date(2025, 3, 2)  # + 60 days
    assert phase_comminatoire_deadline(date(2025, 1, 1), extension_days=10) == date(2025, 3, 27)
    assert phase_judiciaire_deadline(date(2025, 1, 1)) == date(2025, 2, 20)  # + 50 days


def test_poursuites_resume_after_the_phase_without_full_payment():
    assert not resume_poursuites(date(2025, 1, 1), date(2025, 3, 17), fully_paid=False)
    assert resume_poursuites(date(2025, 1, 1), date(2025, 3, 18), fully_paid=False)
    assert not resume_poursuites(date(2025, 1, 1), date(2025, 3, 18), fully_paid=True)


def test_follow_up_reminders():
    assert [r.due_on for r in relances(date(2025, 1, 1))] == [date(2025, 1, 9), date(2025, 1, 16), date(2025, 2, 10)]
    assert [r.days for r in relances_dues(date(2025, 1, 1), date(2025, 1, 20), acknowledged=True)] == [15]
    assert [r.days for r in relances_dues(date(2025, 1, 1), date(2025, 1, 20), acknowledged=False)] == [8, 15]
    assert relances_dues(date(2025, 1, 1), date(2025, 3, 1), acknowledged=False, recovered=True) == []


def test_reversement_and_invoice_delays():
    d = date(2025, 1, 1)
    assert reversement_deadline(d, ModeReversement.CHEQUE_TRESOR) == date(2025, 1, 16)
    assert reversement_deadline(d, ModeReversement.ESPECES) == date(2025, 1, 22)
    assert reversement_deadline(d, ModeReversement.AUTRE) == date(2025, 2, 12)
    assert invoice_payment_deadline(d) == date(2025, 1, 31)


def test_phase_comminatoire_fee_on_amendes():
    assert fee_phase_comminatoire_amendes(10_000, ON) == 1_255  # 12,55 % of 100 €
    assert fee_phase_comminatoire_amendes(1_000, ON) == 627  # minimum 6,27 €
    assert fee_phase_comminatoire_amendes(1_000_000, ON) == 30_000  # maximum 300 €
    assert fee_phase_comminatoire_amendes(0, ON) == 0
    assert fee_phase_comminatoire_amendes(4_004, ON) == 627  # 5,02502 € → minimum


def test_fixed_fees_in_taux_de_base():
    assert forfait_taux_de_base(ForfaitKind.RETOUR_CIRCONSTANCIE) == Decimal("7")
    assert forfait_cents(ForfaitKind.NOUVELLE_ADRESSE, 2_211) == 21_005  # 9,5 × 22,11 € = 210,045 → 210,05
    assert forfait_cents(ForfaitKind.DISPARITION, 2_211) == 0


def test_echeancier_text():
    e = echeancier(Phase.COMMINATOIRE, date(2025, 1, 1))
    assert e.deadline == date(2025, 3, 17) and "reprise automatique" in e.explanation
