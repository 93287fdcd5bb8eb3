"""The job queue: RQ over Redis. Start a job, follow it, list recent ones, restart a failed one; the
function a worker runs (:func:`executer_tache`).

Progress lives in the job's meta (``suivi``), the end report is the job's return value, a refusal's
French message is ``meta["erreur"]``. Configuration: ``MRF_REDIS_URL`` (default the local Redis) and
``MRF_JOBS_QUEUE`` (default ``mrf``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

from ..extensions import db
from ..services.errors import ErreurService, Introuvable, Refus
from . import taches
from .suivi import Suivi, SuiviTache
from .verrou import TacheEnCours

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SIX_HEURES = 6 * 3600
SEPT_JOURS = 7 * 24 * 3600
GARDEES = 200  # jobs remembered in the list of recent jobs

STATUTS = {
    "queued": ("en_attente", "En attente d'un exécutant"),
    "deferred": ("en_attente", "En attente d'un exécutant"),
    "scheduled": ("en_attente", "En attente d'un exécutant"),
    "created": ("en_attente", "En attente d'un exécutant"),
    "started": ("en_cours", "En cours"),
    "finished": ("terminee", "Terminée"),
    "failed": ("echec", "Arrêtée sur une erreur"),
    "stopped": ("echec", "Interrompue"),
    "canceled": ("echec", "Annulée"),
}

_dans_worker = False  # set by ``mrf worker``: a forked work horse opens its own database connections


class FileIndisponible(Refus):
    def __init__(self) -> None:
        super().__init__("La file des tâches (Redis) ne répond pas : la tâche n'a pas été lancée. "
                         "Réessayez plus tard ou prévenez l'administrateur.")


def _config(name: str, default: str) -> str:
    if has_app_context() and current_app.config.get(name):
        return str(current_app.config[name])
    return os.environ.get(name) or default


def connexion() -> Redis:
    return Redis.from_url(_config("MRF_REDIS_URL", DEFAULT_REDIS_URL), socket_connect_timeout=1, socket_timeout=5)


def nom_file() -> str:
    return _config("MRF_JOBS_QUEUE", "mrf")


def file_rq(conn: Redis | None = None) -> Queue:
    """The queue; ``MRF_JOBS_SYNC`` (tests) runs each job at once in the caller, still through RQ."""
    synchrone = bool(has_app_context() and current_app.config.get("MRF_JOBS_SYNC"))
    return Queue(nom_file(), connection=conn or connexion(), is_async=not synchrone)


def redis_disponible() -> bool:
    try:
        return bool(connexion().ping())
    except RedisError:
        return False


def worker_actif() -> bool:
    """Whether a worker listens on the queue (else the CLI runs jobs inline)."""
    try:
        conn = connexion()
        return Worker.count(connection=conn, queue=file_rq(conn)) > 0
    except RedisError:
        return False


@dataclass(frozen=True)
class EtatTache:
    id: str
    code: str
    libelle: str
    statut: str  # en_attente, en_cours, terminee, echec
    statut_libelle: str
    etape: str
    fait: int
    total: int | None
    resume: str | None
    details: dict[str, Any]
    erreur: str | None
    agent_id: int | None
    login: str | None
    lancee_le: datetime | None
    terminee_le: datetime | None
    params: dict[str, Any]

    @property
    def pourcentage(self) -> int | None:
        if not self.total:
            return 100 if self.statut == "terminee" else None
        return min(100, int(100 * self.fait / self.total))

    @property
    def active(self) -> bool:
        return self.statut in ("en_attente", "en_cours")


def _etat(job: Job) -> EtatTache:
    meta = job.meta or {}
    status = job.get_status(refresh=False)
    status_value = getattr(status, "value", status) or "queued"
    statut, libelle = STATUTS.get(str(status_value), ("en_attente", str(status_value)))
    suivi = meta.get("suivi") or {}
    result = job.return_value() if statut == "terminee" else None
    erreur = meta.get("erreur")
    if statut == "echec" and not erreur:
        erreur = ("La tâche s'est arrêtée sans se terminer (processus interrompu). Rien n'a été enregistré à "
                  "moitié : vous pouvez la relancer.")
    code = meta.get("code", "")
    spec = taches.TACHES.get(code)
    return EtatTache(
        id=job.id, code=code, libelle=spec.libelle if spec else code, statut=statut, statut_libelle=libelle,
        etape=suivi.get("etape", ""), fait=int(suivi.get("fait") or 0), total=suivi.get("total"),
        resume=(result or {}).get("resume") if isinstance(result, dict) else None,
        details=result if isinstance(result, dict) else {}, erreur=erreur, agent_id=meta.get("agent_id"),
        login=meta.get("login"), lancee_le=job.enqueued_at or job.created_at, terminee_le=job.ended_at,
        params=meta.get("params_affiches") or {})


def _liste(conn: Redis) -> str:
    return f"mrf:taches:{nom_file()}"


def recentes(limite: int = 50, agent_id: int | None = None) -> list[EtatTache]:
    """Newest first; only ``agent_id``'s jobs when given."""
    try:
        conn = connexion()
        ids = [i.decode() for i in conn.lrange(_liste(conn), 0, GARDEES - 1)]
        jobs = [j for j in Job.fetch_many(ids, connection=conn) if j is not None]
    except RedisError:
        raise FileIndisponible() from None
    etats = [_etat(j) for j in jobs]
    if agent_id is not None:
        etats = [e for e in etats if e.agent_id == agent_id]
    return etats[:limite]


