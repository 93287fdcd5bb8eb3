"""Register of études and their territory; dispatch of a debtor's address to the competent étude.

CSV import (format in ``docs/commissaires.md``): one line per étude and département, with the
postal codes and communes (INSEE codes) it covers there. The whole file is checked first; any bad
line refuses the file (every reason listed), nothing changes. An import replaces the territory of
the départements it names (a postal code or commune belongs to one étude)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from stdnum.fr import siret as stdnum_siret

from matching.reference import CommuneReference, fold_commune_name, load_reference

from ...extensions import db
from ...models import Etude, EtudeTerritoire
from ..admin import audit
from ..errors import Refus

COLUMNS = ("code", "nom", "siret", "adresse", "code_postal", "commune", "centre_serveur", "departement",
           "codes_postaux", "communes")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
_CP = re.compile(r"^\d{5}$")
_DEP = re.compile(r"^(\d{2}|2A|2B|97\d)$")


class FichierRefuse(Refus):
    """A file refused whole: every bad line with its reason."""

    def __init__(self, what: str, reasons: list[str]) -> None:
        self.reasons = reasons
        shown = reasons[:20]
        more = f"\n… et {len(reasons) - 20} autre(s)." if len(reasons) > 20 else ""
        super().__init__(f"{what} refusé, rien n'a été modifié :\n" + "\n".join(shown) + more)


@dataclass
class LigneEtude:
    code: str
    nom: str
    siret: str
    adresse: str
    code_postal: str
    commune: str
    centre_serveur: str
    departement: str
    codes_postaux: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportEtudes:
    etudes: int
    codes_postaux: int
    communes: int

    def summary(self) -> str:
        return (f"{self.etudes} étude(s) enregistrée(s) ; territoire : {self.codes_postaux} code(s) postal(aux), "
                f"{self.communes} commune(s).")


def _departement_of_cp(cp: str, ref: CommuneReference) -> set[str]:
    return {ref.by_code[c].departement for c in ref.by_postcode.get(cp, ()) if c in ref.by_code}


def parse_etudes(text: str, ref: CommuneReference | None = None) -> list[LigneEtude]:
    """Check the whole CSV; :class:`FichierRefuse` with every reason when a line is wrong."""
    ref = ref or load_reference()
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FichierRefuse("Fichier des études", [f"ligne 1 : colonne(s) absente(s) : {', '.join(missing)}"])
    reasons: list[str] = []
    rows: list[LigneEtude] = []
    owner_cp: dict[str, tuple[str, int]] = {}
    owner_insee: dict[str, tuple[str, int]] = {}
    siret_of: dict[str, str] = {}
    for n, raw in enumerate(reader, start=2):
        v = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        why: list[str] = []
        code = v["code"].upper()
        if not _CODE.match(code):
            why.append(f"code d'étude invalide « {v['code']} » (lettres, chiffres, tirets ; 32 caractères au plus)")
        if not v["nom"] or len(v["nom"]) > 200:
            why.append("nom absent ou trop long")
        siret = re.sub(r"\s", "", v["siret"])
        if not stdnum_siret.is_valid(siret):
            why.append(f"SIRET invalide « {v['siret']} »")
        elif siret_of.setdefault(siret, code) != code:
            why.append(f"SIRET {siret} déjà donné à l'étude {siret_of[siret]}")
        if not v["adresse"] or len(v["adresse"]) > 300:
            why.append("adresse absente ou trop longue")
        if not _CP.match(v["code_postal"]):
            why.append(f"code postal de l'étude invalide « {v['code_postal']} »")
        if not v["commune"]:
            why.append("commune de l'étude absente")
        if not _CODE.match(v["centre_serveur"].upper()):
            why.append(f"centre serveur invalide « {v['centre_serveur']} »")
        dep = v["departement"].upper()
        if not _DEP.match(dep):
            why.append(f"département invalide « {v['departement']} »")
        cps = v["codes_postaux"].split()
        insees = [c.upper() for c in v["communes"].split()]
        if not cps and not insees:
            why.append("aucun code postal ni aucune commune couverts")
        for cp in cps:
            if not _CP.match(cp) or cp not in ref.by_postcode:
                why.append(f"code postal couvert inconnu « {cp} »")
            elif dep not in _departement_of_cp(cp, ref):
                why.append(f"code postal {cp} hors du département {dep}")
            elif cp in owner_cp and owner_cp[cp][0] != code:
                why.append(f"code postal {cp} déjà couvert par l'étude {owner_cp[cp][0]} (ligne {owner_cp[cp][1]})")
            else:
                owner_cp[cp] = (code, n)
        for insee in insees:
            commune = ref.by_code.get(insee)
            if commune is None:
                why.append(f"commune couverte inconnue « {insee} » (code INSEE attendu)")
            elif commune.departement != dep:
                why.append(f"commune {insee} hors du département {dep}")
            elif insee in owner_insee and owner_insee[insee][0] != code:
                why.append(f"commune {insee} déjà couverte par l'étude {owner_insee[insee][0]} "
                           f"(ligne {owner_insee[insee][1]})")
            else:
                owner_insee[insee] = (code, n)
        if why:
            reasons.append(f"ligne {n} : " + " ; ".join(why))
            continue
        rows.append(LigneEtude(code, v["nom"], siret, v["adresse"], v["code_postal"], v["commune"],
                               v["centre_serveur"].upper(), dep, cps, insees))
    if not rows and not reasons:
        reasons.append("fichier vide : aucune étude")
    if reasons:
        raise FichierRefuse("Fichier des études", reasons)
    return rows


def import_etudes(path: Path | str, agent_id: int | None = None) -> ImportEtudes:
    """Import the CSV file ``path`` atomically (see module docstring)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise Refus(f"Fichier des études illisible : {exc}.") from None
    return import_etudes_text(text, agent_id, str(path))


