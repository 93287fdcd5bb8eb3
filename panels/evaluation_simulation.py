"""Simulated recoveries with a known truth, for the demo and the validation of the estimator.

Model (documented in docs/evaluation.md). Each debtor has a *type* (payeur, hésitant, insolvable)
drawn once and shared by all its products and both periods: that is what makes a debtor's amounts a
cluster and its pre- and post-publication behaviour alike. Each month, a debtor of type t pays on a
product with probability min(1, h·mₜ), where h is the product's monthly hazard (control) or hazard +
gain (treated); a payment is a share f ~ Beta of what remains due, rounded to the cent. Hence, given
the type, the expected share recovered after N months is 1 − (1 − min(1, h·mₜ)·E[f])ᴺ, and the true
rate of an arm is its average over types: :func:`expected_rate`, exact, no simulation needed.

The pre-period (12 months before publication) runs the same control process backwards from the
amount due at publication, for both groups (nobody was treated then): expected pre-period rates are
equal across groups, so the true difference-in-differences equals the true difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .errors import InputError
from .evaluation_estimate import MemberOutcome
from .model import PRODUCTS
from .result import Group

#: Backward pre-period: a share is capped so that the earlier due stays finite (due / (1 − f)).
PRE_SHARE_CAP = 0.5


@dataclass(frozen=True, slots=True)
class ProductModel:
    """Monthly behaviour of one product: chance of a payment, and the share paid when paying."""

    hazard: float  # control, debtor of multiplier 1
    treated_gain: float  # added to the hazard under mutualised recovery
    share_mean: float  # E[f], f ~ Beta, share of the remaining due paid in a paying month
    share_concentration: float = 2.0  # a + b of the Beta: small = very dispersed amounts


@dataclass(frozen=True, slots=True)
class DebtorType:
    name: str
    probability: float
    multiplier: float


@dataclass(frozen=True, slots=True)
class SimulationModel:
    products: Mapping[str, ProductModel]
    debtor_types: tuple[DebtorType, ...]
    pre_months: int = 12


#: Illustrative parameters. The experiment's summary (seed 000, § 4) reports « une amélioration du taux
#: de recouvrement de chacun des produits concernés, de manière beaucoup plus marquée s'agissant des
#: amendes » without figures (its statistical annex is not in the seed): gains below are chosen to give
#: about +11 points on amendes and +3 to +4 on the other products over 12 months (control: 20 % to 36 %).
DEFAULT_MODEL = SimulationModel(
    products=MappingProxyType(
        {
            "impots": ProductModel(hazard=0.075, treated_gain=0.010, share_mean=0.5),
            "amendes": ProductModel(hazard=0.030, treated_gain=0.021, share_mean=0.6),
            "secteur_local": ProductModel(hazard=0.050, treated_gain=0.008, share_mean=0.5),
            "hopital": ProductModel(hazard=0.040, treated_gain=0.009, share_mean=0.5),
        }
    ),
    debtor_types=(
        DebtorType("payeur", 0.30, 1.8),
        DebtorType("hésitant", 0.45, 1.0),
        DebtorType("insolvable", 0.25, 0.2),
    ),
)


@dataclass(frozen=True, slots=True)
class SimulationMember:
    """A panel member with its due at publication per product (cents)."""

    redevable_id: int
    group: Group
    baselines: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class SimulatedPayment:
    redevable_id: int
    product: str
    month: int  # 1 = first month after publication
    cents: int


@dataclass(frozen=True, slots=True)
class SimulatedPrePeriod:
    redevable_id: int
    product: str
    due_cents: int  # due at the start of the 12 months before publication
    recovered_cents: int  # recovered during them


@dataclass(frozen=True, slots=True)
class Simulation:
    months: int
    members: tuple[SimulationMember, ...]
    payments: tuple[SimulatedPayment, ...]
    pre_period: tuple[SimulatedPrePeriod, ...]
    true_difference: Mapping[str, float]  # product → expected rate treated − control (fraction)
    true_pooled_difference: float | None  # same, all products weighted by the panel's dues
    expected_rates: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # (control, treated)

    def outcomes(self, *, with_pre_period: bool = True) -> list[MemberOutcome]:
        """The evaluation's input, as the application would read it back after recording the payments."""
        monthly: dict[tuple[int, str], list[int]] = {}
        for m in self.members:
            for product, due in m.baselines.items():
                if due > 0:
                    monthly[(m.redevable_id, product)] = [0] * self.months
        for p in self.payments:
            monthly[(p.redevable_id, p.product)][p.month - 1] += p.cents
        pre = {(p.redevable_id, p.product): p for p in self.pre_period} if with_pre_period else {}
        out = []
        for m in self.members:
            for product, due in m.baselines.items():
                if due <= 0:
                    continue
                pp = pre.get((m.redevable_id, product))
                out.append(
                    MemberOutcome(
                        m.redevable_id, m.group, product, due, tuple(monthly[(m.redevable_id, product)]),
                        None if pp is None else pp.due_cents, None if pp is None else pp.recovered_cents,
                    )
                )
        return out


