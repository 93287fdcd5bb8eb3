"""``mrf commissaires`` (alias ``mrf cj``) and ``mrf etudes``: the convention with the commissaires de
justice — études register, saisine, daily actualisation, bilans d'intervention, dossiers, statistics.

Commands that write files print each path written, one per line, and nothing else on stdout
(summaries and rejections go to stderr). A refused file exits 2 with its reasons, nothing changed."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from poursuites.model import euros

from ..extensions import db
from ..models import Structure
from ..services.commissaires import (
    actualisation,
    anv,
    arrondissements,
    bilans,
    etudes,
    fichiers,
    registre,
    saisine,
    stats,
)
from ..services.commissaires.etat import ETATS
from ..services.errors import Refus


def _date(text: str | None) -> date:
    if not text:
        return date.today()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise Refus(f"Date invalide : « {text} » (format JJ/MM/AAAA attendu).")


def _structure_id(code: str | None) -> int | None:
    if code is None:
        return None
    with db.new_session() as session:
        sid = session.scalar(select(Structure.id).where(Structure.code == code))
    if sid is None:
        raise Refus(f"Structure inconnue : « {code} ».")
    return sid


# ---------------------------------------------------------------------------------- études
@click.group("etudes")
def etudes_group() -> None:
    """Registre des études de commissaires de justice et de leur territoire."""


@etudes_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def etudes_import(file: Path) -> None:
    """Importe le fichier CSV des études (atomique : un fichier fautif est refusé en entier)."""
    click.echo(etudes.import_etudes(file).summary(), err=True)


@etudes_group.command("list")
@with_appcontext
def etudes_list() -> None:
    """Liste les études enregistrées."""
    with db.new_session() as session:
        for e in etudes.etudes(session):
            click.echo(f"{e.code}\t{e.departement}\t{e.centre_serveur}\t{e.siret}\t{e.nom}\t"
                       f"{len(e.territoire)} zone(s)")


# ---------------------------------------------------------------------------------- commissaires
@click.group("commissaires")
def commissaires() -> None:
    """Commissaires de justice : saisine, actualisation, bilans, dossiers, statistiques."""


commissaires.add_command(etudes_group)


@commissaires.command("saisine")
@click.option("--structure", "structure_code", required=True, help="Code du poste comptable donneur d'ordre.")
@click.option("--compte", "comptes", multiple=True, type=int, help="Compte(s) à saisir (défaut : toute la liste).")
@click.option("--phase", type=click.Choice(["comminatoire", "judiciaire"]), default="comminatoire")
@click.option("--date", "on", help="Date de la saisine (JJ/MM/AAAA, défaut : aujourd'hui).")
@click.option("--limit", type=int, help="Nombre maximal de comptes de la liste de travail.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def saisine_cmd(structure_code: str, comptes: tuple[int, ...], phase: str, on: str | None, limit: int | None,
                out_dir: Path) -> None:
    """Confie aux études les créances éligibles (amendes, secteur local) ; écrit les fichiers."""
    day = _date(on)
    if comptes:
        result = saisine.saisir(list(comptes), phase, day, structure_code=structure_code)
    else:
        result = saisine.saisir_lot(structure_code, phase, day, limit=limit)
    for path in fichiers.ecrire(result.fichiers, out_dir):
        click.echo(str(path))
    out_dir.mkdir(parents=True, exist_ok=True)
    for d in result.demandes:
        path = out_dir / f"{d.numero}.pdf"
        path.write_bytes(d.pdf)
        click.echo(str(path))
    click.echo(result.summary(), err=True)
    for r in result.rejets:
        click.echo(r, err=True)


@commissaires.command("actualisation")
@click.option("--date", "on", help="Jour du fichier (JJ/MM/AAAA, défaut : aujourd'hui).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def actualisation_cmd(on: str | None, out_dir: Path) -> None:
    """Envoie dans les fichiers du jour les événements des jours précédents (paiements, délais…)."""
    result = actualisation.actualiser(_date(on))
    for path in fichiers.ecrire(result.fichiers, out_dir):
        click.echo(str(path))
    click.echo(result.summary(), err=True)


@click.group("bilan")
def bilan_group() -> None:
    """Bilans d'intervention retournés par les études."""


@bilan_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "on", help="Date d'import (défaut : aujourd'hui).")
@with_appcontext
def bilan_import(file: Path, on: str | None) -> None:
    """Importe un fichier de bilans (atomique, idempotent ; lignes de dossiers inconnus rejetées seules)."""
    click.echo(bilans.importer_bilan(file, today=_date(on)).summary(), err=True)


commissaires.add_command(bilan_group)
commissaires.add_command(bilan_group, name="bilans")


@commissaires.command("prolongation")
@click.argument("numero")
@click.option("--accorder/--refuser", "accorde", required=True)
@click.option("--jours", type=int, help="Durée accordée (défaut : celle demandée).")
@click.option("--date", "on")
@with_appcontext
def prolongation_cmd(numero: str, accorde: bool, jours: int | None, on: str | None) -> None:
    """Décide la prolongation demandée par l'étude."""
    e = bilans.decider_prolongation(numero, accorde, _date(on), jours=jours)
    click.echo(f"Dossier {numero} : prolongation {'accordée' if accorde else 'refusée'}"
               + (f" ({e.details['jours']} jours)." if accorde else "."), err=True)


