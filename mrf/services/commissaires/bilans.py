"""Import of the « Bilan d'intervention » return flow (format in ``docs/commissaires.md``).

The whole file is checked before anything changes: a malformed line, or a centre serveur's
imputation lines whose total per poste comptable differs from the aggregated transfer (``V``), refuses
the file whole (every reason with its line; annex, I.3 coherence control). Then, in one transaction,
each return lands on its dossier and the consolidated account:

- ``paiement``: imputed through the payment service (payer ``huissier``, on the dossier's act or the
  titres named), the reversement checked against its delay (15 days, 3 or 6 weeks), the phase
  comminatoire fee recorded;
- ``nouvelle_adresse``: a renseignement of kind ``adresse`` (source ``huissier``) for every product,
  with the 9.5 taux de base forfait in phase judiciaire when it is outside the étude's territory;
- ``insolvabilite``, ``pli_non_distribuable``, ``disparition``: recorded on the dossier (the ANV
  proposal and the statistics read them); ``arret``: with the 7 taux de base forfait in phase judiciaire;
- ``prolongation_demandee``: waits for the comptable's decision (:func:`decider_prolongation`);
- ``accuse_reception``, ``facture`` (30-day payment deadline).
A line about an unknown dossier (or another étude's) is rejected alone; a line already imported is
skipped (``cle``), and a file already imported changes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.fr import siret as stdnum_siret

from poursuites.huissier import (
    ForfaitKind,
    ModeReversement,
    Phase,
    fee_phase_comminatoire_amendes,
    forfait_cents,
    invoice_payment_deadline,
    reversement_deadline,
)
from poursuites.imputation import ImputationRule
from poursuites.model import date_fr, euros

from ...extensions import db
from ...models import (
    Creance,
    DossierCommissaire,
    DossierEvenement,
    Etude,
    FichierEchange,
)
from ..admin import audit
from ..errors import Conflit, Refus, refus_des_bibliotheques
from ..poursuites import renseignements
from ..poursuites.paiements import record_payment_in
from .etudes import FichierRefuse, Territoire
from .registre import un_dossier
from .regles import droit_proportionnel_increment, recouvre_avant, taux_de_base

FORMAT = "MRF-CJ-BILAN"
VERSION = "1"
EVENEMENTS = ("accuse_reception", "paiement", "insolvabilite", "pli_non_distribuable", "disparition",
              "nouvelle_adresse", "arret", "prolongation_demandee", "facture")
R_COLUMNS = ("type", "id_retour", "numero_dossier", "siret_etude", "evenement", "date", "montant_cents",
             "mode_reversement", "date_encaissement", "titres", "numero_voie", "voie", "complement", "code_postal",
             "commune", "jours", "commentaire", "poste_comptable")
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_CP = re.compile(r"^\d{5}$")


@dataclass
class Retour:
    ligne: int
    id_retour: str
    numero: str
    siret: str
    evenement: str
    date: date
    montant_cents: int
    mode: ModeReversement | None
    encaisse_le: date | None
    titres: list[str]
    adresse: dict[str, str]
    jours: int
    commentaire: str
    poste: str


@dataclass
class Bilan:
    centre: str
    jour: date
    identifiant: str
    retours: list[Retour]
    virements: dict[str, int]


@dataclass
class BilanResult:
    fichier: str
    deja_importe: bool = False
    appliques: int = 0
    deja_connus: int = 0
    rejets: list[str] = field(default_factory=list)
    paiements_cents: int = 0
    alertes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.deja_importe:
            return f"Fichier {self.fichier} déjà importé : rien n'a été modifié."
        text = (f"Bilan {self.fichier} : {self.appliques} retour(s) appliqué(s), {self.deja_connus} déjà importé(s), "
                f"{len(self.rejets)} rejeté(s) ; paiements imputés : {euros(self.paiements_cents)}.")
        return "\n".join([text, *self.rejets, *self.alertes])


def _date(text: str, what: str, why: list[str]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        why.append(f"{what} invalide « {text} » (AAAA-MM-JJ attendu)")
        return None


def _int(text: str, what: str, why: list[str], minimum: int = 0) -> int:
    if not re.fullmatch(r"\d{1,12}", text or "") or int(text) < minimum:
        why.append(f"{what} invalide « {text} » (nombre entier{' strictement positif' if minimum else ''} attendu)")
        return 0
    return int(text)


def parse_bilan(text: str, today: date) -> Bilan:
    """Check the whole file; :class:`FichierRefuse` with every reason when something is wrong."""
    reasons: list[str] = []
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not rows or rows[0][:3] != ["E", FORMAT, VERSION] or len(rows[0]) < 6:
        raise FichierRefuse("Fichier bilan", [f"ligne 1 : en-tête « E;{FORMAT};{VERSION};centre;date;identifiant » "
                                              "attendu"])
    head = rows[0]
    centre, identifiant = head[3].strip().upper(), head[5].strip()
    why: list[str] = []
    jour = _date(head[4].strip(), "date du fichier", why)
    if not _ID.match(identifiant):
        why.append(f"identifiant de fichier invalide « {identifiant} »")
    if why:
        reasons.append("ligne 1 : " + " ; ".join(why))
    retours: list[Retour] = []
    virements: dict[str, int] = {}
    seen: dict[str, int] = {}
    trailer: list[str] | None = None
    for n, row in enumerate(rows[1:], start=2):
        if not row or not any(x.strip() for x in row):
            continue
        kind = row[0].strip()
        why = []
        if trailer is not None:
            reasons.append(f"ligne {n} : ligne après l'enregistrement de fin Z")
            continue
        if kind == "Z":
            trailer = row
            if len(row) < 3:
                reasons.append(f"ligne {n} : Z;nombre_de_retours;total_paiements_cents attendu")
            continue
        if kind == "V":
            if len(row) < 4:
                reasons.append(f"ligne {n} : V;poste_comptable;montant_cents;date_virement attendu")
                continue
            poste = row[1].strip()
            amount = _int(row[2].strip(), "montant du virement", why)
            _date(row[3].strip(), "date du virement", why)
            if poste in virements:
                why.append(f"virement du poste {poste} déjà donné")
            if why:
                reasons.append(f"ligne {n} : " + " ; ".join(why))
            virements[poste] = amount
            continue
        if kind != "R":
            reasons.append(f"ligne {n} : type d'enregistrement inconnu « {kind} » (E, V, R ou Z attendu)")
            continue
        if len(row) != len(R_COLUMNS):
            reasons.append(f"ligne {n} : {len(R_COLUMNS)} champs attendus, {len(row)} reçus")
            continue
        v = dict(zip(R_COLUMNS, (x.strip() for x in row), strict=True))
        if not _ID.match(v["id_retour"]):
            why.append(f"identifiant de retour invalide « {v['id_retour']} »")
        elif v["id_retour"] in seen:
            why.append(f"identifiant de retour {v['id_retour']} déjà vu ligne {seen[v['id_retour']]}")
        else:
            seen[v["id_retour"]] = n
        if not v["numero_dossier"]:
            why.append("numéro de dossier absent")
        if not stdnum_siret.is_valid(v["siret_etude"]):
            why.append(f"SIRET de l'étude invalide « {v['siret_etude']} »")
        ev = v["evenement"]
        if ev not in EVENEMENTS:
            why.append(f"événement inconnu « {ev} » (attendu : {', '.join(EVENEMENTS)})")
        when = _date(v["date"], "date", why)
        if when is not None and when > today:
            why.append(f"date dans le futur : {date_fr(when)}")
        amount, mode, encaisse, jours = 0, None, None, 0
        if ev in ("paiement", "facture"):
            amount = _int(v["montant_cents"], "montant", why, 1)
        elif v["montant_cents"] not in ("", "0"):
            why.append(f"montant inattendu pour l'événement {ev}")
        if ev == "paiement":
            try:
                mode = ModeReversement(v["mode_reversement"])
            except ValueError:
                why.append(f"mode de reversement inconnu « {v['mode_reversement']} » "
                           f"(attendu : {', '.join(m.value for m in ModeReversement)})")
            encaisse = _date(v["date_encaissement"], "date d'encaissement", why)
            if encaisse is not None and when is not None and encaisse > when:
                why.append("encaissement postérieur au reversement")
            if not v["poste_comptable"]:
                why.append("poste comptable absent (contrôle de cohérence avec le virement)")
        if ev == "nouvelle_adresse":
            if not v["voie"] or not (v["commune"] or v["code_postal"]):
                why.append("nouvelle adresse incomplète (voie et commune ou code postal attendus)")
            if v["code_postal"] and not _CP.match(v["code_postal"]):
                why.append(f"code postal invalide « {v['code_postal']} »")
        if ev == "prolongation_demandee":
            jours = _int(v["jours"], "nombre de jours de prolongation", why, 1)
        if why:
            reasons.append(f"ligne {n} : " + " ; ".join(why))
            continue
        retours.append(Retour(n, v["id_retour"], v["numero_dossier"], v["siret_etude"], ev, when, amount, mode,
                              encaisse, [t for t in v["titres"].split("|") if t], {
                                  k: v[k] for k in ("numero_voie", "voie", "complement", "code_postal", "commune")},
                              jours, v["commentaire"], v["poste_comptable"]))
    if trailer is None:
        reasons.append("enregistrement de fin Z absent")
    elif len(trailer) >= 3:
        total = sum(r.montant_cents for r in retours if r.evenement == "paiement")
        if not reasons and trailer[1].strip() != str(len(retours)):
            reasons.append(f"fin de fichier : {trailer[1].strip()} retour(s) annoncé(s), {len(retours)} lu(s)")
        if not reasons and trailer[2].strip() != str(total):
            reasons.append(f"fin de fichier : total des paiements annoncé {trailer[2].strip()}, calculé {total}")
    if not reasons:  # the annex's coherence control: imputation file = aggregated transfer, per poste
        per_poste: dict[str, int] = defaultdict(int)
        for r in retours:
            if r.evenement == "paiement":
                per_poste[r.poste] += r.montant_cents
        for poste in sorted(set(per_poste) | set(virements)):
            if per_poste.get(poste, 0) != virements.get(poste, 0):
                vire, paye = euros(virements.get(poste, 0)), euros(per_poste.get(poste, 0))
                reasons.append(f"contrôle de cohérence : poste {poste}, virement agrégé {vire} "
                               f"≠ paiements du fichier {paye}")
    if reasons:
        raise FichierRefuse("Fichier bilan", reasons)
    return Bilan(centre, jour, identifiant, retours, virements)


@refus_des_bibliotheques()
def importer_bilan(path: Path | str, agent_id: int | None = None, today: date | None = None) -> BilanResult:
    """Import a bilan file (see the module docstring)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise Refus(f"Fichier bilan illisible : {exc}.") from None
    return importer_bilan_texte(text, Path(path).name, agent_id, today)


