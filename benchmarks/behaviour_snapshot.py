"""Snapshot of what the ``mrf`` command prints on a seeded demo, to prove a refactoring changed nothing.

    python benchmarks/behaviour_snapshot.py --out snapshot.json [--persons 3000 --seed 7]
    python benchmarks/behaviour_snapshot.py --out new.json --compare old.json   # exit 1 on any difference

Builds the demo in a fresh temporary instance (SQLite), then records, through the real click commands run
in-process (Flask's CLI runner): ``mrf plan ID --json`` for every account, ``mrf panel show NAME --json``
for every panel and ``mrf stats --json``. Plans use today's date: compare two runs of the same day;
timestamps of the run (keys ending in ``_at``) are not compared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# The script's folder holds benchmarks named like the libraries (panels.py…): import the real ones.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def _run(runner, args: list[str]) -> dict:
    result = runner.invoke(args=args)
    out = result.output
    try:
        parsed = json.loads(out)
    except ValueError:
        parsed = out
    return {"exit": result.exit_code, "output": parsed}


def snapshot(persons: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="mrf-snapshot-") as tmp:
        os.environ["MRF_INSTANCE_PATH"] = tmp
        os.environ["MRF_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'mrf.sqlite3'}"
        os.environ.setdefault("MRF_SECRET_KEY", "snapshot")
        from mrf import create_app

        app = create_app()
        runner = app.test_cli_runner(mix_stderr=False) if _accepts_mix_stderr(app) else app.test_cli_runner()
        started = time.monotonic()
        demo = runner.invoke(args=["demo", "--persons", str(persons), "--seed", str(seed)])
        if demo.exit_code != 0:
            raise SystemExit(f"mrf demo a échoué : {demo.output}\n{demo.exception!r}")
        print(f"demo {persons} personnes : {time.monotonic() - started:.1f} s", file=sys.stderr)
        from sqlalchemy import select

        from mrf.extensions import db
        from mrf.models import Redevable

        with app.app_context(), db.new_session() as session:
            ids = list(session.scalars(select(Redevable.id).order_by(Redevable.id)))
        started = time.monotonic()
        plans = {str(rid): _run(runner, ["plan", str(rid), "--json"]) for rid in ids}
        print(f"{len(ids)} plans : {time.monotonic() - started:.1f} s", file=sys.stderr)
        listing = _run(runner, ["panel", "list", "--json"])
        names = [row["name"] for row in listing["output"]] if isinstance(listing["output"], list) else []
        panels = {name: _run(runner, ["panel", "show", name, "--json"]) for name in names}
        return {"persons": persons, "seed": seed, "plans": plans, "panel_list": listing, "panels": panels,
                "stats": _run(runner, ["stats", "--json"])}


def _accepts_mix_stderr(app) -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def _differences(old, new, path: str = "") -> list[str]:
    """Every difference, as French lines; keys ending in ``_at`` (the moment a row was written during
    the run, e.g. a panel's ``created_at``) are wall-clock times, not behaviour, and are skipped."""
    if path.rsplit("/", 1)[-1].endswith("_at"):
        return []
    if type(old) is not type(new):
        return [f"{path}: {old!r} → {new!r}"]
    if isinstance(old, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            if key not in old:
                found.append(f"{path}/{key}: ajouté")
            elif key not in new:
                found.append(f"{path}/{key}: disparu")
            else:
                found += _differences(old[key], new[key], f"{path}/{key}")
        return found
    if isinstance(old, list):
        if len(old) != len(new):
            return [f"{path}: {len(old)} éléments → {len(new)}"]
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True)) for d in _differences(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: {old!r} → {new!r}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="Fichier JSON du cliché.")
    parser.add_argument("--compare", type=Path, default=None, help="Cliché précédent à comparer.")
    args = parser.parse_args()
    data = snapshot(args.persons, args.seed)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    print(f"{len(data['plans'])} comptes, {len(data['panels'])} panels → {args.out}")
    if args.compare is None:
        return
    found = _differences(json.loads(args.compare.read_text()), json.loads(args.out.read_text()))
    for line in found[:200]:
        print(line)
    print(f"{len(found)} différence(s).")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
