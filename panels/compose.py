"""Composition of a panel: select → place → (capacity) → stratified split → balance → result."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import pairwise

import numpy as np

from . import balance as bal
from ._perf import gc_paused
from .assignment import Assigner, Placement
from .criteria import Criteria
from .model import AccountSummary, StructureInfo
from .randomisation import SALT_CAPACITY, allocate_controls, capacity_pool_size, stable_keys
from .result import BalanceTable, Group, ManualEntry, Member, PanelResult, Stratum
from .selection import Selection, SelectionStep, select
from .territory import Territory
from .text import euros, number

_MIX_NAMES = ("amendes", "hopital", "impots", "secteur_local")


def _mix_label(bits: int) -> str:
    # bit 0 amendes, 1 hopital, 2 impots, 3 secteur_local hors hôpital
    return "+".join(n for i, n in enumerate(_MIX_NAMES) if bits >> i & 1) or "aucun"


_MIX_LABELS = tuple(_mix_label(b) for b in range(16))


def product_mix(a: AccountSummary) -> str:
    """Products owed (> 0): ``"amendes+impots"``; ``hopital`` and the rest of the secteur local apart."""
    due = a.due_cents
    h = a.hospital_cents
    bits = (
        (due.get("amendes", 0) > 0)
        | (h > 0) << 1
        | (due.get("impots", 0) > 0) << 2
        | (due.get("secteur_local", 0) - h > 0) << 3
    )
    return _MIX_LABELS[bits]


def band_labels(bands: Sequence[int]) -> tuple[str, ...]:
    labels = [f"moins de {euros(bands[0])}"]
    labels += [f"de {euros(lo)} à moins de {euros(hi)}" for lo, hi in pairwise(bands)]
    labels.append(f"{euros(bands[-1])} et plus")
    return tuple(labels)


def place_accounts(selection: Selection, criteria: Criteria, territory: Territory) -> dict[int, Placement]:
    """Target structure (or manual reason) of every selected account, before the split."""
    assigner = Assigner(territory, criteria.configuration, criteria.products)
    addresses = selection.addresses
    place = assigner.place_address
    with gc_paused():
        return {a.redevable_id: place(addresses[a.redevable_id]) for a in selection.accounts}


def _apply_capacity(
    accounts: tuple[AccountSummary, ...], placements: Mapping[int, Placement], criteria: Criteria
) -> tuple[tuple[AccountSummary, ...], int]:
    cap = criteria.max_members_per_structure
    if cap is None:
        return accounts, 0
    pool = capacity_pool_size(cap, criteria.control_fraction)
    by_structure: dict[str, list[int]] = {}
    for a in accounts:
        code = placements[a.redevable_id].structure_code
        if code is not None:
            by_structure.setdefault(code, []).append(a.redevable_id)
    dropped: set[int] = set()
    for ids in by_structure.values():
        if len(ids) > pool:
            arr = np.array(ids, dtype=np.int64)
            keys = stable_keys(arr, criteria.seed, SALT_CAPACITY)
            order = np.lexsort((arr, keys))
            dropped.update(arr[order[pool:]].tolist())
    if not dropped:
        return accounts, 0
    return tuple(a for a in accounts if a.redevable_id not in dropped), len(dropped)


def randomise(selection: Selection, placements: Mapping[int, Placement], criteria: Criteria) -> PanelResult:
    """Capacity limit, stratified split, balance table and members of the panel."""
    with gc_paused():
        return _randomise(selection, placements, criteria)


def _randomise(selection: Selection, placements: Mapping[int, Placement], criteria: Criteria) -> PanelResult:
    report = selection.report
    accounts, dropped = _apply_capacity(selection.accounts, placements, criteria)
    cap = criteria.max_members_per_structure
    if cap is not None:
        report = report.with_step(
            SelectionStep(
                "max_members_per_structure",
                f"Au-delà de la capacité d'une structure (au plus {number(cap)} "
                f"membre{'s' if cap > 1 else ''} du panel)",
                dropped,
                len(accounts),
            )
        )
    n = len(accounts)
    products = criteria.products
    bands = criteria.amount_bands_cents
    blabels = band_labels(bands)

    # strata and covariates, one pass
    intern: dict[tuple[str, str, int], int] = {}
    raw_codes = np.empty(n, dtype=np.int64)
    nan = float("nan")
    today = selection.as_of
    plain = tuple(p for p in products if p != "hopital")
    need_hospital = "hopital" in products
    rows = []
    for i, a in enumerate(accounts):
        due = a.due_cents
        h = a.hospital_cents
        total = h if need_hospital else 0
        for p in plain:
            total += due.get(p, 0)
        s = placements[a.redevable_id].structure_code or ""
        key = (s, product_mix(a), bisect_right(bands, total))
        code = intern.get(key)
        if code is None:
            code = intern[key] = len(intern)
        raw_codes[i] = code
        old = a.oldest_debt_on
        rows.append(
            (
                total,
                due.get("impots", 0),
                due.get("amendes", 0),
                due.get("secteur_local", 0),
                h,
                a.creance_count,
                (today - old).days if old is not None else nan,
            )
        )
    cov = np.array(rows, dtype=np.float64).reshape(n, 7)
    del rows
    ordered_keys = sorted(intern)
    strata = [Stratum(s, mix, b, blabels[b]) for s, mix, b in ordered_keys]
    remap = np.empty(len(intern), dtype=np.int64)
    for rank, k in enumerate(ordered_keys):
        remap[intern[k]] = rank
    stratum_codes = remap[raw_codes] if n else raw_codes
    ids = np.fromiter((a.redevable_id for a in accounts), dtype=np.int64, count=n)
    control = allocate_controls(stratum_codes, ids, criteria.control_fraction, criteria.seed)

    # balance
    levels = []
    for variable, pos in (("product_mix", 1), ("amount_band", 2), ("structure", 0)):
        values = sorted({k[pos] for k in ordered_keys}) if variable != "amount_band" else list(range(len(blabels)))
        index = {v: j for j, v in enumerate(values)}
        per_stratum = np.array([index[k[pos]] for k in ordered_keys], dtype=np.int64)
        codes = per_stratum[stratum_codes] if n else stratum_codes
        if variable == "amount_band":
            labels = list(blabels)
        elif variable == "structure":
            labels = [bal.structure_label(v) for v in values]
        else:
            labels = list(values)
        levels.extend(bal.level_balance(variable, labels, codes, control))

    labels_cov = (
        ("total_cents", "Reste à recouvrer du périmètre (centimes)", True),
        ("due_impots_cents", "Reste à recouvrer impôts (centimes)", True),
        ("due_amendes_cents", "Reste à recouvrer amendes (centimes)", True),
        ("due_secteur_local_cents", "Reste à recouvrer secteur local (centimes)", True),
        ("hospital_cents", "Reste à recouvrer hospitalier (centimes)", True),
        ("creance_count", "Nombre de créances", False),
        ("oldest_debt_age_days", "Ancienneté de la dette la plus ancienne (jours)", False),
    )
    covariates = [
        bal.covariate_balance(name, label, cov[:, j], control, cents=cents)
        for j, (name, label, cents) in enumerate(labels_cov)
    ]
    n_control = int(control.sum())
    table = BalanceTable(
        n_panel=n - n_control,
        n_control=n_control,
        levels=tuple(levels),
        covariates=tuple(covariates),
        strata=tuple(bal.strata_counts(strata, stratum_codes, control)),
    )

    # members
    members: list[Member] = []
    manual: list[ManualEntry] = []
    control_list = control.tolist()
    codes_list = stratum_codes.tolist()
    seed = criteria.seed
    for i, a in enumerate(accounts):
        pl = placements[a.redevable_id]
        choice = pl.address
        code_insee = choice.code_insee if choice else None
        obs = choice.observation if choice else None
        stratum = strata[codes_list[i]]
        if control_list[i]:
            reason = f"Groupe témoin (tirage stratifié, graine {seed}) : gestion habituelle maintenue"
            if pl.structure_code:
                reason += f" ; structure qui l'aurait pris en charge : {pl.structure_code}"
            members.append(Member(a.redevable_id, Group.CONTROL, None, reason, stratum, code_insee, obs))
        else:
            members.append(Member(a.redevable_id, Group.PANEL, pl.structure_code, pl.reason, stratum, code_insee, obs))
            if pl.structure_code is None:
                manual.append(ManualEntry(a.redevable_id, pl.code.value, pl.reason, pl.candidates, code_insee))
    return PanelResult(
        criteria=criteria,
        reference_date=today,
        members=tuple(members),
        selection=report,
        balance=table,
        manual=tuple(manual),
    )


def compose_panel(
    accounts: Iterable[AccountSummary],
    structures: Iterable[StructureInfo] | Territory,
    criteria: Criteria,
    *,
    as_of: date | None = None,
    communes: Mapping[str, str] | None = None,
    postcodes: Mapping[str, Sequence[str]] | None = None,
) -> PanelResult:
    """Whole composition. ``communes``: INSEE code → name (messages); ``postcodes``: postcode →
    INSEE codes (addresses without INSEE code). Deterministic for given criteria and seed."""
    territory = structures if isinstance(structures, Territory) else Territory(structures, communes, postcodes)
    selection = select(accounts, criteria, territory, as_of=as_of)
    placements = place_accounts(selection, criteria, territory)
    return randomise(selection, placements, criteria)
