"""``mrf plan``, ``mrf satd issue|batch|release``, ``mrf payment record``, ``mrf renseignement add|adresses``.

Messages are in French; bad input (unknown account, amount, date, structure) and every refused act (an SATD
refused for one of the tiers, even when others were issued) exit with status 2, the reason on stderr.
``satd issue`` and ``satd batch`` print the path of each PDF written, one per line, and nothing
else on stdout (messages and the progress bar go to stderr)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from panels.scope import ScopeGroup
from poursuites.model import date_fr

from ..audit import actor
from ..extensions import db
from ..models import Agent, Redevable, Structure
from ..services.admin import access, lectures
from ..services.comptes import temoin
from ..services.comptes.consolide import AccountNotFound, ConfigError, PoursuitesError, load_account
from ..services.poursuites import actes as service
from ..services.poursuites import lot, mainlevee
from ..services.poursuites.plan import PlanView, plan_for


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _date(text: str | None) -> date:
    if not text:
        return date.today()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    _fail(f"Date invalide : « {text} » (format JJ/MM/AAAA attendu).")


def _cents(text: str) -> int:
    raw = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        _fail(f"Montant invalide : « {text} » (exemple : 150 ou 150,25).")
    if not value.is_finite() or value <= 0:
        _fail(f"Montant invalide : « {text} » (un montant strictement positif est attendu).")
    if value != value.quantize(Decimal("0.01")):
        _fail(f"Montant invalide : « {text} » (deux décimales au plus).")
    return int(value * 100)


def _account_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        _fail(f"Identifiant de compte invalide : « {text} » (nombre entier attendu).")
    with db.new_session() as session:
        if session.get(Redevable, value) is None:
            _fail(f"Compte consolidé inconnu : {value}.")
    return value


# ---------------------------------------------------------------------------------- plan
@click.command("plan")
@click.argument("redevable_id")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (étapes, créances, montants en centimes, motifs).")
@click.option("--date", "on", default=None, help="Date du plan (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def plan(redevable_id: str, as_json: bool, on: str | None) -> None:
    """Plan d'action coordonné du compte consolidé REDEVABLE_ID."""
    rid = _account_id(redevable_id)
    try:
        view = service.build_plan(rid, _date(on))
    except (AccountNotFound, ConfigError) as exc:
        _fail(str(exc))
    lectures.en_ligne_de_commande("consultation_plan", "redevable", rid)
    if as_json:  # the JSON interface is the whole account's, whoever asks
        click.echo(json.dumps(view.to_dict(), ensure_ascii=False, indent=2))
        return
    office = _temoin_office(view.group)
    if office is not None:  # a témoin seen by one office: its own créances only (business as usual)
        view, office_name = _office_plan(rid, office, _date(on))
        click.echo(f"Témoin : seules les créances de votre poste ({office_name}) sont présentées ; "
                   "celles des autres postes ne le sont pas (circuit habituel).")
    for line in service.plan_text(view):
        click.echo(line)


def _temoin_office(group: str) -> int | None:
    """The structure of the acting agent (``mrf --as``) when the account is a témoin and the agent
    belongs to a structure (agent, comptable); None otherwise (the whole plan is shown)."""
    if group != ScopeGroup.CONTROL.value:
        return None
    with db.new_session() as session:
        agent_id = actor.resolve(session).agent_id
        agent = session.get(Agent, agent_id) if agent_id is not None else None
        if agent is None or agent.role not in access.STRUCTURE_ROLES:
            return None
        return agent.structure_id


def _office_plan(rid: int, office: int, on: date) -> tuple[PlanView, str]:
    with db.new_session() as session:
        account = load_account(session, rid, on)
        own = temoin.own_part(session, account, list(account.family_ids), office)
        return plan_for(own.charge), session.get(Structure, office).name


# ---------------------------------------------------------------------------------- SATD
@click.group("satd")
def satd() -> None:
    """Saisies administratives à tiers détenteur conjointes."""


