"""The whole chain on a generated population: structures, files, imports, and what follows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest.loader import import_file
from . import structures as structure_service

Say = Callable[[str], None]


@dataclass
class DemoSteps:
    """Steps that later areas add to the demo (matching, panels, plans, demo users)."""

    after_import: list[Callable[[Path, Say], None]] = field(default_factory=list)
    # run after every after_import step (matching included): panels need consolidated accounts
    after_matching: list[Callable[[Path, Say], None]] = field(default_factory=list)


STEPS = DemoSteps()


def run_demo(persons: int, seed: int, out_dir: Path, say: Say) -> None:
    from ..demo.generate import generate_population
    from ..demo.structures import demo_structures

    say(f"Génération d'une population de {persons} personnes (graine {seed}) dans {out_dir}…")
    files = generate_population(persons, seed, out_dir)
    specs = [structure_service.StructureSpec(code=s.code, name=s.name, type=s.type, departement=s.departement,
                                             products=tuple(s.products), communes=tuple(s.communes),
                                             configuration=s.configuration) for s in demo_structures()]
    count = structure_service.upsert_structures(specs)
    say(f"{count} structures créées ou mises à jour.")
    for source, path in (("impots", files.impots), ("amendes", files.amendes),
                         ("secteur_local", files.secteur_local)):
        report = import_file(source, path)
        say(f"Import {source} : {report.summary()}")
    for step in STEPS.after_import:
        step(out_dir, say)
    for step in STEPS.after_matching:
        step(out_dir, say)


from .panels import demo_panels  # noqa: E402  (panels step: after matching)

STEPS.after_matching.append(demo_panels)
