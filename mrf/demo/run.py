"""The whole chain on a generated population: structures, files, imports, matching, panels,
renseignements, simulated months after publication (evaluation), commissaires de justice, demo
users — in that order, each step from its own service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..ingest.loader import import_file
from ..services.admin import structures as structure_service

Say = Callable[[str], None]


def run_demo(persons: int, seed: int, out_dir: Path, say: Say, *, months: int = 12,
             instance_dir: Path | None = None) -> None:
    from ..services.identite.rapprochement import run_batch
    from .generate import generate_population
    from .panels import demo_common_debtors, demo_panels
    from .structures import demo_structures

    common = demo_common_debtors(persons)
    say(f"Génération d'une population de {persons} personnes (graine {seed}) dans {out_dir}, plus "
        f"{sum(g.persons for g in common)} débiteurs communs dans les territoires des panels…")
    files = generate_population(persons, seed, out_dir, common)
    specs = [structure_service.StructureSpec(code=s.code, name=s.name, type=s.type, departement=s.departement,
                                             products=tuple(s.products), communes=tuple(s.communes),
                                             configuration=s.configuration) for s in demo_structures()]
    count = structure_service.upsert_structures(specs)
    say(f"{count} structures créées ou mises à jour.")
    for source, path in (("impots", files.impots), ("amendes", files.amendes),
                         ("secteur_local", files.secteur_local)):
        report = import_file(source, path)
        say(f"Import {source} : {report.summary()}")
    say("Rapprochement des identités…")
    say(run_batch().summary())
    demo_panels(out_dir, say)
    from .renseignements import demo_renseignements

    demo_renseignements(out_dir, say, seed)
    if months > 0:  # 0: panels published today, no simulated months (benchmarks/evaluation_demo.py)
        from .evaluation import demo_evaluation

        # Before the commissaires' step: the simulated months are the only payments the evaluation's
        # truth speaks of, and the bilans must not pay a créance the simulation then wants to pay.
        demo_evaluation(instance_dir or out_dir, say, seed, months)
    if months > 0:  # months=0 (benchmarks/evaluation_demo.py) simulates later, on copies: the études' bilans
        # would pay créances before the simulated months do, which the evaluation's truth does not know
        from .etudes import demo_etudes

        demo_etudes(out_dir, say, seed)
    from .users import create_demo_users

    create_demo_users(say)