@satd.command("issue")
@click.argument("redevable_id")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier où écrire les PDF.")
@click.option("--tiers", "tiers", type=int, default=None, help="Identifiant du renseignement (tiers détenteur).")
@click.option("--date", "on", default=None, help="Date d'émission (JJ/MM/AAAA ; défaut : aujourd'hui).")
@click.option("--structure", "structure_code", default=None,
              help="N'émettre que pour ce comptable (code de structure) ; refusé hors de son périmètre.")
@with_appcontext
def satd_issue(redevable_id: str, out_dir: Path, tiers: int | None, on: str | None,
               structure_code: str | None) -> None:
    """Émet la SATD conjointe du plan pour chaque tiers détenteur (ou le seul --tiers) et écrit les PDF."""
    rid = _account_id(redevable_id)
    when = _date(on)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths, errors = lot.issue_for_account(rid, tiers, when, out_dir, structure_code)
    for path in paths:
        click.echo(str(path))
    for error in errors:
        click.echo(error, err=True)
    if not paths and not errors:
        click.echo(f"Compte {rid} : aucune SATD prévue par le plan au {date_fr(when)}.", err=True)
    if errors:  # every refusal, for one tiers or for all of them, exits 2 like any other refusal
        sys.exit(2)


@satd.command("batch")
@click.option("--structure", "structure_code", required=True, help="Code de la structure (liste de travail).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier où écrire les PDF.")
@click.option("--date", "on", default=None, help="Date d'émission (JJ/MM/AAAA ; défaut : aujourd'hui).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Nombre maximal de comptes.")
@with_appcontext
def satd_batch(structure_code: str, out_dir: Path, on: str | None, limit: int | None) -> None:
    """Émet les SATD conjointes de tous les comptes de la liste de travail d'une structure : les comptes
    qui lui sont confiés, et pour les comptes confiés à aucune structure, ses propres créances."""
    when = _date(on)
    try:
        roots = lot.batch_accounts(structure_code, limit)
    except lot.StructureInconnue as exc:
        _fail(str(exc))
    with click.progressbar(length=len(roots), label=f"SATD {structure_code}", file=sys.stderr,
                           show_pos=True) as bar:
        def each(_rid: int, paths: list[Path]) -> None:
            for path in paths:
                click.echo(str(path))
            bar.update(1)

        report = lot.issue_batch(roots, when, out_dir, structure_code, each)
    for error in report.errors:
        click.echo(error, err=True)
    click.echo(f"{report.examined} compte(s) examiné(s), {report.issued_accounts} avec SATD, "
               f"{len(report.paths)} document(s) écrit(s), {len(report.errors)} erreur(s).", err=True)


