"""Joint SATD for one account or for a structure's whole work list (``mrf satd issue|batch``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import Document, Structure
from ..comptes import famille, worklist
from ..comptes.consolide import AccountNotFound, ConfigError, PoursuitesError
from ..comptes.liste import accounts_of_structure
from ..errors import Introuvable
from . import actes
from .perimetre import RefusTraitement


class StructureInconnue(Introuvable):
    def __init__(self, code: str) -> None:
        super().__init__(f"Structure inconnue : « {code} ».")


@dataclass
class BatchReport:
    """What a batch did: accounts examined, accounts with at least one SATD, PDF written, errors."""

    examined: int = 0
    issued_accounts: int = 0
    paths: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def write_documents(documents: list[Document], out: Path) -> list[Path]:
    """Each document's PDF as ``out/<number>.pdf``."""
    paths = []
    for doc in documents:
        path = out / f"{doc.number}.pdf"
        path.write_bytes(doc.pdf)
        paths.append(path)
    return paths


def issue_for_account(redevable_id: int, tiers: int | None, on: date, out: Path,
                      structure_code: str | None = None) -> tuple[list[Path], list[str]]:
    """Issue the SATD of the plan (every tiers, or one; only the créances of ``structure_code``
    when given): (paths written, French errors)."""
    if tiers is not None:
        return _issue_to(redevable_id, [tiers], on, out, structure_code)
    # the plan is recomputed after each SATD: once one covers a créance, the library plans no second
    # full-amount SATD to another tiers for it (over-seizure)
    paths: list[Path] = []
    errors: list[str] = []
    tried: set[int] = set()
    while True:
        view = actes.build_plan(redevable_id, on)
        targets = list(dict.fromkeys(  # one call per tiers: it issues every comptable's step it may
            int(step.tiers[0].id) for step in view.satd_steps
            if int(step.tiers[0].id) not in tried
            and (structure_code is None
                 or any(view.creances[c].comptable_code == structure_code for c in step.creance_ids))))
        if not targets and not tried and view.satd_steps and structure_code is not None and view.group != "none":
            # SATD planned for the account's other comptables only: asking is acting outside one's scope (refused)
            targets = [int(view.satd_steps[0].tiers[0].id)]
        if not targets:
            return paths, errors
        tried.add(targets[0])
        more_paths, more_errors = _issue_to(redevable_id, targets[:1], on, out, structure_code)
        paths += more_paths
        errors += more_errors


def _issue_to(redevable_id: int, targets: list[int], on: date, out: Path,
              structure_code: str | None) -> tuple[list[Path], list[str]]:
    paths, errors = [], []
    for target in targets:
        try:
            docs = actes.issue_satd(redevable_id, target, None, on, structure_code)
        except RefusTraitement:
            raise  # a treatment action refused by the panel's scope: the caller's refusal, not a failed SATD
        except (PoursuitesError, AccountNotFound, ConfigError) as exc:
            errors.append(f"Compte {redevable_id}, tiers {target} : {exc}")
            continue
        paths += write_documents(docs, out)
    return paths, errors


def batch_accounts(structure_code: str, limit: int | None = None) -> list[int]:
    """The surviving accounts of a structure's work list, by id (every merge followed to its end)."""
    with db.new_session() as session:
        structure_id = session.scalar(select(Structure.id).where(Structure.code == structure_code))
        if structure_id is None:
            raise StructureInconnue(structure_code)
        ids = session.scalars(accounts_of_structure(structure_id)).all()
        roots = sorted(set(famille.roots_of(session, ids).values()))
    return roots if limit is None else roots[:limit]


def issue_batch(roots: list[int], on: date, out: Path, structure_code: str,
                each: Callable[[int, list[Path]], None] | None = None) -> BatchReport:
    """Issue the SATD of every account in ``roots`` for ``structure_code``; one account in error never
    stops the batch. ``each(account, paths)`` is called after every account (progress, output)."""
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    lists = worklist.WriterRefresh()  # the acts change the accounts' entries: refreshed as the batch goes
    for rid in roots:
        try:
            paths, errors = issue_for_account(rid, None, on, out, structure_code)
        except Exception as exc:  # noqa: BLE001 - one account in error never stops the batch
            paths, errors = [], [f"Compte {rid} : {exc.__class__.__name__} : {exc}"]
        report.examined += 1
        report.issued_accounts += bool(paths)
        report.paths += paths
        report.errors += errors
        if each is not None:
            each(rid, paths)
        lists.tick()
    lists.done()
    return report


@dataclass(frozen=True)
class SatdPrevue:
    """One SATD the batch would issue: the account, the tiers, the créances and the amount."""

    redevable_id: int
    redevable: str
    action: str
    tiers: str
    creances: int
    total_cents: int


@dataclass(frozen=True)
class ApercuLot:
    structure: str
    on: date
    accounts: int  # accounts of the structure's work list
    examined: int  # accounts whose plan was read for the preview
    satd: tuple[SatdPrevue, ...]

    @property
    def total_cents(self) -> int:
        return sum(s.total_cents for s in self.satd)


def preview_batch(structure_code: str, on: date | None = None, limit: int = 40) -> ApercuLot:
    """What ``issue_batch`` would issue for the structure, read from the plans of the first ``limit``
    accounts of its work list (a plan costs tens of milliseconds: the preview stays a page)."""
    on = on or date.today()
    ids = batch_accounts(structure_code)
    prevues: list[SatdPrevue] = []
    for rid in ids[:limit]:
        try:
            view = actes.build_plan(rid, on)
        except (AccountNotFound, ConfigError, PoursuitesError):
            continue
        for step in view.satd_steps:
            if view.step_comptable(step) not in (None, structure_code):
                continue  # another comptable's SATD: not this structure's to issue
            prevues.append(SatdPrevue(rid, view.redevable_name, step.label, step.tiers[0].name,
                                      len(step.creance_ids), step.total_cents))
    return ApercuLot(structure_code, on, len(ids), min(limit, len(ids)), tuple(prevues))
