"""The kinds of long jobs: what each does, who may start it from the pages, which lock it takes.

Each job is atomic or resumable: an import, a matching, a panel composition and a work-list refresh
are one transaction each (a killed job leaves the database as before); a batch of SATD issues each
account in its own transaction and the plan never proposes an SATD already issued, so a restarted
batch goes on where the killed one stopped; an attach works in short transactions and picks up every
record still unlinked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app

from ..services.admin import access
from ..services.errors import Refus
from .suivi import Suivi, nombre
from .verrou import exclusif

Execution = Callable[[dict[str, Any], Suivi, int | None], dict[str, Any]]


@dataclass(frozen=True)
class Tache:
    code: str
    libelle: str
    roles: frozenset[str]
    executer: Execution
    verrou: Callable[[dict[str, Any]], str]


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)


def executer_import(params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    from ..ingest.loader import import_file
    from ..ingest.reader import FileRefused
    from ..services.identite.hooks import after_import

    path = Path(params["chemin"])
    if not path.is_file():
        raise Refus(f"Fichier introuvable : {path.name}.")
    suivi.debut(_count_lines(path), f"Import du fichier {params.get('nom') or path.name}…")
    try:
        report = import_file(params["source"], path, agent_id=agent_id, progress=suivi.a)
    except FileRefused as exc:
        raise Refus(f"Fichier refusé, rien n'a été importé. {exc}") from None
    resume = report.summary()
    attached = after_import(report.new_record_ids, suivi)  # with any left by an interrupted attach
    if attached:
        resume += " " + attached
    return {"resume": resume, "lignes": report.lines_read, "rejets": report.rejected}


def executer_rapprochement(params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    from ..services.identite.rapprochement import run_batch

    suivi.debut(None, "Rapprochement de tous les enregistrements…")
    report = run_batch(say=suivi.message, agent_id=agent_id)
    return {"resume": report.summary(), "comptes": report.accounts}


def executer_rattachement(params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    from ..services.identite.rattachement import rattacher_en_attente

    resume = rattacher_en_attente(None, suivi)
    return {"resume": resume or "Aucun enregistrement en attente de rattachement."}


def executer_panel(params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    from ..services.panels import composition

    suivi.debut(None, "Composition du panel…")
    try:
        panel = composition.save_panel(params["criteres"], params.get("graine"), agent_id=agent_id)
    except ValueError as exc:  # the panels library refuses with a French ValueError
        raise Refus(str(exc)) from None
    counts = panel.report.get("counts", {})
    return {"resume": f"Panel « {panel.name} » enregistré en brouillon : {nombre(counts.get('panel', 0))} traités, "
                      f"{nombre(counts.get('control', 0))} témoins.", "panel": panel.name}


def executer_satd(params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    from ..services.poursuites import lot

    structure = params["structure"]
    on = date.fromisoformat(params["date"]) if params.get("date") else date.today()
    out = Path(params.get("dossier") or Path(current_app.instance_path) / "lots" / f"{structure}-{on.isoformat()}")
    suivi.debut(None, f"Recherche des comptes de la structure {structure}…")
    roots = lot.batch_accounts(structure, params.get("limite"))
    suivi.debut(len(roots), f"Émission des SATD conjointes ({structure})…")
    report = lot.issue_batch(roots, on, out, structure, lambda _rid, _paths: suivi.avance())
    resume = (f"{nombre(report.examined)} compte(s) examiné(s), {nombre(report.issued_accounts)} avec SATD, "
              f"{nombre(len(report.paths))} document(s) émis, {nombre(len(report.errors))} erreur(s).")
    return {"resume": resume, "erreurs": report.errors[:50], "dossier": str(out)}


def executer_liste_travail(params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    from ..services.comptes import worklist

    suivi.debut(None, "Mise à jour des listes de travail…")
    from ..extensions import db
    from ..services.poursuites.prochaine_action import precalculer

    report = worklist.sync(full=bool(params.get("complete")))
    labels = {"aucune": "déjà à jour", "partielle": "mise à jour partielle", "complete": "recalcul complet"}
    pages = int(params.get("pages", 10))
    with db.new_session() as session:
        rows = worklist.first_rows(session, pages * worklist.PER_PAGE) if pages > 0 else {}
        ids = worklist.first_accounts(session, pages * worklist.PER_PAGE, rows) if pages > 0 else []
    suivi.debut(len(ids), "Prochaines actions des premières pages…")

    def avance(done: int, total: int) -> None:
        suivi.total = total  # the témoins' actions in their offices' lists come on top of the accounts'
        suivi.a(done)

    computed = precalculer(ids, avance, offices=rows)
    return {"resume": f"Listes de travail : {labels.get(report.mode, report.mode)}, "
                      f"{nombre(report.accounts)} compte(s) recalculé(s) ; prochaines actions : "
                      f"{nombre(computed)} calculée(s) pour les {pages} premières pages de chaque liste."}


TACHES: dict[str, Tache] = {t.code: t for t in (
    Tache("import", "Import d'un extrait", frozenset({access.CENTRALE}), executer_import, lambda _p: "import"),
    Tache("rapprochement", "Rapprochement des identités", frozenset({access.CENTRALE}), executer_rapprochement,
          lambda _p: "rapprochement"),
    Tache("rattachement", "Rattachement des nouveaux enregistrements", frozenset({access.CENTRALE}),
          executer_rattachement, lambda _p: "rapprochement"),
    Tache("panel", "Composition d'un panel", frozenset(access.PANEL_ROLES), executer_panel, lambda _p: "panel"),
    Tache("satd", "SATD conjointes de la liste de travail", frozenset(access.ACTION_ROLES), executer_satd,
          lambda p: f"satd:{p.get('structure')}"),
    Tache("liste_travail", "Mise à jour des listes de travail", frozenset(access.IDENTITY_ROLES),
          executer_liste_travail, lambda _p: "liste_travail"),
)}


def tache(code: str) -> Tache:
    try:
        return TACHES[code]
    except KeyError:
        raise Refus(f"Type de tâche inconnu : « {code} ».") from None


def executer(code: str, params: dict[str, Any], suivi: Suivi, agent_id: int | None) -> dict[str, Any]:
    """Run the job ``code`` under its lock (refused at once if a job of the same family runs)."""
    spec = tache(code)
    with exclusif(spec.verrou(params)):
        return spec.executer(params, suivi, agent_id)
