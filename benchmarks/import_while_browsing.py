"""A 20,000-line import on SQLite while agents browse: the slowest page and the 5xx count.

A demo database (``mrf demo``, default 1,500 persons) is served by waitress on 127.0.0.1; a second,
independent population (another seed) gives the extract to import: its records are new, so the
import is followed by the attach of every one of them to accounts (short transactions). Meanwhile
``--clients`` signed-in agents open their work list, accounts and the search, in bounded loops (until
the import ends, at most ``--max-seconds`` and ``--max-requests`` per client).

    python benchmarks/import_while_browsing.py [--lines 20000] [--persons 1500] [--clients 4] [--postgresql]

The demo is followed by ``mrf worklist refresh``, the night's job of production (docs/worklist.md).
Target: no page over 1 s, no 5xx. Figures are printed per kind of page (account, work list, search), so
that a slow one names what it waited for."""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MRF = [sys.executable, "-c", "from mrf.cli import main; main()"]
PASSWORD = "mot-de-passe-de-mesure-42"
POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _run(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(MRF + args, env=env, cwd=ROOT, check=True, capture_output=True, text=True, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _extract(persons: int, lines: int, folder: Path) -> Path:
    """The impots file of another population, cut to ``lines`` lines."""
    sys.path.insert(0, str(ROOT))
    from mrf.demo.generate import generate_population

    files = generate_population(persons, seed=7, out_dir=folder)
    src = Path(files.impots).read_text(encoding="utf-8").splitlines(keepends=True)
    out = folder / "extrait_impots.csv"
    out.write_text("".join(src[:lines + 1]), encoding="utf-8")
    return out


class Client(threading.Thread):
    def __init__(self, base: str, login: str, paths: list[str], stop: threading.Event, max_requests: int) -> None:
        super().__init__(daemon=True)
        self.base, self.login, self.paths, self.stop, self.max_requests = base, login, paths, stop, max_requests
        self.times: list[float] = []
        self.kinds: list[str] = []
        self.mark = 0  # pages served before the import started
        self.errors_5xx = 0
        self.failure: str | None = None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def sign_in(self) -> None:
        page = self.opener.open(self.base + "/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"login": self.login, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(self.base + "/login", data=data, timeout=30).read()

    def run(self) -> None:
        try:
            self.sign_in()
            self.browse()
        except Exception as exc:  # noqa: BLE001 - reported at the end
            self.failure = f"{exc.__class__.__name__}: {exc}"

    def browse(self) -> None:
        i = 0
        while not self.stop.is_set() and i < self.max_requests:
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.perf_counter()
            try:
                self.opener.open(self.base + path, timeout=60).read()
            except urllib.error.HTTPError as exc:
                if exc.code >= 500:
                    self.errors_5xx += 1
            self.times.append(time.perf_counter() - started)
            self.kinds.append(path.split("?")[0].split("/")[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--persons", type=int, default=1_500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-seconds", type=int, default=900)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--postgresql", action="store_true", help="base PostgreSQL (MRF_TEST_POSTGRES_URL)")
    parser.add_argument("--avant", type=float, default=10, help="secondes de navigation avant l'import (référence)")
    parser.add_argument("--profil", help="fichier des piles du serveur pendant l'import (py-spy, format raw)")
    args = parser.parse_args()
    pg_name = f"mrf_bench_iwb_{uuid.uuid4().hex[:6]}" if args.postgresql else None
    if pg_name:
        from sqlalchemy import create_engine, text

        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
    try:
        run(args, pg_name)
    finally:
        if pg_name:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()


def _query(env: dict, tmp_path: Path, sql: str) -> list:
    if env.get("MRF_DATABASE_URL"):
        from sqlalchemy import create_engine, text

        engine = create_engine(env["MRF_DATABASE_URL"])
        with engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(text(sql))]
        engine.dispose()
        return rows
    import sqlite3

    db = sqlite3.connect(tmp_path / "instance" / "mrf.sqlite3")
    rows = list(db.execute(sql))
    db.close()
    return rows


def run(args: argparse.Namespace, pg_name: str | None) -> None:

    with tempfile.TemporaryDirectory(prefix="mrf-bench-iwb-") as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "MRF_INSTANCE_PATH": str(tmp_path / "instance"), "MRF_SECRET_KEY": "cle-de-mesure",
               "MRF_INSECURE_COOKIES": "1"}
        env.pop("MRF_DATABASE_URL", None)
        if pg_name:
            env["MRF_DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + pg_name
        print(f"Démonstration de {args.persons} personnes…", flush=True)
        _run(["demo", "--persons", str(args.persons), "--seed", "1"], env)
        # the night's refresh of the lists and next actions, as in production (docs/worklist.md): the
        # reference pages are then a morning's, not the first display after the demo's creation
        _run(["worklist", "refresh"], env)
        for i in range(args.clients):
            _run(["user", "create", f"mesure{i}", "--role", "administration_centrale", "--password-stdin"], env,
                 input=PASSWORD + "\n")
        extract = _extract(max(args.persons, int(args.lines / 0.7) + 100), args.lines, tmp_path / "extrait")
        print(f"Extrait de {args.lines} lignes : {extract}", flush=True)

        ids = [r[0] for r in _query(env, tmp_path, "SELECT id FROM redevable WHERE merged_into_id IS NULL "
                                                   "ORDER BY id LIMIT 50")]
        structures = [r[0] for r in _query(env, tmp_path, "SELECT id FROM structure ORDER BY id LIMIT 4")]
        paths = []
        for n, rid in enumerate(ids):
            paths.append(f"/redevables/{rid}")
            if n % 5 == 0:
                paths.append(f"/travail?structure={structures[n % len(structures)]}")
            if n % 7 == 0:
                paths.append("/recherche?nom=martin")

        port = _free_port()
        server = subprocess.Popen(MRF + ["serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/login", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            stop = threading.Event()
            clients = [Client(base, f"mesure{i}", paths[i::1] or paths, stop, args.max_requests)
                       for i in range(args.clients)]
            for c in clients:
                c.start()
            time.sleep(args.avant)  # browsing before the import starts: the same pages without an import
            for c in clients:
                c.mark = len(c.times)
            profiler = None
            if args.profil:  # where the server's threads spend the import (waiting included): folded stacks
                spy = Path(sys.executable).with_name("py-spy")
                profiler = subprocess.Popen([str(spy) if spy.exists() else "py-spy", "record", "--idle", "--threads",
                                             "--format", "raw", "--rate", "50", "-o", args.profil,
                                             "--pid", str(server.pid)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started = time.perf_counter()
            imported = subprocess.Popen(MRF + ["import", "impots", str(extract)], env=env, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            lines: list[str] = []

            def read() -> None:  # the import's summary comes before the attach's
                for line in imported.stdout:
                    lines.append(f"[{time.perf_counter() - started:6.1f} s] {line.strip()}")

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            try:
                imported.wait(timeout=args.max_seconds)
            except subprocess.TimeoutExpired:
                imported.kill()
                imported.wait()
                lines.append(f"(import arrêté : durée maximale de {args.max_seconds} s atteinte)")
            reader.join(timeout=10)
            out = "\n".join(lines)
            import_seconds = time.perf_counter() - started
            stop.set()
            if profiler is not None:
                profiler.send_signal(2)
                profiler.wait(timeout=60)
            for c in clients:
                c.join(timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=30)

    for c in clients:
        if c.failure:
            print(f"Client {c.login} arrêté : {c.failure}")
    print(out.strip())
    print(f"Import + rattachement : {import_seconds:.1f} s (code de sortie {imported.returncode})")
    _report("Sans import (référence)", [(k, t) for c in clients for k, t in zip(c.kinds[:c.mark], c.times[:c.mark],
                                                                               strict=True)], args.clients)
    _report("Pendant l'import", [(k, t) for c in clients for k, t in zip(c.kinds[c.mark:], c.times[c.mark:],
                                                                        strict=True)], args.clients)
    print(f"Réponses 5xx : {sum(c.errors_5xx for c in clients)}")


def _report(title: str, pages: list[tuple[str, float]], clients: int) -> None:
    times = sorted(t for _k, t in pages) or [0.0]
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{title} : {len(pages)} pages par {clients} clients ; médiane {statistics.median(times):.3f} s, "
          f"p95 {p95:.3f} s, max {max(times):.3f} s ; au-delà d'une seconde : {sum(t > 1.0 for t in times)}")
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, t in pages:
        by_kind[kind].append(t)
    for kind, values in sorted(by_kind.items()):
        values.sort()
        print(f"  /{kind} : {len(values)} pages, médiane {statistics.median(values):.3f} s, "
              f"p95 {values[int(0.95 * (len(values) - 1))]:.3f} s, max {values[-1]:.3f} s, "
              f"au-delà d'une seconde : {sum(t > 1.0 for t in values)}")

if __name__ == "__main__":
    main()
