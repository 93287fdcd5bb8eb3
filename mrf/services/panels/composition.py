"""Panels of common debtors, in the application: compose from the database, keep drafts, publish
(freeze members and write the assignments), close, route later créances, propose reassignments.

The rules (selection, control group, one structure per treated debtor, lifecycle, routing) are
the ``panels`` library's; this module only loads its inputs and persists its results. One
transaction per use case. Assignments are acts: append-only (the latest row per redevable is in
force; a row without structure ends the mutualised treatment).

Size (over 400 lines): the use cases of one panel's life (compose, publish, close, route,
reassign) share their loading helpers; a split by use case is possible but was not needed yet.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, aliased

import panels as lib
from matching.reference import load_reference

from ...extensions import db
from ...models import (
    Assignment,
    AuditLog,
    Creance,
    Panel,
    PanelMember,
    ReassignmentProposal,
    RecordLink,
    Structure,
    StructureCommune,
)
from ..comptes import famille
from ..comptes.resume import load_account_summaries
from ..errors import Introuvable, Refus
from ..evaluation.baseline import member_details, record_baseline

Say = Callable[[str], None]


class PanelNotFound(Introuvable):
    """Unknown panel name (French message)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Panel inconnu : « {name} ».")
        self.name = name


class PanelServiceError(Refus):
    """A refused request that is not a lifecycle transition (French message)."""


# --------------------------------------------------------------------------- inputs
@lru_cache(maxsize=1)
def _commune_names() -> dict[str, str]:
    return {code: c.nom for code, c in load_reference().by_code.items()}


def load_structure_infos(session: Session) -> list[lib.StructureInfo]:
    """Every structure with its territory, as the library takes them."""
    communes: dict[int, set[str]] = defaultdict(set)
    for sid, code in session.execute(select(StructureCommune.structure_id, StructureCommune.code_insee)):
        communes[sid].add(code)
    out = []
    for s in session.scalars(select(Structure).order_by(Structure.code)):
        try:
            type_ = lib.StructureType(s.type)
        except ValueError:
            continue
        out.append(lib.StructureInfo(code=s.code, name=s.name, type=type_, departement=s.departement,
                                     communes=frozenset(communes.get(s.id, ())),
                                     products=frozenset(s.products or ()), configuration=s.configuration))
    return out


def load_territory(session: Session) -> lib.Territory:
    """Structures' territories, commune names and postcode → communes (reference COG/La Poste)."""
    return lib.Territory(load_structure_infos(session), _commune_names(), load_reference().by_postcode)


def parse_panel_criteria(criteria_toml: str, seed: int | None = None) -> lib.Criteria:
    """Parse and validate the TOML; ``seed`` (when given) replaces the file's seed.

    Raises :class:`panels.CriteriaError` with the library's French message."""
    if seed is None:
        return lib.parse_criteria(criteria_toml)
    try:
        data = tomllib.loads(criteria_toml)
    except tomllib.TOMLDecodeError:
        return lib.parse_criteria(criteria_toml)  # raises the library's message
    data["seed"] = seed
    return lib.criteria_from_mapping(data)


def _as_of(criteria: lib.Criteria, as_of: date | None) -> date:
    return as_of or criteria.reference_date or date.today()


def _compose(criteria: lib.Criteria, as_of: date, *, outside_published: bool = False) -> lib.PanelResult:
    """``outside_published``: leave out the debtors already members of a published panel (other than this
    one), so that the new panel cannot overlap them (the demo composes its panels one after another)."""
    with db.new_session() as session:
        territory = load_territory(session)
        accounts = load_account_summaries(session, as_of)
        if outside_published:
            taken = set(session.scalars(
                select(PanelMember.redevable_id).join(Panel, Panel.id == PanelMember.panel_id)
                .where(Panel.status == lib.PanelState.PUBLISHED.value, Panel.name != criteria.name)))
            accounts = [a for a in accounts if a.redevable_id not in taken]
    return lib.compose_panel(accounts, territory, criteria, as_of=as_of)


