"""``mrf worker`` and ``mrf jobs run|list|show``: long jobs on the queue, or inline without a worker."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..jobs import file, taches
from ..jobs.acteur import agent_cli, utilisateur_systeme
from ..jobs.suivi import SuiviConsole
from ..services.errors import Refus


@click.command("worker")
@click.option("--burst", is_flag=True, help="S'arrête quand la file est vide.")
@with_appcontext
def worker(burst: bool) -> None:
    """Démarre un exécutant des tâches longues (file Redis)."""
    if not file.redis_disponible():
        raise Refus("Redis ne répond pas : impossible de démarrer l'exécutant (vérifiez MRF_REDIS_URL).")
    click.echo(f"Exécutant des tâches sur la file « {file.nom_file()} ».", err=True)
    file.demarrer_worker(burst=burst)


@click.group("jobs")
def jobs() -> None:
    """Tâches longues : import, rapprochement, panel, SATD en lot, listes de travail."""


def _params(code: str, source: str | None, chemin: Path | None, criteres: Path | None, graine: int | None,
            structure: str | None, on: str | None, limite: int | None, complete: bool) -> dict[str, Any]:
    if code == "import":
        if not source or chemin is None:
            raise Refus("Import : précisez --source et --fichier.")
        return {"source": source, "chemin": str(chemin.resolve()), "nom": chemin.name}
    if code == "panel":
        if criteres is None:
            raise Refus("Panel : précisez --criteres (fichier TOML).")
        try:
            return {"criteres": criteres.read_text(encoding="utf-8"), "graine": graine}
        except (OSError, UnicodeDecodeError):
            raise Refus(f"Fichier de critères illisible : {criteres}.") from None
    if code == "satd":
        if not structure:
            raise Refus("SATD en lot : précisez --structure.")
        when = None
        if on:
            try:
                when = date.fromisoformat(on) if "-" in on else date(*reversed([int(x) for x in on.split("/")]))
            except (ValueError, TypeError):
                raise Refus(f"Date illisible : « {on} » (JJ/MM/AAAA).") from None
        return {"structure": structure, "date": when.isoformat() if when else None, "limite": limite}
    if code == "liste_travail":
        return {"complete": complete}
    return {}


@jobs.command("run")
@click.argument("code", type=click.Choice(sorted(taches.TACHES)))
@click.option("--source", type=click.Choice(["impots", "amendes", "secteur_local"]), default=None)
@click.option("--fichier", "chemin", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--criteres", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--graine", type=int, default=None)
@click.option("--structure", default=None)
@click.option("--date", "on", default=None, help="JJ/MM/AAAA")
@click.option("--limite", type=click.IntRange(min=1), default=None)
@click.option("--complete", is_flag=True, help="Listes de travail : recalcul complet.")
@click.option("--sur-place", "inline", is_flag=True, help="Exécute ici même sans passer par la file.")
@with_appcontext
def run(code: str, source: str | None, chemin: Path | None, criteres: Path | None, graine: int | None,
        structure: str | None, on: str | None, limite: int | None, complete: bool, inline: bool) -> None:
    """Lance la tâche CODE : sur la file si un exécutant l'écoute (progression suivie ici), sinon sur place."""
    params = _params(code, source, chemin, criteres, graine, structure, on, limite, complete)
    agent_id = agent_cli()
    if not inline and file.worker_actif():
        job_id = file.lancer(code, params, agent_id, utilisateur_systeme(), {"origine": "ligne de commande"})
        click.echo(f"Tâche {job_id} placée dans la file.", err=True)
        _suivre(job_id)
        return
    suivi = SuiviConsole()
    try:
        report = taches.executer(code, params, suivi, agent_id)
    finally:
        suivi.fin()
    click.echo(report["resume"])


def _suivre(job_id: str) -> None:
    suivi = SuiviConsole()
    while True:
        etat = file.etat(job_id)
        suivi.etape, suivi.total, suivi.fait = etat.etape or etat.statut_libelle, etat.total, etat.fait
        suivi.publier()
        if not etat.active:
            break
        time.sleep(0.5)
    suivi.fin()
    if etat.statut == "echec":
        click.echo(etat.erreur, err=True)
        sys.exit(2)
    click.echo(etat.resume)


@jobs.command("list")
@with_appcontext
def list_jobs() -> None:
    """Les tâches récentes, de la plus récente à la plus ancienne."""
    for e in file.recentes():
        when = e.lancee_le.strftime("%d/%m/%Y %H:%M") if e.lancee_le else "—"
        click.echo(f"{e.id}  {when}  {e.libelle:<45} {e.statut_libelle:<28} {e.login or '—'}")


@jobs.command("show")
@click.argument("job_id")
@with_appcontext
def show(job_id: str) -> None:
    """État, progression et compte rendu d'une tâche."""
    e = file.etat(job_id)
    click.echo(f"{e.libelle} — {e.statut_libelle}")
    if e.etape:
        click.echo(f"Étape : {e.etape}" + (f" ({e.fait} / {e.total})" if e.total else ""))
    if e.resume:
        click.echo(e.resume)
    if e.erreur:
        click.echo(e.erreur)


COMMANDS = (worker, jobs)
