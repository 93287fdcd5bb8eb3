"""Daily actualisation (flux « Demande du comptable », mise à jour): every event that suspends or
ends the commissaire's work on an open dossier goes out in the next day's file.

Run for day ``D``, it looks at what happened before ``D`` on the titres of each open dossier and was
not sent yet — a payment to the comptable (the commissaire's fee due on it is recorded during a phase
comminatoire), délais granted (plan de règlement accepted), a contestation, a remise gracieuse, a
cancellation, an ANV admitted, and what the comptable signalled (stop, surendettement) — records it
once (``DossierEvenement.cle``) in the file of ``D`` and re-emits that day's files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from poursuites.huissier import Phase, fee_phase_comminatoire_amendes
from poursuites.model import date_fr, euros

from ...extensions import db
from ...models import (
    AnvDecision,
    CreanceEvent,
    DebtorRequest,
    DossierEvenement,
    FichierEchange,
    Imputation,
    Payment,
    RequestDecision,
)
from ..admin import audit
from ..errors import Conflit, refus_des_bibliotheques
from . import fichiers
from .registre import DossierVue, charger, un_dossier
from .regles import droit_proportionnel_increment, recouvre_avant

#: What the comptable may signal by hand, sent in the next file.
SIGNAUX = {"arret_demande": "Arrêt demandé par le comptable", "surendettement": "Procédure de surendettement"}
#: The comptable's own events sent to the étude: signals and decisions on extensions.
ENVOYES = frozenset({*SIGNAUX, "prolongation_accordee", "prolongation_refusee"})


@dataclass
class ActualisationResult:
    jour: date
    evenements: list[DossierEvenement] = field(default_factory=list)
    fichiers: list[FichierEchange] = field(default_factory=list)

    def summary(self) -> str:
        return (f"Actualisation du {date_fr(self.jour)} : {len(self.evenements)} événement(s), "
                f"{len(self.fichiers)} fichier(s).")


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _detect(session: Session, vues: list[DossierVue], jour: date) -> list[tuple[DossierVue, str, str, date, int, dict]]:
    """(dossier, key, kind, date, amount, details) for every event before ``jour`` on the dossiers' titres."""
    by_creance: dict[int, list[DossierVue]] = defaultdict(list)
    for v in vues:
        for line in v.dossier.lignes:
            by_creance[line.creance_id].append(v)
    cids = list(by_creance)
    if not cids:
        return []
    since = min(v.dossier.transmis_le for v in vues)
    found = []

    def each(cid: int, when: date):  # noqa: ANN202 - the dossiers holding cid, transmitted by ``when``
        return [v for v in by_creance.get(cid, ()) if v.dossier.transmis_le <= when]

    # payments to the comptable (not the étude's own, which it reports itself)
    paid: dict[tuple[int, int], int] = defaultdict(int)
    dates: dict[int, date] = {}
    for pid, cid, amount, received in session.execute(
            select(Payment.id, Imputation.creance_id, Imputation.amount_cents, Payment.received_on)
            .join(Imputation, Imputation.payment_id == Payment.id)
            .where(Imputation.creance_id.in_(cids), Payment.payer != "huissier", Payment.reverses_id.is_(None),
                   Payment.received_on >= since, Payment.received_on < jour)):
        for v in each(cid, received):
            paid[(v.dossier.id, pid)] += int(amount)
            dates[pid] = received
    vue_of = {v.dossier.id: v for v in vues}
    recouvre: dict[int, int] = {}  # per dossier, the sums recovered so far (droit proportionnel, art. 16)
    sent = set(session.scalars(select(DossierEvenement.cle).where(
        DossierEvenement.dossier_id.in_(list(vue_of)), DossierEvenement.kind == "paiement")))
    for (did, pid), amount in sorted(paid.items(), key=lambda kv: (dates[kv[0][1]], kv[0])):
        v = vue_of[did]
        frais = 0
        if v.dossier.phase == Phase.COMMINATOIRE.value and amount > 0:
            frais = fee_phase_comminatoire_amendes(amount, dates[pid])
        elif amount > 0 and f"actu:paiement:{pid}:{did}" not in sent:
            # phase judiciaire, paid to the comptable after the commissaire's intervention (an event already
            # sent is skipped by the caller, and already counted in recouvre_avant)
            deja = recouvre.setdefault(did, recouvre_avant(session, did))
            frais = droit_proportionnel_increment(deja, amount, dates[pid], v.dossier.montant_cents)
            recouvre[did] = deja + amount
        found.append((v, f"actu:paiement:{pid}:{did}", "paiement", dates[pid], amount,
                      {"payment_id": pid, "frais_cents": frais,
                       "detail": f"paiement au comptable de {euros(amount)}"}))
    # requests: délais granted, contestation, remise gracieuse
    requests = list(session.scalars(select(DebtorRequest).where(
        DebtorRequest.redevable_id.in_({v.dossier.redevable_id for v in vues}))))
    latest: dict[int, RequestDecision] = {}
    if requests:
        for dec in session.scalars(select(RequestDecision).where(
                RequestDecision.request_id.in_([r.id for r in requests]))
                .order_by(RequestDecision.decided_on, RequestDecision.id)):
            latest[dec.request_id] = dec
    for r in requests:
        ids = {int(c) for c in (r.creance_ids or [])}
        dec = latest.get(r.id)
        if r.kind == "contestation" and r.received_on < jour:
            when, kind, key = r.received_on, "contestation", f"actu:contestation:{r.id}"
        elif r.kind == "plan_reglement" and dec is not None and dec.status == "acceptee" and dec.decided_on < jour:
            when, kind, key = dec.decided_on, "delais", f"actu:delais:{dec.id}"
        elif r.kind == "remise_gracieuse" and dec is not None and dec.status == "acceptee" and dec.decided_on < jour:
            when, kind, key = dec.decided_on, "remise", f"actu:remise:{dec.id}"
        else:
            continue
        targets = {v.dossier.id: v for cid in ids for v in each(cid, when)}
        for did, v in sorted(targets.items()):
            found.append((v, f"{key}:{did}", kind, when, 0, {"request_id": r.id}))
    # cancellations of titres
    for ev_id, cid, at in session.execute(
            select(CreanceEvent.id, CreanceEvent.creance_id, CreanceEvent.at)
            .where(CreanceEvent.creance_id.in_(cids), CreanceEvent.kind == "annulation",
                   CreanceEvent.at >= _start(since), CreanceEvent.at < _start(jour))):
        when = at.date()
        for v in each(cid, when):
            found.append((v, f"actu:annulation:{ev_id}:{v.dossier.id}", "annulation", when, 0, {"creance_id": cid}))
    # admission en non-valeur
    for anv in session.scalars(select(AnvDecision).where(
            AnvDecision.creance_id.in_(cids), AnvDecision.status == "admise", AnvDecision.decided_on < jour)):
        for v in each(anv.creance_id, anv.decided_on):
            found.append((v, f"actu:anv:{anv.id}:{v.dossier.id}", "anv", anv.decided_on, 0,
                          {"creance_id": anv.creance_id}))
    # what the comptable signalled by hand
    for v in vues:
        for e in v.events:
            if e.sens == "interne" and e.kind in ENVOYES and e.survenu_le < jour:
                detail = str(e.details.get("jours") or e.details.get("motif") or "")
                found.append((v, f"actu:signal:{e.id}", e.kind, e.survenu_le, 0, {"signal_id": e.id, "detail": detail}))
    return found