@refus_des_bibliotheques()
def importer_bilan_texte(text: str, nom: str, agent_id: int | None = None, today: date | None = None) -> BilanResult:
    today = today or date.today()
    bilan = parse_bilan(text, today)
    sha = hashlib.sha256(text.encode()).hexdigest()
    result = BilanResult(nom)
    with db.transaction() as session:
        if session.scalar(select(FichierEchange.id).where(FichierEchange.sens == "retour",
                                                          FichierEchange.sha256 == sha)) is not None:
            result.deja_importe = True
            return result
        centres = set(session.scalars(select(Etude.centre_serveur)))
        if bilan.centre not in centres:
            raise FichierRefuse("Fichier bilan", [f"ligne 1 : centre serveur inconnu « {bilan.centre} »"])
        territoire = Territoire(session)
        for r in bilan.retours:
            try:
                _appliquer(session, bilan, r, result, territoire, agent_id, today)
            except (Refus, ValueError) as exc:  # the account refuses: the file is refused whole
                raise Refus(f"Fichier bilan refusé, rien n'a été modifié : ligne {r.ligne} : {exc}") from None
        n = session.scalar(select(func.count()).select_from(FichierEchange).where(
            FichierEchange.sens == "retour", FichierEchange.nom == nom))
        session.add(FichierEchange(sens="retour", nom=nom, version=n + 1, centre_serveur=bilan.centre, jour=bilan.jour,
                                   sha256=sha, contenu=text, agent_id=agent_id))
        audit.add(session, agent_id, "import_bilan_commissaires", "fichier", None,
                  {"fichier": nom, "appliques": result.appliques, "rejets": len(result.rejets),
                   "paiements_cents": result.paiements_cents})
    return result