def preview_panel(criteria_toml: str, seed: int | None = None, as_of: date | None = None) -> lib.PanelResult:
    """Compose a panel from the database without writing anything."""
    criteria = parse_panel_criteria(criteria_toml, seed)
    return _compose(criteria, _as_of(criteria, as_of))


# --------------------------------------------------------------------------- persistence helpers
def _state(panel: Panel) -> lib.PanelState:
    return lib.PanelState(panel.status)


def _get(session: Session, name: str, *, lock: bool = False) -> Panel:
    stmt = select(Panel).where(Panel.name == name)
    if lock:
        stmt = stmt.with_for_update()
    panel = session.scalar(stmt)
    if panel is None:
        raise PanelNotFound(name)
    return panel


def _audit(session: Session, agent_id: int | None, action: str, name: str, details: dict) -> None:
    session.add(AuditLog(agent_id=agent_id, action=action, object_type="panel", object_id=name[:64],
                         details={"panel": name, **details}))


def _report(result: lib.PanelResult) -> dict[str, Any]:
    """What is kept with a panel: the result without the member list (members are rows), plus
    each member's stratum and the address its placement used (for later reassignments)."""
    report = result.to_dict(include_members=False)
    report["member_details"] = {
        str(m.redevable_id): {
            "stratum": m.stratum.key,
            "code_insee": m.code_insee,
            "address": m.address.to_dict() if m.address else None,
        }
        for m in result.members
    }
    return report


def _structure_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Structure.code, Structure.id)).all())


def _structure_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Structure.id, Structure.code)).all())


def current_assignments(session: Session, redevable_ids: Iterable[int] | None = None) -> dict[int, Assignment]:
    """The assignment in force per redevable (latest row), whether it names a structure or ends one."""
    latest = select(func.max(Assignment.id)).group_by(Assignment.redevable_id)
    if redevable_ids is not None:
        ids = sorted(set(redevable_ids))
        if not ids:
            return {}
        if len(ids) <= 5000:
            latest = latest.where(Assignment.redevable_id.in_(ids))
    rows = session.scalars(select(Assignment).where(Assignment.id.in_(latest.scalar_subquery())))
    out = {a.redevable_id: a for a in rows}
    if redevable_ids is not None:
        keep = set(redevable_ids)
        out = {k: v for k, v in out.items() if k in keep}
    return out


# --------------------------------------------------------------------------- lifecycle
def save_panel(criteria_toml: str, seed: int | None = None, agent_id: int | None = None,
               as_of: date | None = None, *, outside_published: bool = False) -> Panel:
    """Compose and keep a draft; re-saving a draft of the same name recomputes it (new criteria
    allowed). A published or closed panel is refused with the library's message. ``outside_published``:
    see :func:`_compose`."""
    criteria = parse_panel_criteria(criteria_toml, seed)
    with db.new_session() as session:
        existing = session.scalar(select(Panel.status).where(Panel.name == criteria.name))
    if existing is not None:
        lib.next_state(lib.PanelState(existing), lib.PanelAction.RECOMPUTE)
    result = _compose(criteria, _as_of(criteria, as_of), outside_published=outside_published)
    with db.transaction() as session:
        panel = session.scalar(select(Panel).where(Panel.name == criteria.name).with_for_update())
        if panel is None:
            panel = Panel(name=criteria.name, created_by_id=agent_id, status=lib.PanelState.DRAFT.value)
            session.add(panel)
        else:
            lib.next_state(_state(panel), lib.PanelAction.RECOMPUTE)
            session.execute(delete(PanelMember).where(PanelMember.panel_id == panel.id))
        panel.configuration = criteria.configuration
        panel.criteria_toml = criteria_toml
        panel.seed = criteria.seed
        panel.report = _report(result)
        session.flush()
        ids = _structure_ids(session)
        rows = [{"panel_id": panel.id, "redevable_id": m.redevable_id, "group": m.group.value,
                 "structure_id": ids.get(m.structure_code) if m.structure_code else None, "reason": m.reason}
                for m in result.members]
        if rows:
            session.execute(insert(PanelMember), rows)
        _audit(session, agent_id, "panel_brouillon", panel.name,
               {"seed": panel.seed, "criteria_digest": criteria.digest(), "digest": result.digest(),
                "counts": panel.report["counts"]})
    return panel


