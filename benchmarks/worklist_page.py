"""How long the work-list page takes with a next action on each of its 50 rows, on the demo.

    .venv/bin/python benchmarks/worklist_page.py                        # builds the demo (2,000 persons, seed 1)
    .venv/bin/python benchmarks/worklist_page.py --instance /tmp/demo   # reuses an instance's SQLite database

Times ``GET /travail`` (page 1 to ``--pages``, 50 rows each, of the structure with the most entries, as one of
its agents; median of ``--repeat`` displays) in three situations:

- **avant**: the former rule, a plan computed at each display for the first 10 rows only;
- **à froid**: every row's action computed at its first display of the day (nothing precomputed);
- **précalculé**: the actions stored (``mrf worklist refresh`` or the job ran, or the page was seen today).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "cheval-agrafe-batterie-1"


def _sign_in(client, login: str) -> None:  # noqa: ANN001
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    response = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.status_code


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", help="dossier d'instance dont la base SQLite contient déjà la démo")
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import delete, func, select

    from mrf import create_app, schema
    from mrf.extensions import db
    from mrf.models import Structure, WorklistAction, WorklistEntry
    from mrf.services.admin.users import create_user
    from mrf.services.comptes import worklist
    from mrf.web import worklist as view

    tmp = tempfile.TemporaryDirectory()
    instance = Path(args.instance) if args.instance else Path(tmp.name)
    db_file = next(instance.glob("*.sqlite3"), None) if args.instance else None
    url = f"sqlite:///{db_file or instance / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "TESTING": True,
                      "WTF_CSRF_ENABLED": True})
    with app.app_context():
        schema.upgrade(url)
        if db_file is None:
            from mrf.demo.run import run_demo

            run_demo(args.persons, args.seed, instance / "demo", lambda _m: None)
        worklist.sync()
        with db.new_session() as s:
            sid, n = s.execute(select(WorklistEntry.structure_id, func.count()).group_by(WorklistEntry.structure_id)
                               .order_by(func.count().desc()).limit(1)).one()
            code = s.scalar(select(Structure.code).where(Structure.id == sid))
        login = f"mesure-liste-{code}".lower()
        try:
            create_user(login, "agent", PASSWORD, code)
        except Exception:  # noqa: BLE001 — already created by an earlier run on this instance
            pass
        client = app.test_client()
        _sign_in(client, login)
        print(f"Structure {code} : {n} comptes dans sa liste ; pages 1 à {args.pages}, 50 lignes, "
              f"médiane de {args.repeat} affichages.")

        def forget() -> None:
            with db.transaction() as s:
                s.execute(delete(WorklistAction))

        def timed(page: int, before: object = None) -> float:
            if before:
                before()
            t0 = time.perf_counter()
            response = client.get(f"/travail?page={page}")
            elapsed = time.perf_counter() - t0
            assert response.status_code == 200
            return elapsed

        client.get("/travail")  # the day's refresh, templates compiled
        results: dict[str, list[float]] = {}
        new_rule = view.actions_du_jour
        from mrf.services.poursuites.prochaine_action import prochaines_actions

        def former(ids: list[int], today: object = None) -> dict:
            return prochaines_actions(ids[:10])

        view.actions_du_jour = former
        results["avant (10 lignes, plan à chaque affichage)"] = [
            statistics.median(timed(p) for _ in range(args.repeat)) for p in range(1, args.pages + 1)]
        view.actions_du_jour = new_rule
        results["à froid (50 lignes, plans calculés puis gardés)"] = [
            statistics.median(timed(p, forget) for _ in range(args.repeat)) for p in range(1, args.pages + 1)]
        results["précalculé (50 lignes lues)"] = [
            statistics.median(timed(p) for _ in range(args.repeat)) for p in range(1, args.pages + 1)]
        for label, values in results.items():
            print(f"{label:<50} " + "  ".join(f"p{i}={v * 1000:.0f} ms" for i, v in enumerate(values, 1)))
        with db.new_session() as s:
            ids = worklist.first_accounts(s, 10 * worklist.PER_PAGE)
        forget()
        from mrf.services.poursuites.prochaine_action import precalculer

        t0 = time.perf_counter()
        done = precalculer(ids)
        print(f"Précalcul (mrf worklist refresh, 10 pages par structure) : {done} comptes en "
              f"{time.perf_counter() - t0:.1f} s.")


if __name__ == "__main__":
    main()
