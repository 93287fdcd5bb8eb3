"""Demo step: the études de commissaires de justice of the four départements, a saisine over the
structures' work lists, and a small simulator playing the études (acknowledgements, payments,
insolvencies, plis non distribuables, new addresses, extension requests) through the real import."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from matching.reference import load_reference

from ..extensions import db
from ..models import Structure
from ..services.commissaires import bilans, saisine
from ..services.commissaires.etudes import COLUMNS, import_etudes
from ..services.commissaires.registre import charger
from .renseignements import make_siret

Say = Callable[[str], None]
DEPARTEMENTS = {"89": ("Auxerre", "CS-NORD"), "58": ("Nevers", "CS-NORD"), "43": ("Le Puy-en-Velay", "CS-SUD"),
                "06": ("Nice", "CS-SUD")}


def etudes_csv(seed: int = 1) -> str:
    """Two études per département, sharing its postal codes (lower half, upper half)."""
    ref = load_reference()
    rnd = random.Random(f"etudes:{seed}")
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(COLUMNS)
    for dep, (ville, centre) in sorted(DEPARTEMENTS.items()):
        cps = sorted({cp for c in ref.by_code.values() if c.departement == dep and c.type == "COM"
                      for cp in c.postcodes})
        half = (len(cps) + 1) // 2
        chef = next(c for c in ref.by_code.values() if c.nom.upper() == ville.upper() and c.departement == dep)
        for i, part in enumerate((cps[:half], cps[half:]), start=1):
            w.writerow([f"CJ-{dep}-{i}", f"Étude de commissaires de justice {ville} {i}", make_siret(rnd),
                        f"{i} place du Palais", chef.postcodes[0], chef.nom, centre, dep, " ".join(part), ""])
    return out.getvalue()


def simuler_bilan(centre: str, on: date, seed: int = 1) -> str:
    """The bilan file the études of ``centre`` would send on ``on`` for their open dossiers."""
    rnd = random.Random(f"bilan:{seed}:{centre}:{on.isoformat()}")
    ref = load_reference()
    lines: list[list] = []
    per_poste: dict[str, int] = defaultdict(int)
    with db.new_session() as session:
        vues = [v for v in charger(session, on) if v.etude.centre_serveur == centre and v.etat.ouvert
                and v.dossier.transmis_le < on]
        for v in vues:
            d, n = v.dossier, len(lines) + 1
            base = [d.numero, v.etude.siret]
            done = {e.kind for e in v.events if e.sens == "retour"}
            if "accuse_reception" not in done:
                lines.append(["R", f"{on:%Y%m%d}-{n}", *base, "accuse_reception", d.transmis_le + timedelta(days=2),
                              "", "", "", "", "", "", "", "", "", "", "", ""])
            x = rnd.random()
            if x < 0.30 and v.rar_cents > 0:
                amount = v.rar_cents if rnd.random() < 0.6 else max(1, v.rar_cents // 2)
                lines.append(["R", f"{on:%Y%m%d}-{n}p", *base, "paiement", on, amount, "cheque_tresor",
                              on - timedelta(days=5), "", "", "", "", "", "", "", "", v.structure.code])
                per_poste[v.structure.code] += amount
            elif x < 0.40:
                lines.append(["R", f"{on:%Y%m%d}-{n}i", *base, "insolvabilite", on, *[""] * 11, ""])
            elif x < 0.48:
                lines.append(["R", f"{on:%Y%m%d}-{n}n", *base, "pli_non_distribuable", on, *[""] * 11, ""])
            elif x < 0.53:
                lines.append(["R", f"{on:%Y%m%d}-{n}d", *base, "disparition", on, *[""] * 11, ""])
            elif x < 0.63:
                commune = rnd.choice([c for c in ref.by_code.values() if c.departement == v.etude.departement
                                      and c.type == "COM" and c.postcodes][:200])
                lines.append(["R", f"{on:%Y%m%d}-{n}a", *base, "nouvelle_adresse", on, "", "", "", "",
                              str(rnd.randint(1, 40)), "RUE DE LA REPUBLIQUE", "", commune.postcodes[0], commune.nom,
                              "", "", ""])
            elif x < 0.68:
                lines.append(["R", f"{on:%Y%m%d}-{n}x", *base, "prolongation_demandee", on, "", "", "", "", "", "",
                              "", "", "", "30", "", ""])
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["E", bilans.FORMAT, bilans.VERSION, centre, on.isoformat(), f"SIM-{centre}-{on:%Y%m%d}"])
    for poste, amount in sorted(per_poste.items()):
        w.writerow(["V", poste, amount, on.isoformat()])
    for row in lines:
        w.writerow([x.isoformat() if isinstance(x, date) else x for x in row])
    w.writerow(["Z", len(lines), sum(per_poste.values())])
    return out.getvalue()


def demo_etudes(out_dir: Path, say: Say, seed: int = 1, today: date | None = None, limit: int = 60) -> None:
    """Register the études, refer up to ``limit`` accounts per structure 20 days before ``today``,
    then import the simulated bilans of ``today``."""
    from .generate import TODAY

    today = today or TODAY
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "etudes.csv"
    path.write_text(etudes_csv(seed), encoding="utf-8")
    say(f"Études de commissaires de justice : {import_etudes(path).summary()}")
    with db.new_session() as session:
        codes = [s.code for s in session.scalars(select(Structure).order_by(Structure.code))
                 if set(s.products) & {"amendes", "secteur_local"}]
    saisi_le = today - timedelta(days=20)
    centres: set[str] = set()
    for code in codes:
        result = saisine.saisir_lot(code, "comminatoire", saisi_le, limit=limit)
        say(f"Saisine des commissaires de justice ({code}) : {result.summary()}")
        centres |= {f.centre_serveur for f in result.fichiers}
    for centre in sorted(centres):
        bilan = out_dir / f"bilan-{centre}-{today:%Y%m%d}.csv"
        bilan.write_text(simuler_bilan(centre, today, seed), encoding="utf-8")
        say(bilans.importer_bilan(bilan, today=today).summary().splitlines()[0])