def publish_panel(name: str, agent_id: int | None = None, on: date | None = None) -> Panel:
    """Freeze the draft's members and write one Assignment per treated member placed on a
    structure (the others stay on the manual-assignment list, with their reason). One transaction."""
    on = on or date.today()
    with db.transaction() as session:
        panel = _get(session, name, lock=True)
        lib.next_state(_state(panel), lib.PanelAction.PUBLISH)
        n_members = session.scalar(select(func.count()).select_from(PanelMember)
                                   .where(PanelMember.panel_id == panel.id))
        if not n_members:
            raise lib.TransitionRefused("Publication refusée : le panel ne compte aucun membre.")
        mine = aliased(PanelMember)
        other = (select(Panel.name, func.count())
                 .join(PanelMember, PanelMember.panel_id == Panel.id)
                 .where(Panel.status == lib.PanelState.PUBLISHED.value, Panel.id != panel.id,
                        PanelMember.redevable_id.in_(select(mine.redevable_id).where(mine.panel_id == panel.id)))
                 .group_by(Panel.name).order_by(Panel.name))
        overlaps = session.execute(other).all()
        if overlaps:
            detail = ", ".join(f"{n} dans « {p} »" for p, n in overlaps)
            raise lib.TransitionRefused(
                f"Publication refusée : des redevables du panel appartiennent déjà à un panel publié ({detail}).")
        now = datetime.now(UTC)
        treated = session.execute(
            select(PanelMember.redevable_id, PanelMember.structure_id, PanelMember.reason)
            .where(PanelMember.panel_id == panel.id, PanelMember.group == lib.Group.PANEL.value,
                   PanelMember.structure_id.is_not(None))
            .order_by(PanelMember.redevable_id)).all()
        if treated:
            codes = _structure_codes(session)
            session.execute(insert(Assignment), [
                {"redevable_id": rid, "structure_id": sid, "panel_id": panel.id,
                 "reason": f"Panel {panel.name}, affectation à {codes[sid]} : {reason}", "created_at": now,
                 "agent_id": agent_id}
                for rid, sid, reason in treated])
        panel.status = lib.PanelState.PUBLISHED.value
        panel.published_at = now
        panel.published_by_id = agent_id
        record_baseline(session, panel.id, now)  # issue 18: amounts due per member and category, frozen
        _audit(session, agent_id, "panel_publication", panel.name,
               {"on": on.isoformat(), "assignments": len(treated), "members": n_members})
    return panel


def close_panel(name: str, agent_id: int | None = None, on: date | None = None) -> Panel:
    """Close a published panel: the assignments it made and that are still in force end
    (a new row without structure each: back to the usual circuit)."""
    on = on or date.today()
    with db.transaction() as session:
        panel = _get(session, name, lock=True)
        state = _state(panel)
        published_on = panel.published_at.date() if panel.published_at else None
        lib.Panel(criteria=parse_panel_criteria(panel.criteria_toml, panel.seed), state=state,
                  published_on=published_on).close(on)
        members = session.scalars(select(PanelMember.redevable_id).where(PanelMember.panel_id == panel.id)).all()
        in_force = current_assignments(session, members)
        now = datetime.now(UTC)
        ended = [{"redevable_id": rid, "structure_id": None, "panel_id": panel.id,
                  "reason": f"Clôture du panel {panel.name} : fin de la gestion mutualisée, retour au circuit "
                            f"habituel", "created_at": now, "agent_id": agent_id}
                 for rid, a in sorted(in_force.items()) if a.panel_id == panel.id and a.structure_id is not None]
        if ended:
            session.execute(insert(Assignment), ended)
        panel.status = lib.PanelState.CLOSED.value
        panel.closed_at = now
        panel.closed_by_id = agent_id
        _audit(session, agent_id, "panel_cloture", panel.name, {"on": on.isoformat(), "ended": len(ended)})
    return panel


