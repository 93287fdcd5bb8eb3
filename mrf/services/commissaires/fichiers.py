"""Interface files of the flux « Demande du comptable » (format in ``docs/commissaires.md``).

One ``aller`` file per centre serveur and day: the dossiers transmitted that day (``D`` and their
titres ``T``) and the actualisations sent that day (``A``). The day's file is cumulative: when a
later saisine or actualisation of the same day adds records, it is re-emitted complete under the
same name (a new ``FichierEchange`` version is kept; the previous one stays archived)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Creance, DossierCommissaire, DossierEvenement, Etude, FichierEchange, Structure

FORMAT = "MRF-CJ-ALLER"
VERSION = "1"


def nom_aller(centre: str, day: date) -> str:
    return f"{FORMAT}-{centre}-{day:%Y%m%d}.csv"


def contenu_aller(session: Session, centre: str, day: date) -> str:
    """The complete aller file of ``centre`` for ``day``, from the database."""
    nom = nom_aller(centre, day)
    etudes = {e.id: e for e in session.scalars(select(Etude).where(Etude.centre_serveur == centre))}
    dossiers = list(session.scalars(select(DossierCommissaire).where(
        DossierCommissaire.transmis_le == day, DossierCommissaire.etude_id.in_(list(etudes)))
        .order_by(DossierCommissaire.numero))) if etudes else []
    structures = {s.id: s for s in session.scalars(select(Structure))}
    ids = [line.creance_id for d in dossiers for line in d.lignes]
    creances = {c.id: c for c in session.scalars(select(Creance).where(Creance.id.in_(ids)))} if ids else {}
    events = list(session.execute(
        select(DossierEvenement, DossierCommissaire.numero)
        .join(DossierCommissaire, DossierCommissaire.id == DossierEvenement.dossier_id)
        .where(DossierEvenement.fichier == nom, DossierEvenement.sens == "aller")
        .order_by(DossierCommissaire.numero, DossierEvenement.id)).all())
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["E", FORMAT, VERSION, centre, day.isoformat(), "DGFIP-MRF"])
    n_t = 0
    for d in dossiers:
        e, s = etudes[d.etude_id], structures[d.structure_id]
        w.writerow(["D", d.numero, d.phase, d.transmis_le.isoformat(), d.echeance.isoformat(), e.code, e.siret,
                    s.code, s.name, d.redevable_id, d.nom, d.adresse, d.code_postal or "", d.commune or "",
                    d.code_insee or "", "1" if d.code_postal_recu is not None else "0", d.montant_cents])
        for line in d.lignes:
            c = creances[line.creance_id]
            w.writerow(["T", d.numero, c.product, c.reference, (c.date_emission or c.date_prise_en_charge).isoformat(),
                        c.date_prise_en_charge.isoformat(), c.nature, c.creditor_code, c.creditor_name,
                        line.montant_cents])
            n_t += 1
    for ev, numero in events:
        w.writerow(["A", numero, ev.kind, ev.survenu_le.isoformat(), ev.montant_cents,
                    ev.details.get("detail", "")])
    w.writerow(["Z", len(dossiers), n_t, len(events), sum(d.montant_cents for d in dossiers)])
    return out.getvalue()


def emettre(session: Session, day: date, centres: Iterable[str], agent_id: int | None = None) -> list[FichierEchange]:
    """(Re-)emit the aller file of each centre for ``day``: a new version only when it changed."""
    out = []
    for centre in sorted(set(centres)):
        nom = nom_aller(centre, day)
        text = contenu_aller(session, centre, day)
        sha = hashlib.sha256(text.encode()).hexdigest()
        last = session.scalar(select(FichierEchange).where(FichierEchange.sens == "aller", FichierEchange.nom == nom)
                              .order_by(FichierEchange.version.desc()).limit(1))
        if last is not None and last.sha256 == sha:
            out.append(last)
            continue
        f = FichierEchange(sens="aller", nom=nom, version=(last.version + 1) if last else 1, centre_serveur=centre,
                           jour=day, sha256=sha, contenu=text, agent_id=agent_id)
        session.add(f)
        session.flush()
        out.append(f)
    return out


def ecrire(fichiers: Iterable[FichierEchange], out_dir: Path) -> list[Path]:
    """Write the files' content under ``out_dir`` (created); returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in fichiers:
        path = out_dir / f.nom
        path.write_text(f.contenu, encoding="utf-8")
        paths.append(path)
    return paths