def _appliquer(session: Session, bilan: Bilan, r: Retour, result: BilanResult, territoire: Territoire,
               agent_id: int | None, today: date) -> None:
    cle = f"bilan:{bilan.centre}:{r.id_retour}"
    if session.scalar(select(DossierEvenement.id).where(DossierEvenement.cle == cle)) is not None:
        result.deja_connus += 1
        return
    d = session.scalar(select(DossierCommissaire).where(DossierCommissaire.numero == r.numero))
    etude = session.get(Etude, d.etude_id) if d is not None else None
    if d is None or etude is None or etude.siret != r.siret or etude.centre_serveur != bilan.centre:
        what = "dossier inconnu" if d is None else "dossier d'une autre étude"
        result.rejets.append(f"ligne {r.ligne} : {what} « {r.numero} » : retour rejeté"
                             + (f" ({euros(r.montant_cents)} à régulariser)" if r.montant_cents else "") + ".")
        return
    details: dict = {"id_retour": r.id_retour, "commentaire": r.commentaire}
    frais = 0
    judiciaire = d.phase == Phase.JUDICIAIRE.value
    if r.evenement == "paiement":
        limit = reversement_deadline(r.encaisse_le, r.mode)
        details.update(mode=r.mode.value, encaisse_le=r.encaisse_le.isoformat(), reversement_limite=limit.isoformat(),
                       reversement_tardif=r.date > limit)
        if r.date > limit:
            result.alertes.append(f"ligne {r.ligne} : dossier {d.numero}, reversement tardif (attendu au plus tard "
                                  f"le {date_fr(limit)}).")
        chosen: list[str] = []
        if r.titres:
            refs = {c.reference: c.id for c in session.scalars(select(Creance).where(
                Creance.id.in_([line.creance_id for line in d.lignes])))}
            unknown = [t for t in r.titres if t not in refs]
            if unknown:
                raise Refus(f"titre(s) étranger(s) au dossier {d.numero} : {', '.join(unknown)}")
            chosen = [str(refs[t]) for t in r.titres]
        rule = ImputationRule.CHOISIE_PAR_REDEVABLE if chosen else ImputationRule.CODE_CIVIL_1342_10
        payment = record_payment_in(session, d.redevable_id, r.montant_cents, r.date, "huissier", agent_id,
                                    means=f"cj_{r.mode.value}"[:32], reference=d.numero[:64], acte_id=d.acte_id,
                                    chosen=chosen, rule=rule, today=today)
        details["payment_id"] = payment.id
        if not judiciaire:
            frais = fee_phase_comminatoire_amendes(r.montant_cents, r.encaisse_le)
        else:  # art. 16: droit proportionnel dégressif on all the sums recovered for the dossier
            frais = droit_proportionnel_increment(recouvre_avant(session, d.id), r.montant_cents, r.encaisse_le,
                                                  d.montant_cents)
        result.paiements_cents += r.montant_cents
    elif r.evenement == "nouvelle_adresse":
        a = r.adresse
        rens = renseignements.add(session, d.redevable_id, "adresse", observed_on=r.date, source="huissier",
                                  reliability="declaree", numero_voie=a["numero_voie"] or None, voie=a["voie"],
                                  complement_adresse=a["complement"] or None, code_postal=a["code_postal"] or None,
                                  commune=a["commune"] or None, agent_id=agent_id)
        session.flush()
        details["renseignement_id"] = rens.id
        hors = territoire.attribuer(a["code_postal"], a["commune"]).etude_id != d.etude_id
        details["hors_ressort"] = hors
        if judiciaire and hors:
            frais = forfait_cents(ForfaitKind.NOUVELLE_ADRESSE, taux_de_base(r.date).cents)
    elif r.evenement == "arret" and judiciaire:
        frais = forfait_cents(ForfaitKind.RETOUR_CIRCONSTANCIE, taux_de_base(r.date).cents)
    elif r.evenement == "prolongation_demandee":
        details["jours"] = r.jours
    session.add(DossierEvenement(dossier_id=d.id, cle=cle, sens="retour", kind=r.evenement, survenu_le=r.date,
                                 montant_cents=r.montant_cents, frais_cents=frais, fichier=None, details=details,
                                 agent_id=agent_id))
    session.flush()
    result.appliques += 1


