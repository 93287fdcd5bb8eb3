"""Demo step with a known truth: the months after each demo panel's publication, simulated.

The publication is dated ``months`` months before the demo's day (the baseline keeps the real
moment it was frozen); the ``panels`` library's simulation model draws each member's monthly
payments per product, with a documented treatment effect; every payment then goes through the
real payment service (``record_payment``), dated in its simulated month and imputed, at the
debtor's choice, on the créances of its product (so that the truth, stated per product, holds).
The true effects go to ``demo-verite-evaluation.json`` in the instance folder:
``{"panels": {NAME: {PRODUCT: DIFFERENCE}}}`` (expected rate treated − control, as a fraction)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

import panels as lib
from panels import SimulationMember, simulate

from ..extensions import db
from ..models import Creance, Panel, PanelMember
from ..services.admin import audit
from ..services.evaluation.baseline import baselines, is_arrival, recorded_at
from ..services.evaluation.perimetre import member_creances
from ..services.evaluation.resultats import add_months, panel_products
from ..services.poursuites.paiements import record_payment

Say = Callable[[str], None]
TRUTH_FILE = "demo-verite-evaluation.json"
PAYMENT_REFERENCE = "demo-evaluation"


def antidate_publication(name: str, published_on: date, agent_id: int | None = None) -> None:
    """Date a panel's publication back (demo and tests only: they simulate the months after it). Audited."""
    with db.transaction() as session:
        panel = session.scalar(select(Panel).where(Panel.name == name).with_for_update())
        if panel is None or panel.published_at is None:
            raise ValueError(f"Panel non publié : {name}.")
        before = panel.published_at.isoformat()
        panel.published_at = datetime.combine(published_on, time(9, 0), tzinfo=UTC)
        audit.add(session, agent_id, "panel_publication_antidatee", "panel", name[:64],
                  {"panel": name, "avant": before, "apres": panel.published_at.isoformat(),
                   "motif": "démonstration : mois simulés après la publication"})


def _already_simulated(panel: Panel, frozen_at: datetime | None) -> bool:
    """A publication already dated back (earlier than its baseline by more than a day)."""
    published = panel.published_at if panel.published_at.tzinfo else panel.published_at.replace(tzinfo=UTC)
    return frozen_at is not None and frozen_at - published > timedelta(days=1)


def simulate_panel(name: str, *, seed: int, months: int, today: date) -> dict[str, float]:
    """Date the publication back, simulate and record the payments; the true differences per product."""
    published_on = add_months(today, -months)
    antidate_publication(name, published_on)
    with db.new_session() as session:
        panel = session.scalar(select(Panel).where(Panel.name == name))
        products = panel_products(panel)
        groups = dict(session.execute(select(PanelMember.redevable_id, PanelMember.group)
                                      .where(PanelMember.panel_id == panel.id)).all())
        base = baselines(session, panel.id)
        frozen_at = recorded_at(session, panel.id)
        rows = [c for c in member_creances(session, groups) if c.category in products
                and c.status == "en_cours" and c.rar_cents > 0 and not is_arrival(c, frozen_at)]
        order = dict(session.execute(select(Creance.id, Creance.date_prise_en_charge)
                                     .where(Creance.id.in_([c.creance_id for c in rows]))).all()) if rows else {}
    open_rar: dict[tuple[int, str], list[list[int]]] = defaultdict(list)  # [créance id, RAR] oldest first
    for c in sorted(rows, key=lambda c: (order[c.creance_id], c.creance_id)):
        open_rar[(c.member_id, c.category)].append([c.creance_id, c.rar_cents])
    members = [SimulationMember(rid, lib.Group(groups[rid]),
                                {cat: cents for cat, cents in cats.items() if cat in products})
               for rid, cats in base.items() if rid in groups]
    sim = simulate(members, seed=seed, months=months)
    rnd = random.Random(seed)
    for p in sorted(sim.payments, key=lambda p: (p.month, p.redevable_id, p.product)):
        start, end = add_months(published_on, p.month - 1), add_months(published_on, p.month)
        received_on = start + timedelta(days=rnd.randrange((end - start).days))
        chosen, left = [], p.cents
        for cell in open_rar[(p.redevable_id, p.product)]:
            if left <= 0:
                break
            if cell[1] > 0:
                take = min(left, cell[1])
                chosen.append(cell[0])
                cell[1] -= take
                left -= take
        record_payment(p.redevable_id, p.cents, received_on, "redevable", means="virement",
                       reference=PAYMENT_REFERENCE, creance_ids=chosen, today=today)
    return {product: round(diff, 6) for product, diff in sim.true_difference.items()}


def demo_evaluation(instance_dir: Path, say: Say, seed: int, months: int = 12) -> dict[str, dict[str, float]]:
    """Demo step (after the panels): simulate every published demo panel not simulated yet; write the truth."""
    from .generate import TODAY

    path = Path(instance_dir) / TRUTH_FILE
    truth: dict[str, dict[str, float]] = {}
    if path.exists():
        truth = json.loads(path.read_text(encoding="utf-8")).get("panels", {})
    with db.new_session() as session:
        published = [(p, recorded_at(session, p.id)) for p in session.scalars(
            select(Panel).where(Panel.status == lib.PanelState.PUBLISHED.value).order_by(Panel.id))]
    for k, (panel, frozen_at) in enumerate(published):
        if frozen_at is None:
            say(f"Évaluation : panel {panel.name} publié sans base de référence ; pas de simulation.")
            continue
        if _already_simulated(panel, frozen_at):
            say(f"Évaluation : panel {panel.name} déjà simulé ; conservé tel quel.")
            continue
        truth[panel.name] = simulate_panel(panel.name, seed=seed * 1000 + k, months=months, today=TODAY)
        effects = ", ".join(f"{p} {d * 100:+.1f} points".replace(".", ",") for p, d in truth[panel.name].items())
        say(f"Évaluation : panel {panel.name}, publication datée du {add_months(TODAY, -months):%d/%m/%Y}, "
            f"{months} mois simulés ; effets vrais (traités − témoins) : {effects or 'aucun produit'}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"panels": truth}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"Vérité de l'évaluation écrite dans {path}.")
    return truth
