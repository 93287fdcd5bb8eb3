"""The audit trail: who viewed or changed which account, when. Append-only.

``record`` writes one entry in its own transaction (a consultation is a use case of its own);
``add`` appends an entry inside a caller's transaction, so that an action and its trace are
committed together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit import actor as cli_actor
from ...audit.actor import CliActor, UnknownActor  # noqa: F401 - part of this service's interface
from ...extensions import db
from ...models import Agent, AuditLog

ACTION_LABELS = {
    "connexion": "Connexion",
    "echec_connexion": "Échec de connexion",
    "acces_refuse": "Accès refusé",
    "deconnexion": "Déconnexion",
    "creation_utilisateur": "Création d'un utilisateur",
    "reinitialisation_mot_de_passe": "Réinitialisation d'un mot de passe (administrateur)",
    "changement_mot_de_passe": "Changement de son mot de passe",
    "echec_changement_mot_de_passe": "Changement de mot de passe refusé (mot de passe actuel erroné)",
    "activation_utilisateur": "Réactivation d'un utilisateur",
    "desactivation_utilisateur": "Désactivation d'un utilisateur",
    "verification_journal": "Vérification de la chaîne du journal d'audit",
    "consultation": "Consultation d'un compte",
    "telechargement": "Téléchargement d'un document",
    "recherche": "Recherche",
    "satd": "Émission de SATD",
    "paiement": "Enregistrement d'un paiement",
    "reponse_tiers": "Réponse d'un tiers détenteur",
    "demande": "Demande du redevable",
    "revue": "Décision de rapprochement",
    "panel_enregistrement": "Enregistrement d'un panel",
    "panel_publication": "Publication d'un panel",
    "consultation_panel": "Consultation d'un panel",
    "refus_traitement": "Action de traitement refusée (périmètre du panel)",
    "consultation_liste_travail": "Consultation de la liste de travail",
    "consultation_revue": "Consultation de la revue des rapprochements",
    "consultation_plan": "Consultation d'un plan d'action",
    "consultation_liste_comptes": "Liste des comptes consolidés",
    "lancement_tache": "Lancement d'une tâche longue",
    "import": "Import d'un extrait",
    "rapprochement": "Rapprochement des identités",
    "fusion_comptes": "Fusion de comptes",
    "rattachement_modifie": "Rattachement modifié",
    "panel_brouillon": "Panel enregistré en brouillon",
    "panel_cloture": "Clôture d'un panel",
    "panel_affectation": "Affectation manuelle (panel)",
    "renseignement": "Enregistrement d'un renseignement",
    "anv": "Admission en non-valeur",
    "decision_demande": "Décision sur une demande",
    "panel_reaffectations": "Propositions de réaffectation (panel)",
    "panel_publication_antidatee": "Publication d'un panel à une date passée",
    "export_criteres_panel": "Téléchargement des critères d'un panel",
    "anv_proposition": "Proposition d'admission en non-valeur",
    "anv_decision": "Décision sur une admission en non-valeur",
    "situation": "Enregistrement d'une situation du redevable",
    "revue_annulee": "Décision de rapprochement annulée",
    "mainlevee": "Mainlevée totale d'une SATD",
    "mainlevee_partielle": "Mainlevée partielle d'une SATD",
    "annulation": "Annulation d'une SATD",
    "import_etudes": "Import des études de commissaires de justice",
    "import_bilan_commissaires": "Import d'un bilan des commissaires de justice",
    "import_arrondissements": "Import de la table des arrondissements",
    "actualisation_commissaires": "Actualisation des dossiers des commissaires de justice",
    "saisine_comminatoire": "Saisine d'un commissaire de justice (phase comminatoire)",
    "saisine_judiciaire": "Saisine d'un commissaire de justice (phase judiciaire)",
    "facture_payee": "Facture d'un commissaire de justice payée",
    "prolongation_accordee": "Prolongation accordée à un commissaire de justice",
    "prolongation_refusee": "Prolongation refusée à un commissaire de justice",
    "arret_demande": "Arrêt des poursuites demandé au commissaire de justice",
    "surendettement": "Surendettement signalé au commissaire de justice",
}


def add(session: Session, agent_id: int | None, action: str, object_type: str,
        object_id: object | None = None, details: dict | None = None, ip: str | None = None) -> AuditLog:
    entry = AuditLog(agent_id=agent_id, action=action, object_type=object_type,
                     object_id=None if object_id is None else str(object_id), details=details or {}, ip=ip)
    session.add(entry)
    return entry


def actor_for_cli(as_login: str | None = None) -> CliActor:
    """The author of a command line: ``as_login``, else ``mrf --as``/MRF_AS, else the operating-system user.

    ``.agent_id`` (None when that user has no agent account) goes to services; ``.details()`` to the
    audit line. Raises ``UnknownActor`` (French message) when an explicit login names no active agent."""
    if as_login:
        cli_actor.request_login(as_login)  # later lines of this command carry it too
    with db.new_session() as session:
        return cli_actor.resolve(session)


def record(agent_id: int | None, action: str, object_type: str, object_id: object | None = None,
           details: dict | None = None, ip: str | None = None) -> None:
    with db.transaction() as session:
        add(session, agent_id, action, object_type, object_id, details, ip)


@dataclass(frozen=True)
class AuditFilter:
    login: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    login: str | None
    action: str
    action_label: str
    object_type: str
    object_id: str | None
    details: dict
    ip: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(session: Session, flt: AuditFilter, page: int = 1, per_page: int = 50) -> AuditPage:
    """Newest first, filtered, one page."""
    query = select(AuditLog, Agent.login).outerjoin(Agent, Agent.id == AuditLog.agent_id)
    if flt.login:
        query = query.where(Agent.login == flt.login)
    if flt.action:
        query = query.where(AuditLog.action == flt.action)
    if flt.object_type:
        query = query.where(AuditLog.object_type == flt.object_type)
    if flt.object_id:
        query = query.where(AuditLog.object_id == flt.object_id)
    if flt.since:
        query = query.where(AuditLog.at >= datetime.combine(flt.since, time.min, UTC))
    if flt.until:
        query = query.where(AuditLog.at < datetime.combine(flt.until + timedelta(days=1), time.min, UTC))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    rows = session.execute(query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return AuditPage(
        rows=[AuditRow(id=e.id, at=e.at, login=login, action=e.action,
                       action_label=ACTION_LABELS.get(e.action, e.action), object_type=e.object_type,
                       object_id=e.object_id, details=e.details or {}, ip=e.ip) for e, login in rows],
        page=page, per_page=per_page, total=total)


def known_actions(session: Session) -> list[str]:
    found = set(session.scalars(select(AuditLog.action).distinct()).all())
    return sorted(found | set(ACTION_LABELS))