@refus_des_bibliotheques()
def decider_prolongation(numero: str, accorde: bool, on: date | None = None, agent_id: int | None = None,
                         structure_id: int | None = None, jours: int | None = None) -> DossierEvenement:
    """The comptable grants (art. 9) or refuses the extension the étude asked for."""
    on = on or date.today()
    with db.transaction() as session:
        v = un_dossier(session, numero, on, structure_id)
        decided = {e.details.get("demande") for e in v.events if e.kind.startswith("prolongation_")
                   and e.sens == "interne"}
        pending = [e for e in v.events if e.kind == "prolongation_demandee" and e.id not in decided]
        if not pending:
            raise Conflit(f"Aucune demande de prolongation en attente sur le dossier {v.dossier.numero}.")
        asked = pending[-1]
        days = int(asked.details.get("jours", 0)) if jours is None else int(jours)
        if accorde and not 1 <= days <= 365:
            raise Refus("Durée de prolongation invalide : entre 1 et 365 jours.")
        kind = "prolongation_accordee" if accorde else "prolongation_refusee"
        e = DossierEvenement(dossier_id=v.dossier.id, cle=f"decision:{asked.id}", sens="interne", kind=kind,
                             survenu_le=on, details={"demande": asked.id, "jours": days if accorde else 0},
                             agent_id=agent_id)
        session.add(e)
        session.flush()
        audit.add(session, agent_id, kind, "dossier_commissaire", v.dossier.id, {"jours": days})
    return e


