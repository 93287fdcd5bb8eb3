"""Benchmark of the poursuites library.

1. Builds 100,000 synthetic consolidated accounts in memory (seeded), plans them all and prints
   the elapsed seconds (target ≤ 60 s).
2. Renders 1,000 joint SATD (notice to the tiers détenteur) to PDF with a pool of 2 worker
   processes and prints the elapsed seconds and documents per second (target ≤ 120 s).

Usage: ``python benchmarks/poursuites.py [--accounts N] [--documents N] [--workers N] [--both]``
(``--both`` also renders the debtor's notification for each SATD).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

# This file is named like the package: make sure ``import poursuites`` finds the library.
_ROOT = str(Path(__file__).resolve().parent.parent)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from poursuites.catalogue import ActionKind  # noqa: E402
from poursuites.eligibility import SeuilsPoursuite  # noqa: E402
from poursuites.model import (  # noqa: E402
    Adresse,
    ComptableView,
    CompteConsolide,
    CreanceView,
    CreditorKind,
    Fiabilite,
    OffenceKind,
    Product,
    Reconnaissance,
    ReconnaissanceKind,
    RedevableView,
    SatdEnCours,
    Situation,
    SituationKind,
    SourceInfo,
    TiersDetenteur,
    TiersKind,
)
from poursuites.plan import plan_account  # noqa: E402

ON = date(2025, 6, 2)
SEED = 20250602

# Valid identifiers (checked once with python-stdnum when the module is built).
IBANS = ("FR7630006000011234567890189", "FR1420041010050500013M02606", "FR7330006000019999999999900")
SIRETS = ("73282932000074", "35600000000048", "55208131766522")

IMPOT_NATURES = ("Impôt sur le revenu", "Taxe foncière", "Taxe d'habitation résidence secondaire")
LOCAL_NATURES = ("Eau et assainissement", "Restauration scolaire", "Crèche", "Frais d'hospitalisation")
SEUILS = SeuilsPoursuite(
    par_produit_action={(Product.AMENDES, ActionKind.SATD_TIERS): 5_000},
    par_creancier={"COM89024": 3_000},
)


def _creance(rng: random.Random, account: int, n: int) -> CreanceView:
    product = rng.choice((Product.IMPOTS, Product.IMPOTS, Product.AMENDES, Product.AMENDES, Product.SECTEUR_LOCAL))
    start = ON - timedelta(days=rng.randint(30, 2_000))
    rar = rng.choice((rng.randint(500, 20_000), rng.randint(5_000, 300_000)))
    flag = rng.random()
    common = dict(
        id=f"{account}-{n}", product=product, rar_cents=rar, amount_initial_cents=rar + rng.choice((0, 0, 5_000)),
        date_exigibilite=start + timedelta(days=rng.choice((0, 45))), comptable_code="089001",
        comptable_name="SIP d'Auxerre", contested=flag < 0.04, in_honoured_plan=0.04 <= flag < 0.08,
        cancelled=0.08 <= flag < 0.10,
        last_interrupting_act=start + timedelta(days=400) if flag > 0.8 and start + timedelta(days=400) < ON else None,
    )
    if product is Product.IMPOTS:
        nature = rng.choice(IMPOT_NATURES)
        return CreanceView(
            nature=nature, creditor_name="État", creditor_code="ETAT", reference=f"IR{account:07d}{n}",
            date_mise_en_recouvrement=start, is_income_tax=nature == "Impôt sur le revenu",
            date_mise_en_demeure=start + timedelta(days=90) if rng.random() < 0.3 else None, **common,
        )
    if product is Product.AMENDES:
        return CreanceView(
            nature="Amende forfaitaire majorée", creditor_name="État", creditor_code="ETAT",
            reference=f"AFM{account:07d}{n}", date_titre=start,
            offence_kind=OffenceKind.DELIT if rng.random() < 0.1 else OffenceKind.CONTRAVENTION, **common,
        )
    nature = rng.choice(LOCAL_NATURES)
    hospital = nature == "Frais d'hospitalisation"
    return CreanceView(
        nature=nature, creditor_name="Centre hospitalier d'Auxerre" if hospital else "Commune d'Auxerre",
        creditor_code="CHA" if hospital else "COM89024", reference=f"T{account:07d}{n}",
        date_prise_en_charge=start, is_hospital=hospital,
        creditor_kind=CreditorKind.HOPITAL if hospital else CreditorKind.COMMUNE, **common,
    )


def _tiers(rng: random.Random, account: int) -> tuple[TiersDetenteur, ...]:
    out = []
    src = SourceInfo(Product.IMPOTS, ON - timedelta(days=rng.randint(1, 300)), Fiabilite.CONFIRMEE, "ficoba")
    for i in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
        kind = rng.choice((TiersKind.BANQUE, TiersKind.BANQUE, TiersKind.EMPLOYEUR, TiersKind.CAISSE_RETRAITE,
                           TiersKind.CAF))
        if kind is TiersKind.BANQUE:
            out.append(TiersDetenteur(f"{account}-t{i}", kind, "Banque Exemple", rng.choice(IBANS), source=src,
                                      balance_cents=rng.randint(0, 500_000)))
        elif kind is TiersKind.EMPLOYEUR:
            out.append(TiersDetenteur(f"{account}-t{i}", kind, "Société Exemple", rng.choice(SIRETS), source=src,
                                      annual_net_salary_cents=rng.randint(1_000_000, 5_000_000),
                                      dependants=rng.randint(0, 3)))
        else:
            out.append(TiersDetenteur(f"{account}-t{i}", kind, kind.label.capitalize(), source=src))
    return tuple(out)


_SITUATIONS = ((0.03, SituationKind.SURENDETTEMENT), (0.01, SituationKind.PROCEDURE_COLLECTIVE),
               (0.005, SituationKind.RETABLISSEMENT_PERSONNEL), (0.005, SituationKind.DECES))


def _extras(rng: random.Random, compte: CompteConsolide) -> CompteConsolide:
    """Situations (5 % of accounts), an SATD in force (10 %), part-payments (10 % of créances)."""
    situations: list[Situation] = []
    draw, acc = rng.random(), 0.0
    for share, kind in _SITUATIONS:
        acc += share
        if draw < acc:
            situations.append(Situation(kind, ON - timedelta(days=rng.randint(10, 400)), "bench", "REF"))
            break
    locks: tuple[SatdEnCours, ...] = ()
    if compte.tiers and rng.random() < 0.10:
        c, t = compte.creances[0], compte.tiers[0]
        locks = (SatdEnCours(c.id, t.id, f"A-{compte.redevable_id}", ON - timedelta(days=20), t.name),)
    creances = tuple(
        replace(c, reconnaissances=(Reconnaissance(ReconnaissanceKind.PAIEMENT_PARTIEL,
                                                   ON - timedelta(days=rng.randint(30, 900))),))
        if rng.random() < 0.10 else c
        for c in compte.creances
    )
    return replace(compte, creances=creances, situations=tuple(situations), satd_en_cours=locks)


def build_accounts(n: int, seed: int = SEED) -> list[CompteConsolide]:
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # a second stream: the base accounts stay those of earlier runs
    return [
        _extras(extra, CompteConsolide(
            f"R{a:07d}",
            tuple(_creance(rng, a, k) for k in range(rng.randint(2, 8))),
            _tiers(rng, a),
        ))
        for a in range(n)
    ]


def _check_identifiers() -> None:
    from poursuites.renseignements import valid_iban, valid_siret

    for value in IBANS:
        valid_iban(value)
    for value in SIRETS:
        valid_siret(value)


# ------------------------------------------------------------------ documents
REDEVABLE = RedevableView("R0000001", "Dupont", "Marie Jeanne", date(1980, 3, 4),
                          Adresse(("3 place de la Mairie",), "89000", "Auxerre"))
COMPTABLE = ComptableView("089001", "SIP d'Auxerre (structure MRF)", ("10 rue du Trésor", "89000 Auxerre"),
                          "03 86 00 00 00", ville="Auxerre")


def _satd_jobs(n: int) -> list[tuple[int, object]]:
    """``n`` joint SATD from planned synthetic accounts (bank and employer notices)."""
    from poursuites.satd import build_satd

    jobs: list[tuple[int, object]] = []
    account = 0
    while len(jobs) < n:
        batch = build_accounts(500, SEED + 1 + account)
        account += 500
        for compte in batch:
            plan = plan_account(compte, ON, SEUILS)
            by_id = {c.id: c for c in compte.creances}
            for step in plan.satd_steps:
                if len(step.creance_ids) < 2:
                    continue
                satd = build_satd(REDEVABLE, step.tiers, [by_id[i] for i in step.creance_ids], COMPTABLE, ON)
                jobs.append((len(jobs), satd))
                if len(jobs) == n:
                    return jobs
    return jobs


_BOTH = False


def _init(both: bool) -> None:
    global _BOTH
    _BOTH = both


def _render(job: tuple[int, object]) -> int:
    from poursuites.documents import render_satd_redevable, render_satd_tiers

    i, satd = job
    size = len(render_satd_tiers(satd, f"SATD-2025-{i:06d}").pdf)  # type: ignore[arg-type]
    if _BOTH:
        size += len(render_satd_redevable(satd, f"SATD-2025-{i:06d}-R").pdf)  # type: ignore[arg-type]
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark de la bibliothèque poursuites")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--both", action="store_true", help="rendre aussi la notification au redevable")
    args = parser.parse_args()
    _check_identifiers()

    if args.accounts:
        t0 = time.perf_counter()
        comptes = build_accounts(args.accounts)
        t1 = time.perf_counter()
        plans = [plan_account(c, ON, SEUILS) for c in comptes]
        t2 = time.perf_counter()
        creances = sum(len(c.creances) for c in comptes)
        satd = sum(len(p.satd_steps) for p in plans)
        joint = sum(1 for p in plans for s in p.satd_steps if len(set(s.products)) > 1)
        print(f"comptes construits : {len(comptes)} ({creances} créances) en {t1 - t0:.1f} s")
        print(f"plan : {len(plans)} comptes planifiés en {t2 - t1:.1f} s "
              f"({satd} SATD dont {joint} multi-produits) — cible ≤ 60 s")
        codes = Counter(d.code for p in plans for d in p.decisions.values())
        caf_steps = sum(1 for p in plans for s in p.satd_steps if s.tiers_kind is TiersKind.CAF)
        caf_excluded = sum(1 for p in plans for x in p.tiers_exclus if x.tiers_kind is TiersKind.CAF)
        print(f"      SATD visant une CAF : {caf_steps} (CAF écartées : {caf_excluded}) ; refus par situation : "
              + ", ".join(f"{k.value} {codes[k.value]}" for _, k in _SITUATIONS)
              + f" ; satd_en_cours : {codes['satd_en_cours']}")
        del comptes, plans

    if args.documents:
        jobs = _satd_jobs(args.documents)
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t3 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers, initializer=_init, initargs=(args.both,)) as pool:
            sizes = list(pool.map(_render, jobs, chunksize=10))
        t4 = time.perf_counter()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        docs = len(sizes) * (2 if args.both else 1)
        print(f"PDF : {len(sizes)} SATD conjointes ({docs} documents, {sum(sizes) // 1024} Kio) en {t4 - t3:.1f} s "
              f"avec {args.workers} processus, {docs / (t4 - t3):.1f} documents/s — cible ≤ 120 s")
        print(f"      temps CPU des processus : {cpu:.1f} s, soit {cpu / docs * 1000:.0f} ms par document "
              f"(durée sur {args.workers} cœurs libres ≈ {cpu / args.workers:.0f} s)")


if __name__ == "__main__":
    main()