@satd.command("release")
@click.argument("acte_id", type=int)
@click.option("--annulation", is_flag=True, help="Annulation (acte nul) plutôt que mainlevée.")
@click.option("--partial", "partial", default=None, help="Mainlevée partielle : montant levé en euros.")
@click.option("--motif", default="", help="Motif de la mainlevée ou de l'annulation.")
@click.option("--date", "on", default=None, help="Date (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def satd_release(acte_id: int, annulation: bool, partial: str | None, motif: str, on: str | None) -> None:
    """Mainlevée totale ou partielle (avec ses courriers), ou annulation, de la SATD ACTE_ID."""
    if annulation:
        if partial:
            _fail("Une annulation porte sur toute la SATD : --partial est sans objet.")
        acte = service.annul_satd(acte_id, _date(on), None, motif)
        click.echo(f"Annulation enregistrée : acte n° {acte.id} (SATD n° {acte_id}).")
        return
    from .decisions import _me

    done = mainlevee.release(acte_id, _me(), motif, _date(on), _cents(partial) if partial else None)
    what = "partielle" if done.partial else "totale"
    click.echo(f"Mainlevée {what} de {service.euros(done.amount_cents)} enregistrée : acte n° {done.acte_id} "
               f"(SATD n° {acte_id}) — courriers {', '.join(done.documents)}.")


# ---------------------------------------------------------------------------------- payments
@click.group("payment")
def payment() -> None:
    """Paiements et imputation sur le compte consolidé."""


@payment.command("record")
@click.argument("redevable_id")
@click.option("--amount", required=True, help="Montant en euros (150 ou 150,25).")
@click.option("--date", "on", required=True, help="Date de réception (JJ/MM/AAAA).")
@click.option("--payer", type=click.Choice(["redevable", "tiers", "huissier"]), default="redevable", show_default=True)
@click.option("--means", default=None, help="Moyen de paiement (virement, cheque, carte…).")
@click.option("--reference", default=None, help="Référence du paiement.")
@click.option("--acte", "acte_id", type=int, default=None, help="Acte (SATD) auquel répond le paiement.")
@with_appcontext
def payment_record(redevable_id: str, amount: str, on: str, payer: str, means: str | None, reference: str | None,
                   acte_id: int | None) -> None:
    """Enregistre un paiement reçu et l'impute sur les créances du compte."""
    rid = _account_id(redevable_id)
    cents = _cents(amount)
    received = _date(on)
    try:
        p = service.record_payment(rid, cents, received, payer, None, means=means, reference=reference, acte_id=acte_id)
    except (PoursuitesError, AccountNotFound, ConfigError) as exc:
        _fail(str(exc))
    click.echo(f"Paiement n° {p.id} enregistré : {service.euros(p.amount_cents)} reçu le {date_fr(received)}.")
    for imp in p.imputations:
        click.echo(f"  créance {imp.creance_id} : {service.euros(imp.amount_cents)}")
    if p.overpayment_cents:
        click.echo(f"  Excédent à rembourser : {service.euros(p.overpayment_cents)}")


# ---------------------------------------------------------------------------------- renseignements
@click.group("renseignement")
def renseignement() -> None:
    """Renseignements mutualisés : tiers détenteurs et adresses."""


@renseignement.command("add")
@click.argument("redevable_id")
@click.option("--kind", required=True,
              help="banque, employeur, caisse_retraite, caf, locataire, notaire, autre, adresse.")
@click.option("--name", default=None, help="Nom du tiers (établissement, raison sociale…).")
@click.option("--iban", default=None)
@click.option("--bic", default=None)
@click.option("--siret", default=None)
@click.option("--voie", default=None)
@click.option("--code-postal", "code_postal", default=None)
@click.option("--commune", default=None)
@click.option("--salaire", "salaire", default=None, help="Salaire net annuel en euros (employeur).")
@click.option("--personnes-a-charge", "dependants", type=int, default=None)
@click.option("--source", default="agent", show_default=True)
@click.option("--fiabilite", "reliability", default="declaree", show_default=True)
@click.option("--date", "on", default=None, help="Date de l'information (JJ/MM/AAAA ; défaut : aujourd'hui).")
@with_appcontext
def renseignement_add(redevable_id: str, kind: str, name: str | None, iban: str | None, bic: str | None,
                      siret: str | None, voie: str | None, code_postal: str | None, commune: str | None,
                      salaire: str | None, dependants: int | None, source: str, reliability: str,
                      on: str | None) -> None:
    """Ajoute un renseignement (IBAN et SIRET contrôlés)."""
    rid = _account_id(redevable_id)
    try:
        r = service.add_renseignement(
            rid, kind, observed_on=_date(on), name=name, iban=iban, bic=bic, siret=siret, voie=voie,
            code_postal=code_postal, commune=commune, annual_net_salary_cents=_cents(salaire) if salaire else None,
            dependants=dependants, source=source, reliability=reliability)
    except (PoursuitesError, AccountNotFound) as exc:
        _fail(str(exc))
    click.echo(f"Renseignement n° {r.id} enregistré ({r.kind}).")


@renseignement.command("adresses")
@click.argument("redevable_id")
@with_appcontext
def renseignement_adresses(redevable_id: str) -> None:
    """Adresse retenue pour le compte et propositions d'adresse aux autres produits."""
    rid = _account_id(redevable_id)
    for line in service.address_proposals(rid).lines():
        click.echo(line)


COMMANDS = (plan, satd, payment, renseignement)