def etat(job_id: str) -> EtatTache:
    try:
        job = Job.fetch(job_id, connection=connexion())
    except NoSuchJobError:
        raise Introuvable("Tâche introuvable (elle a peut-être expiré).") from None
    except RedisError:
        raise FileIndisponible() from None
    return _etat(job)


def lancer(code: str, params: dict[str, Any], agent_id: int | None, login: str | None,
           params_affiches: dict[str, Any] | None = None) -> str:
    """Put a job on the queue; refused when a job of the same family is already waiting or running."""
    spec = taches.tache(code)
    famille = spec.verrou(params)
    try:
        conn = connexion()
        for autre in recentes(GARDEES):
            if autre.active and taches.TACHES.get(autre.code) and \
                    taches.TACHES[autre.code].verrou(_params(conn, autre.id)) == famille:
                raise TacheEnCours(famille)
        job = file_rq(conn).enqueue_call(
            func=executer_tache, args=(code, params, agent_id), timeout=SIX_HEURES, result_ttl=SEPT_JOURS,
            failure_ttl=SEPT_JOURS, description=spec.libelle,
            meta={"code": code, "agent_id": agent_id, "login": login, "params": params,
                  "params_affiches": params_affiches or {}})
        conn.lpush(_liste(conn), job.id)
        conn.ltrim(_liste(conn), 0, GARDEES - 1)
    except RedisError:
        raise FileIndisponible() from None
    return job.id


def _params(conn: Redis, job_id: str) -> dict[str, Any]:
    try:
        return (Job.fetch(job_id, connection=conn).meta or {}).get("params") or {}
    except NoSuchJobError:
        return {}


def relancer(job_id: str, agent_id: int | None, login: str | None) -> str:
    """Start again a job that stopped (same kind, same parameters)."""
    ancien = etat(job_id)
    if ancien.statut != "echec":
        raise Refus("Seule une tâche arrêtée peut être relancée.")
    return lancer(ancien.code, _params(connexion(), job_id), agent_id, login, ancien.params)


def executer_tache(code: str, params: dict[str, Any], agent_id: int | None) -> dict[str, Any]:
    """What a worker runs: the job under its lock, progress in the job's meta, a refusal's message kept."""
    job = get_current_job()
    suivi: Suivi = SuiviTache(job) if job is not None else Suivi()
    if has_app_context():
        if _dans_worker and db.engine is not None:
            db.engine.dispose(close=False)  # connections inherited across fork are the parent's
        return _executer(code, params, agent_id, suivi, job)
    from .. import create_app

    with create_app().app_context():
        return _executer(code, params, agent_id, suivi, job)


def _executer(code: str, params: dict[str, Any], agent_id: int | None, suivi: Suivi, job: Job | None) -> dict:
    try:
        return taches.executer(code, params, suivi, agent_id)
    except ErreurService as exc:
        _erreur(job, str(exc))
        raise
    except Exception as exc:
        _erreur(job, f"Erreur interne ({exc.__class__.__name__}) : rien n'a été enregistré à moitié, vous pouvez "
                     "relancer la tâche ; si l'erreur revient, prévenez l'administrateur.")
        raise


def _erreur(job: Job | None, message: str) -> None:
    if job is not None:
        job.meta["erreur"] = message
        job.save_meta()


def demarrer_worker(burst: bool = False) -> None:
    """Serve the queue until stopped (or, with ``burst``, until it is empty)."""
    global _dans_worker
    _dans_worker = True
    try:
        conn = connexion()
        Worker([file_rq(conn)], connection=conn).work(burst=burst)
    finally:
        _dans_worker = False
