"""Statistics of the convention (annex, IV): recovery rate and rates of plis non distribuables,
insolvency, disappearance and new address, per étude, comptable, creditor, arrondissement and département.

The arrondissement of a dossier is that of its debtor's commune in the imported table
(:mod:`.arrondissements`); a dossier whose commune is not in it is counted under « non renseigné ».

``recouvre_cents`` is what the dossiers' titres received during the phase, from the étude or paid
to the comptable directly (imputations on the dossier's titres of the payments its events name);
a comptable's statistics cover its own dossiers only."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.reference import load_reference

from ...models import Creance, Imputation
from .arrondissements import NON_RENSEIGNE, table
from .registre import DossierVue, charger

CRITERES = {"etude": "Étude", "comptable": "Comptable", "creancier": "Créancier", "arrondissement": "Arrondissement",
            "departement": "Département"}
ISSUES = ("pli_non_distribuable", "insolvabilite", "disparition", "nouvelle_adresse")


@dataclass
class LigneStats:
    cle: str
    libelle: str
    dossiers: int = 0
    confie_cents: int = 0
    recouvre_cents: int = 0
    taux_recouvrement: float = 0.0
    pli_non_distribuable: int = 0
    insolvabilite: int = 0
    disparition: int = 0
    nouvelle_adresse: int = 0
    taux_pli_non_distribuable: float = 0.0
    taux_insolvabilite: float = 0.0
    taux_disparition: float = 0.0
    taux_nouvelle_adresse: float = 0.0

    def finir(self) -> None:
        self.taux_recouvrement = round(self.recouvre_cents / self.confie_cents, 4) if self.confie_cents else 0.0
        for k in ISSUES:
            setattr(self, f"taux_{k}", round(getattr(self, k) / self.dossiers, 4) if self.dossiers else 0.0)


def _recouvre_par_creance(session: Session, vues: list[DossierVue]) -> dict[int, dict[int, int]]:
    """Per dossier: créance id -> amount received during the phase."""
    wanted: dict[int, set[int]] = {}
    payment_of: dict[int, list[int]] = defaultdict(list)
    for v in vues:
        wanted[v.dossier.id] = {line.creance_id for line in v.dossier.lignes}
        for e in v.events:
            if e.kind == "paiement" and e.details.get("payment_id"):
                payment_of[int(e.details["payment_id"])].append(v.dossier.id)
    out: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if payment_of:
        for pid, cid, amount in session.execute(select(Imputation.payment_id, Imputation.creance_id,
                                                       Imputation.amount_cents)
                                                .where(Imputation.payment_id.in_(list(payment_of)))):
            for did in payment_of[pid]:
                if cid in wanted[did]:
                    out[did][cid] += int(amount)
    return out


def statistiques(session: Session, on: date, critere: str = "etude", structure_id: int | None = None,
                 annee: int | None = None) -> list[LigneStats]:
    """Rows per ``critere`` (see ``CRITERES``), over the comptable's dossiers when ``structure_id``."""
    if critere not in CRITERES:
        raise ValueError(f"Critère inconnu : « {critere} » (attendu : {', '.join(CRITERES)}).")
    vues = [v for v in charger(session, on, structure_id=structure_id)
            if annee is None or v.dossier.transmis_le.year == annee]
    recouvre = _recouvre_par_creance(session, vues)
    creances: dict[int, Creance] = {}
    if critere == "creancier":
        ids = [line.creance_id for v in vues for line in v.dossier.lignes]
        creances = {c.id: c for c in session.scalars(select(Creance).where(Creance.id.in_(ids)))} if ids else {}
    ref = load_reference() if critere == "departement" else None
    arrondissement_of = table(session) if critere == "arrondissement" else {}
    rows: dict[str, LigneStats] = {}

    def row(key: str, label: str) -> LigneStats:
        return rows.setdefault(key, LigneStats(key, label))

    for v in vues:
        kinds = {e.kind for e in v.events if e.sens == "retour"}
        if critere == "creancier":
            parts = [(creances[line.creance_id].creditor_code, creances[line.creance_id].creditor_name,
                      line.montant_cents, recouvre[v.dossier.id].get(line.creance_id, 0)) for line in v.dossier.lignes]
            seen: set[str] = set()
            for code, name, confie, got in parts:
                r = row(code, name)
                r.confie_cents += confie
                r.recouvre_cents += got
                if code not in seen:  # a dossier counts once per creditor
                    seen.add(code)
                    r.dossiers += 1
                    for k in ISSUES:
                        setattr(r, k, getattr(r, k) + int(k in kinds))
            continue
        if critere == "etude":
            r = row(v.etude.code, v.etude.nom)
        elif critere == "comptable":
            r = row(v.structure.code, v.structure.name)
        elif critere == "arrondissement":
            code, label = arrondissement_of.get(v.dossier.code_insee or "", NON_RENSEIGNE)
            r = row(code, f"{label} ({code})" if code else label)
        else:
            commune = ref.by_code.get(v.dossier.code_insee or "") if ref else None
            dep = commune.departement if commune else v.etude.departement
            r = row(dep, ref.departements.get(dep, dep) if ref else dep)
        r.dossiers += 1
        r.confie_cents += v.dossier.montant_cents
        r.recouvre_cents += sum(recouvre[v.dossier.id].values())
        for k in ISSUES:
            setattr(r, k, getattr(r, k) + int(k in kinds))
    out = sorted(rows.values(), key=lambda r: r.cle)
    for r in out:
        r.finir()
    return out


def to_csv(rows: list[LigneStats]) -> str:
    out = io.StringIO()
    fields = list(asdict(LigneStats("", "")).keys())
    w = csv.DictWriter(out, fieldnames=fields, delimiter=";", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(asdict(r))
    return out.getvalue()
