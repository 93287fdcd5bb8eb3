"""Demo step after matching: one panel per experimental configuration, built and published."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

import panels as lib

from ..extensions import db
from ..models import Panel, Redevable, Structure, StructureCommune
from ..services.panels.composition import publish_panel, save_panel
from .generate import TODAY, CommonDebtors
from .structures import demo_structures

Say = Callable[[str], None]

#: Experimental panels of the demo: (name, configuration, products, départements, structures
#: whose territory limits the communes, or None for the whole départements, description).
DEMO_PANELS: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...] | None, str], ...] = (
    ("mrf-c1-auxerre-le-puy", 1, ("amendes", "impots"), ("43", "89"), ("SIP-AUXERRE", "SIP-LE-PUY"),
     "Configuration 1 : amendes et impôts au SIP d'Auxerre et au SIP du Puy-en-Velay"),
    ("mrf-c2-nevers", 2, ("amendes", "hopital"), ("58",), None,
     "Configuration 2 : amendes et créances hospitalières à la trésorerie de Nevers hôpital et amendes"),
    ("mrf-c3-alpes-maritimes", 3, ("amendes", "impots"), ("06",), None,
     "Configuration 3 : amendes et impôts à la trésorerie amendes des Alpes-Maritimes"),
)


#: Common debtors appended to the plain population for each demo panel, per person of it, and their sources
#: (I impôts, A amendes, S secteur local): the plain stream alone gives groups of a few dozen at 2,000
#: persons, too small to show an effect; with these, a few hundred per group (benchmarks/evaluation_demo.py).
COMMON_DEBTORS: dict[str, tuple[float, tuple[str, ...]]] = {
    "mrf-c1-auxerre-le-puy": (0.26, ("IA", "IA", "IAS")),
    "mrf-c2-nevers": (0.30, ("AS", "AS", "IAS")),
    "mrf-c3-alpes-maritimes": (0.14, ("IA", "IA", "IAS")),
}


def demo_common_debtors(persons: int) -> tuple[CommonDebtors, ...]:
    """The common debtors to append to a plain population of ``persons`` so that each demo panel has
    a few hundred debtors per group; they live in the panel's territory and owe its products."""
    structures = demo_structures()
    out = []
    for name, _configuration, products, deps, codes, _description in DEMO_PANELS:
        share, combos = COMMON_DEBTORS[name]
        communes = sorted({c for s in structures if (s.code in codes if codes else s.departement in deps)
                           for c in s.communes})
        out.append(CommonDebtors(persons=round(persons * share), communes=tuple(communes), combos=combos,
                                 hospital="hopital" in products))
    return tuple(out)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def demo_criteria(name: str, configuration: int, products: tuple[str, ...], departements: tuple[str, ...],
                  communes: list[str] | None, description: str, reference_date: date, seed: int = 2027) -> str:
    lines = [
        f'name = "{name}"',
        f'description = "{description}"',
        f"configuration = {configuration}",
        f"products = {_toml_list(products)}",
        f"departements = {_toml_list(departements)}",
    ]
    if communes:
        lines.append(f"communes = {_toml_list(communes)}")
    lines += [
        "min_total_cents = 5000",  # 50 € at least on the panel's products
        # no exclude_prescription_within_days: the demo population has no interrupting acts, so
        # most accounts hold an old amende already prescribed on paper
        # half and half: the largest comparable groups a demo population allows (evaluation, issue 18)
        "control_share = 0.5",
        f"seed = {seed}",
        f"reference_date = {reference_date.isoformat()}",
    ]
    return "\n".join(lines) + "\n"


def demo_panels(out_dir: Path, say: Say) -> None:
    """Demo step (after matching): one panel per experimental configuration, built and published;
    criteria written to ``out_dir``."""
    with db.new_session() as session:
        accounts = session.scalar(select(func.count()).select_from(Redevable)
                                  .where(Redevable.merged_into_id.is_(None))) or 0
        territories = defaultdict(list)
        for code, insee in session.execute(select(Structure.code, StructureCommune.code_insee)
                                           .join(StructureCommune, StructureCommune.structure_id == Structure.id)):
            territories[code].append(insee)
        statuses = dict(session.execute(select(Panel.name, Panel.status)).all())
    if not accounts:
        say("Panels : aucun compte consolidé (rapprochement non fait) ; étape ignorée.")
        return
    sizes: list[tuple[str, int, int]] = []
    for name, configuration, products, deps, structures, description in DEMO_PANELS:
        if statuses.get(name, lib.PanelState.DRAFT.value) != lib.PanelState.DRAFT.value:
            say(f"Panel {name} déjà {lib.PanelState(statuses[name]).label} : conservé tel quel.")
            continue
        communes = sorted({c for s in structures for c in territories.get(s, ())}) if structures else None
        text = demo_criteria(name, configuration, products, deps, communes, description, TODAY)
        path = Path(out_dir) / f"panel-{name}.toml"
        path.write_text(text, encoding="utf-8")
        panel = save_panel(text, outside_published=True)  # the demo's panels never overlap
        counts = panel.report["counts"]
        if counts["panel"] + counts["control"] == 0:
            say(f"Panel {name} : aucun redevable retenu ; laissé en brouillon ({path}).")
            continue
        publish_panel(name)
        structures_line = ", ".join(f"{code} {n}" for code, n in panel.report["structures"].items()) or "aucune"
        say(f"Panel {name} publié ({path.name}) : {counts['panel']} traités, {counts['control']} témoins, "
            f"{counts['manual']} à affecter à la main ; structures : {structures_line}.")
        sizes.append((name, counts["panel"], counts["control"]))
    if sizes:
        say("Tailles des groupes (traités / témoins) : "
            + " ; ".join(f"{name} {treated} / {control}" for name, treated, control in sizes)
            + f" ; en tout {sum(t for _, t, _ in sizes)} / {sum(c for _, _, c in sizes)}.")