def assign_manually(name: str, redevable_id: int, structure_code: str, agent_id: int | None = None,
                    reason: str | None = None) -> dict:
    """Assign a treated member of a published panel (manual list, or a change) to a structure."""
    with db.transaction() as session:
        panel = _get(session, name)
        if _state(panel) is not lib.PanelState.PUBLISHED:
            raise lib.TransitionRefused(
                f"Affectation refusée : le panel {name} est {_state(panel).label}, seules les affectations d'un "
                f"panel publié peuvent être faites.")
        member = session.scalar(select(PanelMember).where(PanelMember.panel_id == panel.id,
                                                          PanelMember.redevable_id == redevable_id))
        if member is None or member.group != lib.Group.PANEL.value:
            raise PanelServiceError(f"Le redevable {redevable_id} n'est pas un membre traité du panel {name}.")
        structure = session.scalar(select(Structure).where(Structure.code == structure_code))
        if structure is None:
            raise PanelServiceError(f"Structure inconnue : {structure_code}.")
        text = reason or "affectation manuelle"
        session.add(Assignment(redevable_id=redevable_id, structure_id=structure.id, panel_id=panel.id,
                               reason=f"Panel {name}, affectation à {structure_code} : {text}", agent_id=agent_id))
        _audit(session, agent_id, "panel_affectation", name, {"redevable_id": redevable_id,
                                                                "structure": structure_code, "reason": text})
    return {"redevable_id": redevable_id, "structure": structure_code,
            "reason": f"Panel {name}, affectation à {structure_code} : {text}"}


# --------------------------------------------------------------------------- reading
def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def show_panel(name: str) -> dict:
    """The panel as kept: configuration, state, selection report, balance, manual list and members
    (``structure``: the structure in charge, the assignment in force for a published panel)."""
    with db.new_session() as session:
        panel = _get(session, name)
        codes = _structure_codes(session)
        rows = session.execute(
            select(PanelMember.redevable_id, PanelMember.group, PanelMember.structure_id, PanelMember.reason)
            .where(PanelMember.panel_id == panel.id).order_by(PanelMember.redevable_id)).all()
        in_force: dict[int, Assignment] = {}
        if panel.status == lib.PanelState.PUBLISHED.value:
            in_force = {rid: a for rid, a in current_assignments(session, [r[0] for r in rows]).items()
                        if a.panel_id == panel.id and a.structure_id is not None}
        members = []
        details = member_details(session, panel.id)
        for rid, group, sid, reason in rows:
            a = in_force.get(rid)
            if a is not None and a.structure_id != sid:
                sid, reason = a.structure_id, a.reason
            members.append({"redevable_id": rid, "group": group,
                            "structure": codes.get(sid) if sid is not None else None, "reason": reason,
                            **details.get(rid, {"baseline": {}, "arrivals": {}})})
        report = dict(panel.report or {})
        report.pop("member_details", None)
        return {
            "name": panel.name,
            "configuration": panel.configuration,
            "status": panel.status,
            "seed": panel.seed,
            "products": report.get("products"),
            "reference_date": report.get("reference_date"),
            "created_at": _iso(panel.created_at),
            "published_at": _iso(panel.published_at),
            "closed_at": _iso(panel.closed_at),
            "counts": report.get("counts"),
            "structures": report.get("structures"),
            "selection": report.get("selection"),
            "balance": report.get("balance"),
            "manual": report.get("manual", []),
            "criteria_toml": panel.criteria_toml,
            "members": members,
        }


