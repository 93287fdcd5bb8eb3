"""Deterministic demo renseignements, so that the demo's plans have tiers détenteurs.

For a share of the consolidated accounts holding an open créance: bank accounts (valid French
IBANs: RIB key, then ISO 13616 check digits computed with python-stdnum), employers (valid SIRETs:
Luhn on the SIREN, then on the 14 digits) with an annual net salary and dependants, pension funds
(CARSAT) for the older debtors, a few CAF. Employers come from a small pool per département, so
that several debtors share one. Everything is recorded through ``mrf.services.poursuites.renseignements`` (the
same checks as an agent's entry), a chunk of accounts per transaction; a summary CSV is written to
``out_dir``. Same database, same seed, same renseignements; accounts that already have some are
left alone (the step can be replayed).
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import exists, select
from stdnum import iban as stdnum_iban
from stdnum import luhn

from matching.reference import load_reference

from ..extensions import db
from ..models import Creance, RecordLink, Redevable, Renseignement
from ..services.poursuites import renseignements as service

Say = Callable[[str], None]

SHARE = 0.7  # accounts that get at least one renseignement
CHUNK = 500

# (bank code, name): the 5-digit bank code decides which accounts share one SATD
BANKS: tuple[tuple[str, str], ...] = (
    ("30004", "BNP Paribas"), ("30003", "Société Générale"), ("30002", "LCL"), ("20041", "La Banque Postale"),
    ("10278", "Crédit Mutuel"), ("18206", "Crédit Agricole"), ("17515", "Caisse d'Épargne"),
    ("10907", "Banque Populaire"), ("16275", "Crédit Agricole Centre-Est"), ("30066", "CIC"),
)
CARSAT = {"89": "CARSAT Bourgogne-Franche-Comté", "58": "CARSAT Bourgogne-Franche-Comté",
          "43": "CARSAT Auvergne", "06": "CARSAT Sud-Est"}
CAF = {"89": "CAF de l'Yonne", "58": "CAF de la Nièvre", "43": "CAF de la Haute-Loire",
       "06": "CAF des Alpes-Maritimes"}
_ACTIVITIES = ("Transports", "Bâtiment", "Boulangerie", "Logistique", "Nettoyage", "Restauration", "Menuiserie",
               "Maraîchage", "Garage", "Hôtellerie", "Plasturgie", "Mécanique", "Services à la personne")
_FORMS = ("SARL", "SAS", "SA", "EURL", "SASU")
_STREETS = ("rue de l'Industrie", "avenue Jean Jaurès", "zone artisanale des Champs", "rue de la Gare",
            "boulevard Victor Hugo", "rue des Artisans", "route nationale")


def rib_key(bank: str, branch: str, account: str) -> str:
    """Clé RIB of a numeric account number."""
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def make_iban(rnd: random.Random, bank: str) -> str:
    branch = f"{rnd.randrange(100_000):05d}"
    account = f"{rnd.randrange(10**11):011d}"
    bban = bank + branch + account + rib_key(bank, branch, account)
    return "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban


def make_siret(rnd: random.Random) -> str:
    siren8 = f"{rnd.randrange(1, 10**8):08d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    nic4 = f"{rnd.randrange(1, 10**4):04d}"
    return siren + nic4 + luhn.calc_check_digit(siren + nic4)


def _employers(seed: int) -> dict[str, list[dict]]:
    """A pool of employers per département, with valid SIRETs and an address in one of its communes."""
    ref = load_reference()
    pools: dict[str, list[dict]] = {}
    for dep in sorted(CARSAT):
        rnd = random.Random(f"employeurs:{seed}:{dep}")
        communes = sorted((c for c in ref.by_code.values() if c.departement == dep and c.type == "COM"
                           and c.postcodes and c.population > 0), key=lambda c: c.code_insee)
        weights = [c.population for c in communes]
        pool = []
        for _ in range(40):
            commune = rnd.choices(communes, weights)[0]
            name = f"{rnd.choice(_FORMS)} {rnd.choice(_ACTIVITIES)} {commune.nom}"
            pool.append({"name": name, "siret": make_siret(rnd),
                         "voie": f"{rnd.randint(1, 120)} {rnd.choice(_STREETS)}",
                         "code_postal": commune.postcodes[0], "commune": commune.nom.upper()})
        pools[dep] = pool
    return pools


def _observed(rnd: random.Random, today: date) -> date:
    return today - timedelta(days=rnd.randint(10, 320))


def _salary(rnd: random.Random, median_eur: float, lo: float, hi: float) -> int:
    euros = min(max(median_eur * math.exp(rnd.gauss(0, 0.45)), lo), hi)
    return int(round(euros)) * 100


def plan_for_account(rid: int, departement: str, birth: date | None, today: date, seed: int,
                     employers: dict[str, list[dict]]) -> list[dict]:
    """The renseignements one account gets (possibly none): keyword arguments for ``service.add``."""
    rnd = random.Random(f"renseignements:{seed}:{rid}")
    if rnd.random() >= SHARE:
        return []
    dep = departement if departement in CARSAT else "89"
    age = (today - birth).days // 365 if birth else 45
    out: list[dict] = []
    if rnd.random() < 0.8:
        code, name = rnd.choice(BANKS)
        out.append({"kind": "banque", "name": name, "iban": make_iban(rnd, code), "source": "ficoba",
                    "reliability": "confirmee", "observed_on": _observed(rnd, today)})
        if rnd.random() < 0.12:  # a second account, sometimes in the same bank
            code2 = code if rnd.random() < 0.5 else rnd.choice(BANKS)[0]
            name2 = dict(BANKS)[code2]
            out.append({"kind": "banque", "name": name2, "iban": make_iban(rnd, code2), "source": "ficoba",
                        "reliability": "confirmee", "observed_on": _observed(rnd, today)})
    dependants = rnd.choices((0, 1, 2, 3, 4), (45, 20, 22, 10, 3))[0]
    if age >= 63:
        if rnd.random() < 0.7:
            out.append({"kind": "caisse_retraite", "name": CARSAT[dep], "source": "impots", "reliability": "confirmee",
                        "annual_net_salary_cents": _salary(rnd, 15_500, 7_000, 45_000), "dependants": 0,
                        "observed_on": _observed(rnd, today)})
    elif rnd.random() < 0.55:
        e = rnd.choice(employers[dep])
        out.append({"kind": "employeur", "name": e["name"], "siret": e["siret"], "voie": e["voie"],
                    "code_postal": e["code_postal"], "commune": e["commune"],
                    "source": rnd.choice(("impots", "impots", "huissier", "agent")), "reliability": "confirmee",
                    "annual_net_salary_cents": _salary(rnd, 21_000, 6_000, 90_000), "dependants": dependants,
                    "observed_on": _observed(rnd, today)})
    if dependants >= 2 and rnd.random() < 0.15:
        out.append({"kind": "caf", "name": CAF[dep], "source": "agent", "reliability": "declaree",
                    "observed_on": _observed(rnd, today)})
    return out


def demo_renseignements(out_dir: Path, say: Say, seed: int = 1, today: date | None = None) -> Counter:
    """Demo step (after matching and panels): record the demo renseignements. Returns counts by kind."""
    from .generate import TODAY

    today = today or TODAY
    with db.new_session() as session:
        open_creance = (select(RecordLink.redevable_id)
                        .join(Creance, Creance.source_record_id == RecordLink.source_record_id)
                        .where(Creance.status == "en_cours", Creance.rar_cents > 0))
        rows = session.execute(
            select(Redevable.id, Redevable.code_insee, Redevable.date_naissance)
            .where(Redevable.merged_into_id.is_(None), Redevable.id.in_(open_creance),
                   ~exists().where(Renseignement.redevable_id == Redevable.id))
            .order_by(Redevable.id)).all()
    if not rows:
        say("Renseignements : aucun compte à compléter ; étape ignorée.")
        return Counter()
    employers = _employers(seed)
    counts: Counter = Counter()
    accounts = 0
    written: list[tuple[int, str, str, str]] = []
    for start in range(0, len(rows), CHUNK):
        with db.transaction() as session:
            for rid, insee, birth in rows[start:start + CHUNK]:
                items = plan_for_account(rid, (insee or "")[:2], birth, today, seed, employers)
                accounts += bool(items)
                for item in items:
                    kind = item.pop("kind")
                    observed = item.pop("observed_on")
                    service.add(session, rid, kind, observed_on=observed, audit_it=False, **item)
                    counts[kind] += 1
                    written.append((rid, kind, item.get("name") or "", item.get("iban") or item.get("siret") or ""))
    path = Path(out_dir) / "renseignements.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(("redevable_id", "type", "nom", "identifiant"))
        out.writerows(written)
    detail = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
    say(f"Renseignements : {sum(counts.values())} enregistrés pour {accounts} comptes sur {len(rows)} ({detail}) ; "
        f"détail dans {path}.")
    return counts


__all__ = ["demo_renseignements", "make_iban", "make_siret", "plan_for_account", "rib_key"]
