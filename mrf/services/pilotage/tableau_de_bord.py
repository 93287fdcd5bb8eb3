"""Aggregates for evaluators: counts and amounts by product and by structure, recovery rates.
Never an identity: only sums and counts over groups (no group below ``MIN_GROUP`` accounts is shown)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...models import Creance, Payment, Redevable, Structure
from ..comptes.liste import PRODUCT_LABELS
from ..comptes.vocabulaire import StatutCreance

MIN_GROUP = 5  # groups smaller than this are merged into « autres » (no re-identification)


@dataclass(frozen=True)
class Figures:
    label: str
    creances: int
    initial_cents: int
    due_cents: int

    @property
    def recovered_cents(self) -> int:
        return max(0, self.initial_cents - self.due_cents)

    @property
    def rate_bp(self) -> int | None:
        """Recovery rate in basis points (1/100 %): recovered / initial amount of créances not cancelled."""
        if self.initial_cents <= 0:
            return None
        return self.recovered_cents * 10000 // self.initial_cents


@dataclass(frozen=True)
class Dashboard:
    accounts: int
    payments: int
    payments_cents: int
    by_product: list[Figures]
    by_structure: list[Figures]
    total: Figures


def _figures(label: str, row) -> Figures:  # noqa: ANN001
    return Figures(label=label, creances=int(row.n or 0), initial_cents=int(row.initial or 0),
                   due_cents=int(row.due or 0))


def load(session: Session) -> Dashboard:
    active = Creance.status != StatutCreance.ANNULEE
    columns = (func.count().label("n"), func.sum(Creance.amount_initial_cents).label("initial"),
               func.sum(case((Creance.status == StatutCreance.EN_COURS, Creance.rar_cents), else_=0)).label("due"))
    by_product = {row.product: row for row in session.execute(
        select(Creance.product, *columns).where(active).group_by(Creance.product))}
    products = [_figures(PRODUCT_LABELS.get(p, p), by_product[p]) for p in [*PRODUCT_LABELS, *sorted(
        set(by_product) - set(PRODUCT_LABELS))] if p in by_product]
    structures = []
    small = [0, 0, 0]
    for row in session.execute(select(Structure.code, Structure.name, *columns)
                               .join(Structure, Structure.id == Creance.structure_id)
                               .where(active).group_by(Structure.code, Structure.name).order_by(Structure.code)):
        if (row.n or 0) < MIN_GROUP:
            small = [small[0] + row.n, small[1] + int(row.initial or 0), small[2] + int(row.due or 0)]
            continue
        structures.append(_figures(f"{row.code} — {row.name}", row))
    if small[0]:
        structures.append(Figures("Autres structures (petits effectifs)", *small))
    total = Figures("Ensemble", sum(f.creances for f in products), sum(f.initial_cents for f in products),
                    sum(f.due_cents for f in products))
    accounts = session.scalar(select(func.count()).select_from(Redevable).where(Redevable.merged_into_id.is_(None)))
    pay = session.execute(select(func.count(), func.coalesce(func.sum(Payment.amount_cents), 0))).one()
    return Dashboard(accounts=int(accounts or 0), payments=int(pay[0] or 0), payments_cents=int(pay[1] or 0),
                     by_product=products, by_structure=structures, total=total)


def rate_text(bp: int | None) -> str:
    if bp is None:
        return "—"
    return f"{bp // 100},{bp % 100:02d} %"


def recovery_chart(figures: list[Figures], title: str) -> str:
    """A horizontal bar chart of recovery rates as standalone SVG (no script, no style element:
    presentation attributes only, so that it passes the strict CSP)."""
    bar_h, gap, left, width, top = 28, 14, 230, 420, 40
    height = top + len(figures) * (bar_h + gap) + 40
    total_w = left + width + 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w} {height}" width="{total_w}" '
        f'height="{height}" role="img" aria-labelledby="graphique-titre graphique-desc" class="mrf-chart">',
        f'<title id="graphique-titre">{escape(title)}</title>',
        '<desc id="graphique-desc">' + escape("; ".join(f"{f.label} : {rate_text(f.rate_bp)}" for f in figures))
        + "</desc>",
        f'<text x="0" y="22" font-size="16" font-weight="bold" fill="#161616">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 25):
        x = left + width * tick // 100
        parts.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 30}" stroke="#dddddd" stroke-width="1"/>')
        parts.append(f'<text x="{x}" y="{height - 12}" font-size="12" text-anchor="middle" fill="#3a3a3a">'
                     f"{tick} %</text>")
    for i, f in enumerate(figures):
        y = top + i * (bar_h + gap)
        bp = f.rate_bp or 0
        w = width * min(bp, 10000) // 10000
        label = f.label if len(f.label) <= 32 else f.label[:31] + "…"
        parts.append(f'<text x="{left - 10}" y="{y + bar_h // 2 + 5}" font-size="13" text-anchor="end" '
                     f'fill="#161616">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" fill="#000091"/>')
        parts.append(f'<text x="{left + w + 8}" y="{y + bar_h // 2 + 5}" font-size="13" fill="#161616">'
                     f"{escape(rate_text(f.rate_bp))}</text>")
    parts.append("</svg>")
    return "\n".join(parts)