def import_etudes_text(text: str, agent_id: int | None = None, source: str = "") -> ImportEtudes:
    rows = parse_etudes(text)
    with db.transaction() as session:
        return _store(session, rows, agent_id, source)


def _store(session: Session, rows: list[LigneEtude], agent_id: int | None, source: str) -> ImportEtudes:
    departements = sorted({r.departement for r in rows})
    session.execute(delete(EtudeTerritoire).where(EtudeTerritoire.departement.in_(departements)))
    session.flush()
    existing = {e.code: e for e in session.scalars(select(Etude))}
    by_siret = {e.siret: e for e in existing.values()}
    n_cp = n_insee = 0
    seen: set[str] = set()
    for r in rows:
        e = existing.get(r.code)
        other = by_siret.get(r.siret)
        if other is not None and other.code != r.code:
            raise FichierRefuse("Fichier des études", [f"étude {r.code} : SIRET {r.siret} déjà enregistré pour "
                                                       f"l'étude {other.code}"])
        if e is None:
            e = Etude(code=r.code, nom=r.nom, siret=r.siret, adresse=r.adresse, code_postal=r.code_postal,
                      commune=r.commune, centre_serveur=r.centre_serveur, departement=r.departement)
            session.add(e)
            existing[r.code] = by_siret[r.siret] = e
        else:  # the register holds current details; the dossiers keep the étude's id
            e.nom, e.siret, e.adresse, e.code_postal = r.nom, r.siret, r.adresse, r.code_postal
            e.commune, e.centre_serveur, e.departement = r.commune, r.centre_serveur, r.departement
        session.flush()
        seen.add(r.code)
        for cp in r.codes_postaux:
            session.add(EtudeTerritoire(etude_id=e.id, departement=r.departement, code_postal=cp))
            n_cp += 1
        for insee in r.communes:
            session.add(EtudeTerritoire(etude_id=e.id, departement=r.departement, code_insee=insee))
            n_insee += 1
    session.flush()
    audit.add(session, agent_id, "import_etudes", "etude", None,
              {"fichier": source, "etudes": sorted(seen), "departements": departements})
    return ImportEtudes(len(seen), n_cp, n_insee)


# ---------------------------------------------------------------------------------- dispatch
@dataclass(frozen=True)
class Attribution:
    """The étude competent for an address, and the postal code used (restored when it was not usable)."""

    etude_id: int | None
    code_postal: str | None
    code_insee: str | None
    restaure: bool
    motif: str = ""  # why no étude, when etude_id is None


class Territoire:
    """The études' territory, loaded once for a batch."""

    def __init__(self, session: Session, ref: CommuneReference | None = None) -> None:
        self.ref = ref or load_reference()
        self.by_cp: dict[str, int] = {}
        self.by_insee: dict[str, int] = {}
        for etude_id, cp, insee in session.execute(
                select(EtudeTerritoire.etude_id, EtudeTerritoire.code_postal, EtudeTerritoire.code_insee)):
            if cp:
                self.by_cp[cp] = etude_id
            if insee:
                self.by_insee[insee] = etude_id

    def _by_insee_list(self, codes: Iterable[str]) -> int | None:
        found = {self.by_insee[c] for c in codes if c in self.by_insee}
        return found.pop() if len(found) == 1 else None

    def attribuer(self, code_postal: str | None, commune: str | None, code_insee: str | None = None,
                  departements: Iterable[str] = ()) -> Attribution:
        """Dispatch by postal code; when it is missing or unknown, restore it from the commune
        (INSEE code, else the name within ``departements``) before giving up (annex, I.4)."""
        cp = (code_postal or "").strip()
        ref = self.ref
        if _CP.match(cp) and cp in ref.by_postcode:
            insees = ref.by_postcode[cp]
            insee = code_insee if code_insee in insees else (insees[0] if len(insees) == 1 else None)
            etude = self.by_cp.get(cp) or (self.by_insee.get(insee) if insee else None) or self._by_insee_list(insees)
            if etude is not None:
                return Attribution(etude, cp, insee, False)
            return Attribution(None, cp, insee, False, f"aucune étude ne couvre le code postal {cp}")
        candidates: list[str] = []
        if code_insee and code_insee in ref.by_code:
            candidates = [code_insee]
        elif commune:
            deps = set(departements)
            candidates = [c for c in ref.by_name.get(fold_commune_name(commune), ())
                          if c in ref.by_code and (not deps or ref.by_code[c].departement in deps)]
        if len(candidates) != 1:
            what = "commune absente" if not commune and not code_insee else (
                f"commune « {commune} » introuvable" if not candidates else f"commune « {commune} » ambiguë")
            return Attribution(None, None, None, False, f"code postal inutilisable « {cp} » et {what}")
        insee = candidates[0]
        postcodes = ref.by_code[insee].postcodes
        etude = self.by_insee.get(insee)
        if etude is None:
            owners = {self.by_cp[p] for p in postcodes if p in self.by_cp}
            etude = owners.pop() if len(owners) == 1 else None
        restored = postcodes[0] if len(postcodes) == 1 else next(
            (p for p in postcodes if self.by_cp.get(p) == etude), None)
        if etude is None:
            return Attribution(None, restored, insee, restored is not None,
                               f"aucune étude ne couvre la commune {ref.by_code[insee].nom} ({insee})")
        return Attribution(etude, restored, insee, True)


def etudes(session: Session) -> list[Etude]:
    return list(session.scalars(select(Etude).order_by(Etude.departement, Etude.code)))