def list_panels() -> list[dict]:
    with db.new_session() as session:
        out = []
        for p in session.scalars(select(Panel).order_by(Panel.created_at, Panel.id)):
            counts = (p.report or {}).get("counts", {})
            out.append({"name": p.name, "configuration": p.configuration, "status": p.status, "seed": p.seed,
                        "n_panel": counts.get("panel", 0), "n_control": counts.get("control", 0),
                        "n_manual": counts.get("manual", 0), "created_at": _iso(p.created_at),
                        "published_at": _iso(p.published_at), "closed_at": _iso(p.closed_at)})
        return out


# --------------------------------------------------------------------------- after publication
def _observation(d: dict | None) -> lib.AddressObservation | None:
    if not d:
        return None
    return lib.AddressObservation(date.fromisoformat(d["observed_on"]), d["source"], lib.Reliability(d["reliability"]),
                                  d.get("code_insee"), d.get("postcode"))


def _stratum(key: str | None) -> lib.Stratum:
    if not key:
        return lib.Stratum("", "", 0, "")
    mix, band, structure = (key.split("|") + ["", "0", ""])[:3]
    return lib.Stratum("" if structure == "a_affecter" else structure, mix, int(band or 0), "")


def _membership(panel: Panel, state: lib.PanelState, products: tuple[str, ...], rid: int, group: str,
                structure_code: str | None, reason: str, in_force: str | None) -> lib.Membership:
    detail = ((panel.report or {}).get("member_details") or {}).get(str(rid), {})
    member = lib.Member(rid, lib.Group(group), structure_code, reason, _stratum(detail.get("stratum")),
                        detail.get("code_insee"), _observation(detail.get("address")))
    return lib.Membership(panel.name, state, products, member, in_force)


def _products(panel: Panel) -> tuple[str, ...]:
    products = (panel.report or {}).get("products")
    if products:
        return tuple(products)
    return parse_panel_criteria(panel.criteria_toml, panel.seed).products


def _root(session: Session, rid: int) -> int:
    root = famille.root_of(session, rid)
    return rid if root is None else root


def membership_of(session: Session, redevable_id: int) -> lib.Membership | None:
    """The redevable's place in the latest published panel holding it (None when in none)."""
    row = session.execute(
        select(Panel, PanelMember.group, PanelMember.structure_id, PanelMember.reason)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(PanelMember.redevable_id == redevable_id, Panel.status == lib.PanelState.PUBLISHED.value)
        .order_by(Panel.published_at.desc(), Panel.id.desc()).limit(1)).first()
    if row is None:
        return None
    panel, group, sid, reason = row
    codes = _structure_codes(session)
    current = current_assignments(session, [redevable_id]).get(redevable_id)
    in_force = codes.get(current.structure_id) if (
        current is not None and current.panel_id == panel.id and current.structure_id is not None) else None
    # the assigned structure takes only its configuration's categories (panels.scope), whatever else was selected
    products = tuple(p for p in _products(panel) if p in lib.CONFIGURATION_PRODUCTS.get(panel.configuration, ()))
    return _membership(panel, lib.PanelState.PUBLISHED, products, redevable_id, group,
                       codes.get(sid) if sid is not None else None, reason, in_force)


def route_creance(creance_id: int) -> dict:
    """Which structure takes a créance: the structure assigned to its debtor by a published panel
    (for a product of the panel), else its usual circuit (``structure`` = its own comptable)."""
    with db.new_session() as session:
        creance = session.get(Creance, creance_id)
        if creance is None:
            raise PanelServiceError(f"Créance inconnue : {creance_id}.")
        usual = session.scalar(select(Structure.code).where(Structure.id == creance.structure_id))
        rid = session.scalar(select(RecordLink.redevable_id)
                             .where(RecordLink.source_record_id == creance.source_record_id))
        if rid is None:
            return {"creance_id": creance_id, "redevable_id": None, "structure": usual, "panel": None,
                    "follows_panel": False, "reason": "Créance non rattachée à un compte consolidé : circuit habituel"}
        rid = _root(session, rid)
        membership = membership_of(session, rid)
        routing = lib.route_new_creance(
            membership, lib.NewCreance(rid, creance.product, creance.is_hospital, creance.reference))
        return {"creance_id": creance_id, "redevable_id": rid,
                "structure": routing.structure_code or usual,
                "panel": membership.panel_name if membership else None,
                "follows_panel": routing.structure_code is not None, "reason": routing.reason}


