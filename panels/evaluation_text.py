"""French sentences saying what each evaluation figure means, and when a group is too small."""

from __future__ import annotations

from .evaluation_result import MIN_GROUP, Contrast, GroupEstimate
from .model import PRODUCT_LABELS
from .text import euros, number

PRODUCT_WORDS: dict[str, str] = {**PRODUCT_LABELS, "ensemble": "ensemble des produits affichés"}


def percent(x: float) -> str:
    """``0.2345`` → ``"23,5 %"``."""
    return f"{x * 100:.1f} %".replace(".", ",")


def points(x: float, *, signed: bool = True) -> str:
    """``0.052`` → ``"+5,2 points"``, ``-0.011`` → ``"−1,1 point"`` (French: singular below 2)."""
    value = f"{x * 100:+.1f}" if signed else f"{abs(x) * 100:.1f}"
    unit = "point" if abs(round(x * 100, 1)) < 2 else "points"
    return f"{value.replace('-', '−').replace('.', ',')} {unit}"


def _horizon(months: int) -> str:
    return "1 mois" if months == 1 else f"{months} mois"


def group_sentence(name: str, g: GroupEstimate, months: int) -> str:
    if not g.shown:
        return f"{name} : effectif trop faible (moins de {MIN_GROUP} redevables), aucun chiffre n'est affiché."
    assert g.n is not None and g.baseline_cents is not None and g.ci_low is not None and g.ci_high is not None
    assert g.rate is not None
    return (
        f"{name} : {number(g.n)} redevables devaient {euros(g.baseline_cents)} à la publication ; "
        f"{percent(g.rate)} de cette somme a été recouvrée en {_horizon(months)} "
        f"(intervalle de confiance à 95 % : {percent(max(g.ci_low, 0.0))} à {percent(g.ci_high)})."
    )


def difference_sentence(d: Contrast, mde: float | None) -> str:
    if d.estimate is None or d.ci_low is None or d.ci_high is None:
        return "Écart entre traités et témoins : non calculé, un des groupes est trop petit pour conclure."
    head = (
        f"Écart de taux traités − témoins : {points(d.estimate)} "
        f"(intervalle de confiance à 95 % : {points(d.ci_low)} à {points(d.ci_high)})."
    )
    if d.ci_low > 0:
        return head + " L'intervalle exclut zéro : la gestion mutualisée a amélioré le recouvrement."
    if d.ci_high < 0:
        return head + " L'intervalle exclut zéro : le recouvrement des traités est moins bon que celui des témoins."
    tail = " L'intervalle contient zéro : ces données ne permettent pas de conclure à un effet"
    if mde is not None:
        tail += f" ; à cet effectif, seul un écart d'au moins {points(mde, signed=False)} serait détecté 8 fois sur 10"
    return head + tail + "."


def did_sentence(did: Contrast | None, reason: str | None) -> str:
    if did is None or did.estimate is None or did.ci_low is None or did.ci_high is None:
        return f"Double différence par rapport aux 12 mois précédant la publication : non calculée ({reason})."
    verdict = "exclut zéro" if did.significant else "contient zéro"
    return (
        f"Double différence (évolution des traités moins évolution des témoins depuis les 12 mois précédant "
        f"la publication) : {points(did.estimate)} (intervalle de confiance à 95 % : {points(did.ci_low)} à "
        f"{points(did.ci_high)} ; l'intervalle {verdict}). Elle neutralise un écart entre les groupes qui "
        "existait déjà avant la publication."
    )


def mde_sentence(mde: float | None) -> str | None:
    if mde is None:
        return None
    return (
        f"Effet minimal détectable à cet effectif : {points(mde, signed=False)} (risque 5 %, puissance 80 %) ; "
        "un effet réel plus petit passerait le plus souvent inaperçu."
    )


def describe(
    label: str,
    months: int,
    treated: GroupEstimate,
    control: GroupEstimate,
    difference: Contrast,
    did: Contrast | None,
    did_reason: str | None,
    mde: float | None,
    confidence: float,
) -> tuple[str, ...]:
    """Sentences for one product, in reading order."""
    out = [
        f"Taux de recouvrement {label} : somme recouvrée depuis la publication divisée par la somme due "
        "à la publication.",
        group_sentence("Groupe traité", treated, months),
        group_sentence("Groupe témoin", control, months),
        difference_sentence(difference, mde),
        did_sentence(did, did_reason),
    ]
    extra = mde_sentence(mde)
    if extra:
        out.append(extra)
    if confidence != 0.95:
        out = [s.replace("à 95 %", f"à {percent(confidence).replace(',0', '')}") for s in out]
    return tuple(out)
