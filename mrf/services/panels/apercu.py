"""What central administration reads before saving a panel: the selection report and the balance
table in words and euros (never raw keys or centimes), and the overlaps with published panels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

import panels as lib
from poursuites.model import euros

from ...extensions import db
from ...models import Panel, PanelMember

#: Covariates of the balance table, in words (the library's keys → what a reader understands).
COVARIATES: dict[str, str] = {
    "total_cents": "Montant total dû",
    "due_impots_cents": "Montant dû en impôts",
    "due_amendes_cents": "Montant dû en amendes",
    "due_secteur_local_cents": "Montant dû au secteur local (hôpitaux compris)",
    "hospital_cents": "Montant dû aux hôpitaux",
    "creance_count": "Nombre de créances",
    "oldest_debt_age_days": "Ancienneté de la dette la plus ancienne",
}
VARIABLES: dict[str, str] = {"product_mix": "Produits dus", "amount_band": "Tranche de montant dû",
                             "structure": "Structure d'affectation"}
PRODUCT_WORDS: dict[str, str] = {"impots": "impôts", "amendes": "amendes", "secteur_local": "secteur local",
                                 "hopital": "hôpital", "aucun": "aucun"}
SAMPLE = 20


def decimal_fr(value: float | None, digits: int = 2) -> str:
    """``0.0312`` → ``"0,03"``; « — » when unknown."""
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


def percent_fr(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %".replace(".", ",")


def _mean(covariate: str, value: float | None) -> str:
    if value is None:
        return "—"
    if covariate.endswith("_cents"):
        return euros(int(round(value)))
    if covariate == "oldest_debt_age_days":
        return f"{value:.0f} jours"
    return decimal_fr(value, 1)


def _level(variable: str, level: str) -> str:
    if variable == "product_mix":
        return " + ".join(PRODUCT_WORDS.get(p, p) for p in level.split("+"))
    return level


def balance_in_words(balance: dict[str, Any] | None) -> dict[str, list[dict[str, str]]]:
    """The balance table of a report as rows of French text: covariates (means in euros) and levels."""
    if not balance:
        return {"covariates": [], "levels": []}
    covariates = []
    for row in balance.get("covariates", []):
        label = COVARIATES.get(row["covariate"], row["label"].replace(" (centimes)", ""))
        panel, control, smd = _mean(row["covariate"], row["mean_panel"]), _mean(
            row["covariate"], row["mean_control"]), decimal_fr(row["smd"])
        covariates.append({"label": label, "panel": panel, "control": control, "smd": smd,
                           "sentence": f"{label} — moyenne traités {panel} / témoins {control} — "
                                       f"écart standardisé {smd}"})
    levels = [{"variable": VARIABLES.get(row["variable"], row["variable"]),
               "level": _level(row["variable"], row["level"]),
               "n_panel": str(row["n_panel"]), "n_control": str(row["n_control"]),
               "share_panel": percent_fr(row["share_panel"]), "share_control": percent_fr(row["share_control"]),
               "smd": decimal_fr(row["smd"])}
              for row in balance.get("levels", [])]
    return {"covariates": covariates, "levels": levels}


def overlaps(redevable_ids: Iterable[int], *, excluding: str | None = None) -> list[dict[str, Any]]:
    """Published panels already holding some of these accounts: panel, how many, which (first ones)."""
    ids = sorted(set(redevable_ids))
    if not ids:
        return []
    found: dict[str, list[int]] = {}
    with db.new_session() as session:
        for start in range(0, len(ids), 5000):  # bounded IN lists on every backend
            chunk = ids[start:start + 5000]
            q = (select(Panel.name, PanelMember.redevable_id).join(PanelMember, PanelMember.panel_id == Panel.id)
                 .where(Panel.status == lib.PanelState.PUBLISHED.value, PanelMember.redevable_id.in_(chunk)))
            if excluding is not None:
                q = q.where(Panel.name != excluding)
            for name, rid in session.execute(q):
                found.setdefault(name, []).append(rid)
    return [{"panel": name, "count": len(rids), "redevables": sorted(rids)[:SAMPLE]}
            for name, rids in sorted(found.items())]


def overlap_message(rows: list[dict[str, Any]]) -> str | None:
    """One French sentence for the preview's warning (None when there is no overlap)."""
    if not rows:
        return None
    parts = [f"{r['count']} dans « {r['panel']} » (comptes {', '.join(str(i) for i in r['redevables'])}"
             f"{' …' if r['count'] > len(r['redevables']) else ''})" for r in rows]
    return ("Attention : des redevables retenus appartiennent déjà à un panel publié — " + " ; ".join(parts)
            + ". La publication sera refusée tant qu'ils y restent.")