def reassignment_proposals(panel_name: str | None = None, *, as_of: date | None = None,
                           agent_id: int | None = None) -> list[dict]:
    """Look at the treated members of published panels: a member whose best-known address is now
    outside the territory of the structure in charge gets a ReassignmentProposal row (once: a
    pending proposal to the same structure is not repeated). Returns the proposals created."""
    as_of = as_of or date.today()
    with db.new_session() as session:
        q = select(Panel).where(Panel.status == lib.PanelState.PUBLISHED.value)
        if panel_name is not None:
            q = q.where(Panel.name == panel_name)
        published = session.scalars(q.order_by(Panel.id)).all()
        if panel_name is not None and not published:
            _get(session, panel_name)  # unknown → PanelNotFound
            raise lib.TransitionRefused(f"Le panel {panel_name} n'est pas publié : aucune réaffectation à proposer.")
        if not published:
            return []
        codes = _structure_codes(session)
        members = session.execute(
            select(PanelMember.panel_id, PanelMember.redevable_id, PanelMember.structure_id, PanelMember.reason)
            .where(PanelMember.panel_id.in_([p.id for p in published]), PanelMember.group == lib.Group.PANEL.value)
        ).all()
        in_force = current_assignments(session, [m[1] for m in members])
        from .reaffectation import pending_keys

        pending = pending_keys(session)
        territory = load_territory(session)
        accounts = {a.redevable_id: a for a in load_account_summaries(session, as_of, {m[1] for m in members})}
    by_id = {p.id: p for p in published}
    assigners = {p.id: lib.Assigner(territory, p.configuration, _products(p)) for p in published}
    new_rows = []
    for panel_id, rid, sid, reason in members:
        current = in_force.get(rid)
        if current is None or current.panel_id != panel_id or current.structure_id is None:
            continue
        account = accounts.get(rid)
        if account is None:
            continue
        choice = territory.best_address(account.addresses)
        if choice.observation is None:
            continue
        panel = by_id[panel_id]
        membership = _membership(panel, lib.PanelState.PUBLISHED, assigners[panel_id].products, rid,
                                 lib.Group.PANEL.value, codes.get(sid) if sid else None, reason,
                                 codes.get(current.structure_id))
        proposal = lib.propose_reassignment(membership, choice.observation, assigners[panel_id])
        if proposal is None:
            continue
        new_rows.append((panel, proposal))
    ids = {code: sid for sid, code in codes.items()}
    created = []
    with db.transaction() as session:
        for panel, p in new_rows:
            to_id = ids.get(p.to_structure) if p.to_structure else None
            if (p.redevable_id, panel.id, to_id) in pending:
                continue
            row = ReassignmentProposal(redevable_id=p.redevable_id, panel_id=panel.id,
                                       from_structure_id=ids.get(p.from_structure), to_structure_id=to_id,
                                       reason=p.reason)
            session.add(row)
            session.flush()
            created.append({"id": row.id, "redevable_id": p.redevable_id, "panel": panel.name,
                            "from_structure": p.from_structure, "to_structure": p.to_structure,
                            "code_insee": p.code_insee, "reason": p.reason})
        if created:
            _audit(session, agent_id, "panel_reaffectations", panel_name or "*", {"created": len(created)})
    return created


def decide_reassignment(proposal_id: int, accept: bool, agent_id: int | None = None,
                        structure_code: str | None = None, reason: str = "") -> dict:
    """Kept for callers of the first version: see :func:`mrf.services.panels.reaffectation.decide`."""
    from .reaffectation import decide

    return decide(proposal_id, accept, reason, agent_id, structure_code)