@commissaires.command("signaler")
@click.argument("numero")
@click.option("--type", "kind", type=click.Choice(sorted(actualisation.SIGNAUX)), required=True)
@click.option("--motif", default="")
@click.option("--date", "on")
@with_appcontext
def signaler_cmd(numero: str, kind: str, motif: str, on: str | None) -> None:
    """Signale à l'étude un arrêt ou un surendettement (envoyé dans le prochain fichier)."""
    actualisation.signaler(numero, kind, _date(on), motif=motif)
    click.echo(f"Dossier {numero} : {actualisation.SIGNAUX[kind].lower()} enregistré.", err=True)


@commissaires.command("facture-payee")
@click.argument("numero")
@click.option("--date", "on")
@with_appcontext
def facture_payee_cmd(numero: str, on: str | None) -> None:
    """Enregistre le paiement de la facture de l'étude (fin de l'alerte des 30 jours)."""
    e = bilans.payer_facture(numero, _date(on))
    click.echo(f"Dossier {numero} : facture de {euros(e.montant_cents)} payée"
               + (" hors délai (intérêts moratoires dus)." if e.details["hors_delai"] else "."), err=True)


@commissaires.command("anv")
@click.argument("numero")
@click.option("--date", "on")
@with_appcontext
def anv_cmd(numero: str, on: str | None) -> None:
    """Propose l'admission en non-valeur du compte sur l'insolvabilité constatée par l'étude."""
    proposal = anv.proposer_anv(numero, _date(on))
    click.echo(proposal.explanation, err=True)


@commissaires.command("dossiers")
@click.option("--structure", "structure_code", help="Dossiers de ce poste comptable seulement.")
@click.option("--etat", type=click.Choice(sorted(ETATS)), help="Filtrer par état.")
@click.option("--date", "on")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def dossiers_cmd(structure_code: str | None, etat: str | None, on: str | None, as_json: bool) -> None:
    """Dossiers confiés, avec leur état, leur échéance et leurs alertes."""
    day = _date(on)
    with db.new_session() as session:
        vues = [v for v in registre.charger(session, day, structure_id=_structure_id(structure_code))
                if etat is None or v.etat.etat == etat]
        rows = [{"numero": v.dossier.numero, "phase": v.dossier.phase, "etude": v.etude.code,
                 "comptable": v.structure.code, "redevable_id": v.dossier.redevable_id,
                 "transmis_le": v.dossier.transmis_le.isoformat(), "echeance": v.etat.echeance.isoformat(),
                 "etat": v.etat.etat, "montant_cents": v.dossier.montant_cents, "rar_cents": v.rar_cents,
                 "frais_cents": v.etat.frais_cents, "alertes": [a.label for a in v.etat.alertes]} for v in vues]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['numero']}\t{r['etude']}\t{r['etat']}\t{r['echeance']}\t{euros(r['rar_cents'])}\t"
                   + " ; ".join(r["alertes"]))


@click.group("arrondissements")
def arrondissements_group() -> None:
    """Table des arrondissements des communes (code officiel géographique de l'INSEE), pour les statistiques."""


@arrondissements_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--noms", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier des arrondissements du COG (ARR, LIBELLE) pour leurs noms.")
@with_appcontext
def arrondissements_import(file: Path, noms: Path | None) -> None:
    """Importe la table commune → arrondissement (remplace la précédente ; un fichier fautif est refusé en
    entier, rien n'est modifié). Formats : docs/commissaires.md."""
    click.echo(arrondissements.importer(file, noms).summary(), err=True)


commissaires.add_command(arrondissements_group)


@commissaires.command("stats")
@click.option("--critere", type=click.Choice(sorted(stats.CRITERES)), default="etude")
@click.option("--structure", "structure_code", help="Statistiques d'un poste comptable (ses dossiers seulement).")
@click.option("--annee", type=int, help="Dossiers transmis cette année (fichier annuel).")
@click.option("--date", "on")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
@with_appcontext
def stats_cmd(critere: str, structure_code: str | None, annee: int | None, on: str | None, as_json: bool,
              as_csv: bool) -> None:
    """Taux de recouvrement et taux de plis non distribuables, insolvabilité, disparition, nouvelle adresse."""
    with db.new_session() as session:
        rows = stats.statistiques(session, _date(on), critere, _structure_id(structure_code), annee)
    if as_csv:
        click.echo(stats.to_csv(rows), nl=False)
        return
    if as_json:
        click.echo(json.dumps([{critere: r.cle, **asdict(r)} for r in rows], ensure_ascii=False, indent=1))
        return
    for r in rows:
        taux = f"{r.taux_recouvrement * 100:.1f}".replace(".", ",")
        click.echo(f"{r.cle}\t{r.dossiers} dossier(s)\tconfié {euros(r.confie_cents)}\t"
                   f"recouvré {euros(r.recouvre_cents)}\ttaux de recouvrement {taux} %")


cj = click.Group("cj", commands=dict(commissaires.commands), help="Alias de « mrf commissaires ».")

COMMANDS = (commissaires, cj, etudes_group)