@refus_des_bibliotheques()
def actualiser(jour: date | None = None, agent_id: int | None = None) -> ActualisationResult:
    """Record and send, in the files of ``jour``, the events before ``jour`` not sent yet."""
    jour = jour or date.today()
    result = ActualisationResult(jour)
    with db.transaction() as session:
        known = set(session.scalars(select(DossierEvenement.cle).where(DossierEvenement.cle.like("actu:%"))))

        def unsent_signal(v: DossierVue) -> bool:
            return any(e.sens == "interne" and e.kind in ENVOYES and f"actu:signal:{e.id}" not in known
                       for e in v.events)

        # open dossiers, those just paid off (the payment goes out), and those stopped by a signal not sent yet
        vues = [v for v in charger(session, jour) if v.dossier.transmis_le < jour
                and (v.etat.ouvert or v.etat.etat == "solde" or unsent_signal(v))]
        centres: set[str] = set()
        for v, key, kind, when, amount, details in _detect(session, vues, jour):
            if key in known:
                continue
            known.add(key)
            nom = fichiers.nom_aller(v.etude.centre_serveur, jour)
            e = DossierEvenement(dossier_id=v.dossier.id, cle=key, sens="aller", kind=kind, survenu_le=when,
                                 montant_cents=amount, frais_cents=int(details.pop("frais_cents", 0)), fichier=nom,
                                 details=details, agent_id=agent_id)
            session.add(e)
            result.evenements.append(e)
            centres.add(v.etude.centre_serveur)
        session.flush()
        same_day = session.scalars(select(FichierEchange.centre_serveur).where(
            FichierEchange.sens == "aller", FichierEchange.jour == jour)).all()
        result.fichiers = fichiers.emettre(session, jour, centres | set(same_day), agent_id)
        if result.evenements:
            audit.add(session, agent_id, "actualisation_commissaires", "fichier", None,
                      {"jour": jour.isoformat(), "evenements": len(result.evenements)})
    return result


@refus_des_bibliotheques()
def signaler(numero: str, kind: str, on: date | None = None, agent_id: int | None = None,
             structure_id: int | None = None, motif: str = "") -> DossierEvenement:
    """The comptable signals a stop or a surendettement on a dossier: sent in the next file."""
    on = on or date.today()
    if kind not in SIGNAUX:
        raise Conflit(f"Signalement inconnu : « {kind} » (attendu : {', '.join(SIGNAUX)}).")
    with db.transaction() as session:
        v = un_dossier(session, numero, on, structure_id)
        if not v.etat.ouvert:
            raise Conflit(f"Dossier {v.dossier.numero} {v.etat.libelle.lower()} : rien à signaler à l'étude.")
        n = session.scalar(select(func.count()).select_from(DossierEvenement).where(
            DossierEvenement.dossier_id == v.dossier.id, DossierEvenement.kind == kind))
        e = DossierEvenement(dossier_id=v.dossier.id, cle=f"signal:{v.dossier.id}:{kind}:{n + 1}", sens="interne",
                             kind=kind, survenu_le=on, details={"motif": motif, "detail": motif}, agent_id=agent_id)
        session.add(e)
        session.flush()
        audit.add(session, agent_id, kind, "dossier_commissaire", v.dossier.id, {"motif": motif})
    return e
