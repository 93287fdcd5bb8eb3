"""Droit proportionnel dégressif of the phase judiciaire (convention art. 16; code de commerce A444-31), read
by date from data/commissaires.toml, checked against service-public.fr's worked example (F10404: 4 000 €
recovered), and charged on bilans and on payments to the comptable during the phase, on every backend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import DossierEvenement
from mrf.services.commissaires import actualisation, bilans, saisine
from mrf.services.commissaires.regles import droit_proportionnel, droit_proportionnel_increment
from mrf.services.poursuites.paiements import record_payment

from cj_world import bilan_text, retour
from mrf_poursuites_world import ON

SAISI = ON - timedelta(days=20)


def test_worked_examples_of_both_tariff_periods():
    # service-public.fr F10404, 4 000 € recovered: 12,21 + 30,80 + 31,20 + 7,18 (2024) ; 12,09 + 30,51 + 30,93 + 7,18
    assert droit_proportionnel(date(2026, 11, 23)).montant(400_000) == 8_139
    assert droit_proportionnel(date(2023, 6, 1)).montant(400_000) == 8_071
    # décret 96-1080 art. 8: 10 % to 125 €, 6,5 % to 610 €, 3,5 % to 1 525 €
    assert droit_proportionnel(date(2010, 1, 1)).montant(100_000) == 1_250 + 3_153 + 1_365


def test_fixed_fee_ceiling_and_unknown_period():
    bareme = droit_proportionnel(date(2026, 11, 23))
    assert bareme.montant(3_000) == 430 and bareme.montant(3_000, creance_cents=200_000) == 293
    assert bareme.montant(100_000_000) == 55_000  # « dans la limite de 550 € »
    assert bareme.montant(0) == 0
    with pytest.raises(ValueError, match="Aucun barème du droit proportionnel connu au 01/06/2018"):
        droit_proportionnel(date(2018, 6, 1))


def test_instalments_pay_the_fee_of_the_whole_sum():
    on = date(2026, 11, 23)
    parts = [20_000, 45_000, 90_000, 250_000]
    paid, fees = 0, 0
    for p in parts:
        fees += droit_proportionnel_increment(paid, p, on, 500_000)
        paid += p
    assert fees == droit_proportionnel(on).montant(sum(parts), 500_000)
    assert fees < sum(droit_proportionnel(on).montant(p, 500_000) for p in parts)  # dégressif: not per instalment


def _judiciaire(world):  # noqa: ANN001, ANN202
    d = world.debtor(impots=0)
    (x,) = saisine.saisir([d.id], "comminatoire", SAISI).dossiers
    start = x.echeance + timedelta(days=1)
    (j,) = saisine.saisir([d.id], "judiciaire", start).dossiers
    return d, j, start


def test_bilan_and_direct_payment_in_phase_judiciaire_bear_the_droit_proportionnel(world):
    d, j, start = _judiciaire(world)
    paid_on = start + timedelta(days=5)
    text = bilan_text([retour("j1", j.numero, "paiement", paid_on + timedelta(days=2), montant=20_000,
                              mode="cheque_tresor", encaisse=paid_on, poste="SIP-AUXERRE")],
                      {"SIP-AUXERRE": 20_000}, on=paid_on + timedelta(days=2))
    bilans.importer_bilan_texte(text, "bj.csv", today=paid_on + timedelta(days=2))
    record_payment(d.id, 15_000, paid_on + timedelta(days=3), today=paid_on + timedelta(days=3))
    actualisation.actualiser(paid_on + timedelta(days=4))
    with db.new_session() as s:
        events = {e.sens: e for e in s.scalars(select(DossierEvenement).where(
            DossierEvenement.dossier_id == j.id, DossierEvenement.kind == "paiement"))}
    bareme = droit_proportionnel(paid_on)
    assert events["retour"].frais_cents == bareme.montant(20_000, j.montant_cents)
    assert events["aller"].montant_cents == 15_000
    assert events["aller"].frais_cents == (bareme.montant(35_000, j.montant_cents)
                                           - bareme.montant(20_000, j.montant_cents))
