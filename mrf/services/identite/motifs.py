"""Why a pair is in the review queue, in one French sentence, and the field-by-field comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ...models import MatchPair, SourceRecord

#: Fields compared side by side (attribute, French label), in reading order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("nom", "Nom"), ("nom_naissance", "Nom de naissance"), ("nom_usage", "Nom d'usage"), ("prenoms", "Prénoms"),
    ("sexe", "Sexe"), ("date_naissance", "Date de naissance"), ("date_naissance_brute", "Date de naissance reçue"),
    ("lieu_naissance", "Lieu de naissance"), ("numero_fiscal", "Numéro fiscal"), ("numero_voie", "Numéro"),
    ("voie", "Voie"), ("code_postal", "Code postal"), ("commune", "Commune"),
)
SOURCES = {"impots": "Impôts", "amendes": "Amendes", "secteur_local": "Secteur local"}


@dataclass(frozen=True)
class Ligne:
    label: str
    left: str
    right: str
    different: bool  # both filled and not equal (case and spaces aside)


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _norm(value: str) -> str:
    return " ".join(value.upper().split())


def comparaison(left: SourceRecord, right: SourceRecord) -> list[Ligne]:
    """The fields filled on at least one side, differences marked."""
    rows = []
    for attr, label in FIELDS:
        a, b = _text(getattr(left, attr)), _text(getattr(right, attr))
        if a or b:
            rows.append(Ligne(label, a or "—", b or "—", bool(a and b and _norm(a) != _norm(b))))
    return rows


def _percent(p: float) -> str:
    return f"{p * 100:.1f}".replace(".", ",") + " %"


def motif(pair: MatchPair, accept: float | None) -> str:
    """One sentence: why this pair waits for a human."""
    explanation = pair.explanation or {}
    fields = explanation.get("fields") or []
    p = _percent(pair.probability)
    if pair.status == "split":
        return (f"Probabilité {p}, mais le moteur a séparé ces deux fiches : leur groupe contenait une "
                f"contradiction (deux fiches du groupe ne peuvent pas être la même personne).")
    vetoes = [f for f in fields if f.get("veto")]
    if vetoes:
        what = " ; ".join(f"{f.get('label', '')} : {f.get('level_label', '').lower()}" for f in vetoes)
        return f"Probabilité {p}, mais un critère interdit le lien automatique ({what})."
    if accept is not None and pair.probability >= accept:
        return (f"Probabilité {p}, mais aucune donnée assez sûre (date de naissance ou identifiant) ne confirme "
                f"le lien : le moteur ne lie pas seul sur ces indices.")
    against = sorted((f for f in fields if (f.get("weight") or 0) < 0), key=lambda f: f.get("weight") or 0)
    reason = ""
    if against:
        worst = against[0]
        reason = f" ; le point le plus contraire : {worst.get('label', '')} ({worst.get('level_label', '').lower()})"
    return f"Probabilité {p}, entre le seuil de revue et le seuil d'acceptation : le score seul ne tranche pas{reason}."