@refus_des_bibliotheques()
def payer_facture(numero: str, on: date | None = None, agent_id: int | None = None,
                  structure_id: int | None = None) -> DossierEvenement:
    """Record that the étude's last unpaid invoice on the dossier was paid (ends its 30-day alert)."""
    on = on or date.today()
    with db.transaction() as session:
        v = un_dossier(session, numero, on, structure_id)
        paid = {e.details.get("facture") for e in v.events if e.kind == "facture_payee"}
        unpaid = [e for e in v.events if e.kind == "facture" and e.id not in paid]
        if not unpaid:
            raise Conflit(f"Aucune facture impayée sur le dossier {v.dossier.numero}.")
        invoice = unpaid[0]
        late = on > invoice_payment_deadline(invoice.survenu_le)
        e = DossierEvenement(dossier_id=v.dossier.id, cle=f"facture_payee:{invoice.id}", sens="interne",
                             kind="facture_payee", survenu_le=on, montant_cents=invoice.montant_cents,
                             details={"facture": invoice.id, "hors_delai": late}, agent_id=agent_id)
        session.add(e)
        session.flush()
        audit.add(session, agent_id, "facture_payee", "dossier_commissaire", v.dossier.id,
                  {"facture": invoice.id, "hors_delai": late})
    return e


__all__ = ["EVENEMENTS", "BilanResult", "decider_prolongation", "importer_bilan", "importer_bilan_texte", "parse_bilan",
           "payer_facture"]
