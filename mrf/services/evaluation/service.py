"""Use case: evaluate a published panel (treated against control, per product, over time).

Reads the outcomes (``resultats``), calls the ``panels`` library (estimates, French phrases, cost
side) and returns plain dicts for the CLI, the pages and the CSV files. Aggregates only: no
identity leaves this module, and no group under 5 debtors is shown (the library's rule, applied
here to the amounts counted apart as well)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from sqlalchemy import select

import panels as lib
from panels.evaluation_result import MIN_GROUP, TOO_SMALL

from ...extensions import db
from ...models import Panel
from ..errors import Introuvable, Refus
from .resultats import Observation, read_observation

EVALUATED_STATES = (lib.PanelState.PUBLISHED.value, lib.PanelState.CLOSED.value)
APART_KEYS = ("remises_cents", "annulations_cents", "anv_cents", "arrivals", "arrivals_cents")


class PanelInconnu(Introuvable):
    def __init__(self, name: str) -> None:
        super().__init__(f"Panel inconnu : « {name} ».")


class PanelNonPublie(Refus):
    """Only a published (or closed) panel has a baseline and months after it."""


def _apart(obs: Observation, evaluation: lib.Evaluation) -> dict[str, Any]:
    """Remises, cancellations, ANV and arrivals per product and group; hidden with the group."""
    out: dict[str, Any] = {}
    for p in evaluation.products:
        entry = {}
        for key, est in (("treated", p.treated), ("control", p.control)):
            if not est.shown:
                entry[key] = {k: None for k in APART_KEYS} | {"reason": TOO_SMALL}
                continue
            values = obs.apart.get((lib.Group.PANEL.value if key == "treated" else lib.Group.CONTROL.value,
                                    p.product), {})
            entry[key] = {k: int(values.get(k, 0)) for k in APART_KEYS}
        out[p.product] = entry
    return out


def _evaluate(panel: Panel, obs: Observation) -> dict[str, Any]:
    evaluation = lib.evaluate(obs.outcomes)
    costs = lib.compare_costs(obs.activities, obs.outcomes)
    result = evaluation.to_dict()
    return {
        "panel": panel.name,
        "configuration": panel.configuration,
        "status": panel.status,
        "published_on": obs.published_on.isoformat(),
        "months_observed": obs.months,
        "panel_products": list(obs.products),
        "min_group": MIN_GROUP,
        "confidence": result["confidence"],
        "products": result["products"],
        "pooled": result["pooled"],
        "apart": _apart(obs, evaluation),
        "costs": costs.to_dict(),
    }


def _observed_until(panel: Panel, as_of: date) -> date:
    """A closed panel is observed until its closure: after it, its members are no longer treated apart."""
    if panel.closed_at is not None:
        return min(as_of, panel.closed_at.date())
    return as_of


def evaluate_panel(name: str, as_of: date | None = None) -> dict[str, Any]:
    """``{"panel": NAME, "products": [...], ...}``: every rate a fraction, every amount in cents."""
    as_of = as_of or date.today()
    with db.new_session() as session:
        panel = session.scalar(select(Panel).where(Panel.name == name))
        if panel is None:
            raise PanelInconnu(name)
        if panel.status not in EVALUATED_STATES or panel.published_at is None:
            raise PanelNonPublie(f"Le panel « {name} » n'est pas publié : il n'a ni base de référence ni mois "
                                 "d'observation à évaluer.")
        obs = read_observation(session, panel, _observed_until(panel, as_of))
    return _evaluate(panel, obs)


def evaluated_panels() -> list[dict[str, Any]]:
    """Published and closed panels (name, configuration, status, publication date), oldest first."""
    with db.new_session() as session:
        rows = session.execute(select(Panel.name, Panel.configuration, Panel.status, Panel.published_at)
                               .where(Panel.status.in_(EVALUATED_STATES)).order_by(Panel.published_at, Panel.id))
        return [{"name": n, "configuration": c, "status": s, "published_on": p.date().isoformat() if p else None}
                for n, c, s, p in rows]


def evaluate_all(as_of: date | None = None) -> list[dict[str, Any]]:
    return [evaluate_panel(p["name"], as_of) for p in evaluated_panels()]


#: Member ids of panel k are shifted by (k + 1) × this, so that one debtor in two panels stays two units.
PANEL_ID_SHIFT = 10**15


def evaluate_together(as_of: date | None = None, configuration: int | None = None) -> dict[str, Any]:
    """Every published (or closed) panel evaluated as one sample — or those of one configuration:
    each panel's members over the months every panel has observed. ``{"panel": "ensemble", ...}``."""
    as_of = as_of or date.today()
    with db.new_session() as session:
        query = select(Panel).where(Panel.status.in_(EVALUATED_STATES), Panel.published_at.is_not(None))
        if configuration is not None:
            query = query.where(Panel.configuration == configuration)
        panels = list(session.scalars(query.order_by(Panel.published_at, Panel.id)))
        if not panels:
            raise Refus("Aucun panel publié" + (f" de configuration {configuration}" if configuration else "")
                        + " : rien à évaluer ensemble.")
        observations = [read_observation(session, panel, _observed_until(panel, as_of)) for panel in panels]
    months = min(obs.months for obs in observations)
    outcomes = [
        dataclasses.replace(m, redevable_id=(k + 1) * PANEL_ID_SHIFT + m.redevable_id,
                            recovered_cents_by_month=tuple(m.recovered_cents_by_month[:months]))
        for k, obs in enumerate(observations) for m in obs.outcomes
    ]
    result = lib.evaluate(outcomes).to_dict()
    return {
        "panel": "ensemble",
        "panels": [panel.name for panel in panels],
        "configuration": configuration,
        "months_observed": months,
        "min_group": MIN_GROUP,
        "confidence": result["confidence"],
        "products": result["products"],
        "pooled": result["pooled"],
    }
