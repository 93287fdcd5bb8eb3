"""``mrf request decide|follow``, ``mrf anv propose|decide|list``, ``mrf act issue``: the decisions of the
job from the command line. The author is ``mrf --as LOGIN`` (or MRF_AS), checked like on the web: role,
structure, maker-checker. A refusal prints its French message on stderr and exits 2."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from poursuites.model import date_fr, euros

from ..audit import actor
from ..extensions import db
from ..models import Agent, Demande, RequestDecision
from ..services.comptes.consolide import load_account
from ..services.errors import Interdit, Refus
from ..services.poursuites import anv, decisions, demandes, relances
from .poursuites import _cents, _date


def _me(login: str | None = None) -> int:
    """The agent acting: ``login`` (``--by``), else ``mrf --as``/MRF_AS, else the system user's account."""
    with db.new_session() as session:
        try:
            who = actor.resolve(session, login)
        except actor.UnknownActor as exc:
            raise Interdit(str(exc)) from None
    if who.agent_id is None:
        raise Interdit(f"Aucun compte utilisateur pour « {who.login} » : indiquez-le avec mrf --as IDENTIFIANT.")
    return who.agent_id


# ---------------------------------------------------------------------------------- requests
@click.group("request")
def request() -> None:
    """Demandes du redevable : délais de paiement, contestation, remise gracieuse."""


@request.command("decide")
@click.argument("request_id", type=int)
@click.option("--decision", "status", required=True, type=click.Choice(["acceptee", "refusee", "retiree", "annulee"]),
              help="Décision du comptable.")
@click.option("--reason", required=True, help="Motif de la décision (repris dans le courrier au redevable).")
@click.option("--amount", default=None, help="Remise gracieuse partielle : montant remis en euros.")
@click.option("--date", "on", default=None, help="Date de la décision (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def request_decide(request_id: int, status: str, reason: str, amount: str | None, on: str | None) -> None:
    """Décide la demande REQUEST_ID et émet le courrier numéroté au redevable."""
    done = decisions.decide(request_id, status, reason, _me(), _date(on), _cents(amount) if amount else None)
    click.echo(f"Décision enregistrée sur la demande n° {request_id} : {decisions.STATUS_LABELS[done.status]} — "
               f"courrier n° {done.document_number}.")


@request.command("follow")
@click.option("--date", "on", default=None, help="Date du suivi (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def request_follow(on: str | None) -> None:
    """Suivi des échéanciers accordés : une échéance manquée fait reprendre les poursuites, avec un courrier."""
    when = _date(on)
    agent_id = _me()
    with db.new_session() as session:
        granted = select(RequestDecision.request_id).where(RequestDecision.status == "acceptee")
        accounts = sorted(set(session.scalars(select(Demande.redevable_id).where(
            Demande.kind == "plan_reglement", Demande.id.in_(granted)))))
    count = 0
    for rid in accounts:
        with db.transaction() as session:
            for d in demandes.refresh_payment_plans(session, load_account(session, rid, when), when, agent_id):
                count += 1
                click.echo(f"Compte {rid} : demande n° {d.request_id} — {decisions.STATUS_LABELS[d.status]}.")
    click.echo(f"{len(accounts)} compte(s) avec échéancier examiné(s), {count} changement(s) au {date_fr(when)}.",
               err=True)


# ---------------------------------------------------------------------------------- ANV
@click.group("anv")
def anv_group() -> None:
    """Admissions en non-valeur : proposition par l'agent, décision par le comptable."""


@anv_group.command("propose")
@click.argument("redevable_id", type=int)
@click.option("--motif", required=True, type=click.Choice(list(anv.MOTIFS)), help="Motif de la proposition.")
@click.option("--insolvabilite", required=True, help="Insolvabilité constatée (pièce ou constat).")
@click.option("--recherches", required=True, help="Recherches effectuées (FICOBA, employeur, CAF…).")
@click.option("--date", "on", default=None, help="Date (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def anv_propose(redevable_id: int, motif: str, insolvabilite: str, recherches: str, on: str | None) -> None:
    """Propose l'admission en non-valeur de toute la situation du compte REDEVABLE_ID."""
    prop = anv.propose(redevable_id, motif, insolvabilite, recherches, _me(), _date(on))
    click.echo(f"Proposition n° {prop.id} enregistrée : {len(prop.creance_ids)} créance(s), "
               f"{euros(prop.total_cents)} — en attente de la décision du comptable.")


@anv_group.command("decide")
@click.argument("proposal_id", type=int)
@click.option("--accept/--reject", "accept", required=True, help="Admettre ou rejeter la proposition.")
@click.option("--by", "login", required=True, help="Identifiant du comptable qui décide (jamais l'auteur).")
@click.option("--reason", required=True, help="Motif de la décision.")
@click.option("--date", "on", default=None, help="Date (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def anv_decide(proposal_id: int, accept: bool, login: str, reason: str, on: str | None) -> None:
    """Décide la proposition d'ANV PROPOSAL_ID."""
    verdict = anv.decide(proposal_id, accept, reason, _me(login), _date(on))
    click.echo(f"Proposition n° {proposal_id} {'admise' if verdict.accepted else 'rejetée'} le "
               f"{date_fr(verdict.decided_on)}.")


@anv_group.command("list")
@click.option("--creditor", default=None, help="Code du créancier (commune, hôpital, ETAT…).")
@click.option("--format", "fmt", type=click.Choice(["csv", "pdf"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier à écrire (obligatoire en PDF ; CSV sur la sortie standard sinon).")
@with_appcontext
def anv_list(creditor: str | None, fmt: str, out: Path | None) -> None:
    """Liste des créances admises en non-valeur, par créancier, pour la décision du créancier."""
    agent_id = _me()
    with db.new_session() as session:
        user = session.get(Agent, agent_id)
        lines = anv.listing(session, user, creditor)
    if fmt == "pdf":
        if out is None:
            raise Refus("Format PDF : indiquez le fichier à écrire avec --out.")
        out.write_bytes(anv.to_pdf(lines, creditor, date.today()))
        click.echo(str(out))
    elif out is not None:
        out.write_text(anv.to_csv(lines), encoding="utf-8")
        click.echo(str(out))
    else:
        sys.stdout.write(anv.to_csv(lines))
    click.echo(f"{len(lines)} créance(s) admise(s) en non-valeur.", err=True)


# ---------------------------------------------------------------------------------- letters
@click.group("act")
def act() -> None:
    """Actes du comptable : lettre de relance, mise en demeure."""


@act.command("issue")
@click.argument("redevable_id", type=int)
@click.option("--kind", required=True, type=click.Choice(["mise_en_demeure", "relance"]))
@click.option("--preview", is_flag=True, help="Afficher les créances et montants sans rien émettre.")
@click.option("--date", "on", default=None, help="Date (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def act_issue(redevable_id: int, kind: str, preview: bool, on: str | None) -> None:
    """Émet la mise en demeure ou la lettre de relance prévue par le plan du compte REDEVABLE_ID."""
    agent_id = _me()
    if preview:
        ap = relances.preview(redevable_id, kind, agent_id, _date(on))
        click.echo(f"{ap.label} ({ap.base_legale}) :")
        for line in ap.lines:
            click.echo(f"  {line.reference} — {line.libelle} — {line.creancier} : {euros(line.montant_cents)}")
        click.echo(f"  Total : {euros(ap.total_cents)}")
        return
    acte_id, number = relances.issue(redevable_id, kind, agent_id, _date(on))
    click.echo(f"Acte n° {acte_id} émis : courrier n° {number}.")


COMMANDS = (request, anv_group, act)