def expected_rate(model: SimulationModel, product: str, months: int, *, treated: bool) -> float:
    """Exact expected share of the due recovered after ``months`` months (see the module docstring)."""
    pm = model.products[product]
    h = pm.hazard + (pm.treated_gain if treated else 0.0)
    return sum(
        t.probability * (1 - (1 - min(1.0, h * t.multiplier) * pm.share_mean) ** months) for t in model.debtor_types
    )


def _check(members: list[SimulationMember], months: int, model: SimulationModel) -> None:
    problems = []
    if months < 1:
        problems.append("le nombre de mois simulés doit être au moins 1")
    if abs(sum(t.probability for t in model.debtor_types) - 1) > 1e-9:
        problems.append("les probabilités des types de redevables doivent faire 1")
    for name, pm in model.products.items():
        if not 0 < pm.share_mean < 1 or pm.share_concentration <= 0 or pm.hazard < 0 or pm.hazard + pm.treated_gain < 0:
            problems.append(f"modèle du produit « {name} » : part payée hors de ]0, 1[ ou probabilité négative")
    seen: set[int] = set()
    for m in members:
        if m.redevable_id in seen:
            problems.append(f"redevable {m.redevable_id} : présent deux fois")
        seen.add(m.redevable_id)
        for product, due in m.baselines.items():
            if product not in model.products:
                problems.append(f"redevable {m.redevable_id} : produit « {product} » absent du modèle")
            if due < 0:
                problems.append(f"redevable {m.redevable_id} ({product}) : montant dû négatif")
    if problems:
        raise InputError("Simulation impossible :\n" + "\n".join(f"- {p}" for p in problems))


def _beta(rng: np.random.Generator, pm: ProductModel, n: int) -> np.ndarray:
    a = pm.share_mean * pm.share_concentration
    return rng.beta(a, pm.share_concentration - a, n)


def simulate(
    members: Iterable[SimulationMember], *, seed: int, months: int = 12, model: SimulationModel = DEFAULT_MODEL
) -> Simulation:
    """Monthly payments after publication, the pre-period, and the true effects; same seed, same result."""
    ms = sorted(members, key=lambda m: m.redevable_id)
    _check(ms, months, model)
    rng = np.random.default_rng(seed)
    probs = np.array([t.probability for t in model.debtor_types])
    mult = np.array([t.multiplier for t in model.debtor_types])[rng.choice(len(probs), size=len(ms), p=probs)]
    payments: list[SimulatedPayment] = []
    pre_period: list[SimulatedPrePeriod] = []
    truth: dict[str, float] = {}
    expected: dict[str, tuple[float, float]] = {}
    due_all = {"x": 0.0, "d": 0.0}
    for product in [p for p in PRODUCTS if p in model.products]:
        idx = np.array([k for k, m in enumerate(ms) if m.baselines.get(product, 0) > 0], dtype=np.int64)
        if not len(idx):
            continue
        pm = model.products[product]
        due = np.array([ms[k].baselines[product] for k in idx], dtype=np.int64)
        treated = np.array([ms[k].group is Group.PANEL for k in idx])
        hazard = np.minimum(1.0, (pm.hazard + treated * pm.treated_gain) * mult[idx])
        balance = due.copy()
        for month in range(1, months + 1):
            pays = rng.random(len(idx)) < hazard
            cents = np.where(pays, np.minimum(balance, np.rint(_beta(rng, pm, len(idx)) * balance)), 0).astype(np.int64)
            balance -= cents
            payments += [
                SimulatedPayment(ms[idx[j]].redevable_id, product, month, int(cents[j])) for j in np.flatnonzero(cents)
            ]
        # pre-period: control behaviour for everyone, run backwards from the due at publication
        pre_hazard = np.minimum(1.0, pm.hazard * mult[idx])
        earlier = due.astype(np.float64)
        for _ in range(model.pre_months):
            pays = rng.random(len(idx)) < pre_hazard
            share = np.minimum(_beta(rng, pm, len(idx)), PRE_SHARE_CAP)
            earlier = np.where(pays, earlier / (1 - share), earlier)
        pre_due = np.rint(earlier).astype(np.int64)
        pre_period += [
            SimulatedPrePeriod(ms[k].redevable_id, product, int(pre_due[j]), int(pre_due[j] - due[j]))
            for j, k in enumerate(idx)
        ]
        r0 = expected_rate(model, product, months, treated=False)
        r1 = expected_rate(model, product, months, treated=True)
        expected[product] = (r0, r1)
        truth[product] = r1 - r0
        due_all["x"] += float(due.sum())
        due_all["d"] += float(due.sum()) * (r1 - r0)
    pooled = due_all["d"] / due_all["x"] if due_all["x"] else None
    return Simulation(
        months, tuple(ms), tuple(payments), tuple(pre_period), MappingProxyType(truth), pooled,
        MappingProxyType(expected),
    )
