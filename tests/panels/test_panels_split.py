import json
import math
import random
from collections import Counter, defaultdict

from panels import Group, compose_panel

from panels_fixtures import (
    AUXERRE,
    COMMUNES,
    JOIGNY,
    MIGENNES,
    SENS,
    STRUCTURES,
    TONNERRE,
    acct,
    criteria,
)


def population(n: int = 600, seed: int = 7):
    """Varied explicit population: amounts over the bands, several structures, some unplaceable."""
    rng = random.Random(seed)
    places = [AUXERRE, AUXERRE, JOIGNY, SENS, SENS, MIGENNES, TONNERRE, None]
    out = []
    for i in range(n):
        rid = 1000 + 3 * i
        impots = rng.choice([8_000, 30_000, 120_000, 400_000, 1_500_000])
        sl = rng.choice([0, 0, 5_000])
        out.append(
            acct(rid, impots=impots, amendes=rng.randint(2_000, 90_000), secteur_local=sl,
                 commune=places[i % len(places)], count=rng.randint(1, 20),
                 structures=frozenset({"SIP-AUX"}))
        )
    return out


def test_same_criteria_and_seed_give_the_same_panel_byte_for_byte_whatever_the_input_order():
    accounts = population()
    shuffled = accounts[:]
    random.Random(99).shuffle(shuffled)
    a = compose_panel(accounts, STRUCTURES, criteria(), communes=COMMUNES)
    b = compose_panel(shuffled, list(reversed(STRUCTURES)), criteria(), communes=COMMUNES)
    assert a.to_json() == b.to_json()
    assert a.digest() == b.digest()
    assert a.balance.n_panel > 0 and a.balance.n_control > 0
    json.loads(a.to_json())  # JSON-friendly


def test_another_seed_gives_another_split():
    accounts = population()
    a = compose_panel(accounts, STRUCTURES, criteria(seed=1))
    b = compose_panel(accounts, STRUCTURES, criteria(seed=2))
    ctrl_a = {m.redevable_id for m in a.control_members}
    ctrl_b = {m.redevable_id for m in b.control_members}
    assert ctrl_a != ctrl_b
    assert len(ctrl_a ^ ctrl_b) > len(ctrl_a) // 4  # not a marginal change
    assert abs(len(ctrl_a) - len(ctrl_b)) <= 1  # same size within rounding


def test_control_share_holds_in_every_stratum_within_rounding():
    result = compose_panel(population(), STRUCTURES, criteria(control_share=0.3))
    strata = result.balance.strata
    assert len(strata) >= 10 and sum(1 for s in strata if s.n >= 10) >= 5
    for s in strata:
        assert abs(s.n_control - 0.3 * s.n) < 1, s.to_dict()
    n = result.balance.n_panel + result.balance.n_control
    assert abs(result.balance.n_control - 0.3 * n) < 1
    # and per structure (consecutive strata)
    per_structure = defaultdict(lambda: [0, 0])
    for s in strata:
        per_structure[s.stratum.structure][0] += s.n
        per_structure[s.stratum.structure][1] += s.n_control
    for total, ctrl in per_structure.values():
        assert abs(ctrl - 0.3 * total) < 1


def test_assignment_to_control_is_random_within_a_stratum():
    """Over many seeds every unit is control with probability ≈ control_share."""
    accounts = population(120)
    counts = Counter()
    seeds = 200
    for seed in range(seeds):
        r = compose_panel(accounts, STRUCTURES, criteria(seed=seed))
        counts.update(m.redevable_id for m in r.control_members)
    rates = [counts[a.redevable_id] / seeds for a in accounts]
    assert max(abs(x - 0.3) for x in rates) < 0.15
    assert abs(sum(rates) / len(rates) - 0.3) < 0.01


def test_balance_table():
    result = compose_panel(population(), STRUCTURES, criteria())
    b = result.balance
    variables = {r.variable for r in b.levels}
    assert variables == {"product_mix", "amount_band", "structure"}
    structure_levels = {r.level: r for r in b.levels if r.variable == "structure"}
    assert set(structure_levels) == {"SIP-AUX", "SIP-SENS", "à affecter"}
    for r in b.levels:
        assert math.isclose(r.share_panel, r.n_panel / b.n_panel, abs_tol=1e-4)
        assert math.isclose(r.share_control, r.n_control / b.n_control, abs_tol=1e-4)
        assert r.smd is not None and abs(r.smd) < 0.1
    cov = {c.covariate: c for c in b.covariates}
    assert set(cov) >= {"total_cents", "due_impots_cents", "due_amendes_cents", "creance_count", "oldest_debt_age_days"}
    panel_totals = [sum((a.amount("impots"), a.amount("amendes")))
                    for a in population() if result.member(a.redevable_id)
                    and result.member(a.redevable_id).group is Group.PANEL]
    assert cov["total_cents"].mean_panel == round(sum(panel_totals) / len(panel_totals))
    assert isinstance(cov["total_cents"].mean_panel, int)
    assert cov["total_cents"].smd is not None and abs(cov["total_cents"].smd) < 0.2
    bands = [r.level for r in b.levels if r.variable == "amount_band"]
    assert bands == ["moins de 500 €", "de 500 € à moins de 2 000 €", "de 2 000 € à moins de 10 000 €",
                     "10 000 € et plus"]


def test_capacity_per_structure():
    accounts = population()
    free = compose_panel(accounts, STRUCTURES, criteria())
    capped = compose_panel(accounts, STRUCTURES, criteria(max_members_per_structure=40))
    assert max(free.structure_counts().values()) > 40
    assert all(v <= 40 for v in capped.structure_counts().values())
    dropped = capped.selection.removed_by("max_members_per_structure")
    assert dropped > 0
    assert len(capped.members) == len(free.members) - dropped
    assert capped.selection.steps[-1].criterion == "max_members_per_structure"
    # unplaceable debtors are not capped
    assert len([m for m in capped.members if m.stratum.structure == ""]) == len(
        [m for m in free.members if m.stratum.structure == ""]
    )
