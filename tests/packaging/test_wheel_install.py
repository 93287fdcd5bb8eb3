"""A normal install serves pages and renders documents: the wheel is built from a copy of the sources,
installed in a fresh virtual environment outside the repository, and driven from another folder through
its own ``mrf`` command (``init-db``, ``demo``, ``serve``, ``satd issue``), on the backend of this run."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# What a source checkout has and a wheel must not need (or must not pick up stale: build/ keeps old files).
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "dist", "instance", "__pycache__", "*.egg-info",
                                     ".pytest_cache", "tests", "benchmarks", "docs", "node_modules")
DEMO_LOGIN = "agent.auxerre"
DEMO_STRUCTURE = "SIP-AUXERRE"


@dataclass
class Installed:
    wheel: Path
    venv: Path
    run_dir: Path
    env: dict[str, str]
    demo_output: str

    def mrf(self, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
        """``mrf ARGS`` from the installed package, in a folder outside the repository; fails loudly."""
        result = subprocess.run([str(self.venv / "bin" / "mrf"), *args], cwd=self.run_dir, env=self.env,
                                capture_output=True, text=True, timeout=timeout, check=False)
        assert result.returncode == 0, f"mrf {' '.join(args)} : {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result


def _run(*command: str | Path, cwd: Path, timeout: int = 900) -> str:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            check=False)
    assert result.returncode == 0, f"{command} : {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def _own_postgres_database(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database of the installation's own: the session's database holds what earlier tests left
    (a published panel would then overlap the demo's). Created from the session's connection settings."""
    from sqlalchemy import create_engine, text

    name = f"mrf_wheel_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _database_url(backends: list[str], tmp: Path, request: pytest.FixtureRequest) -> str:
    """PostgreSQL (a database of its own) when this run is about PostgreSQL only, else a SQLite file."""
    if backends == ["postgresql"]:
        return request.getfixturevalue("_own_postgres_database")
    return f"sqlite:///{tmp / 'mrf.sqlite3'}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, backends: list[str], request: pytest.FixtureRequest):
    tmp = tmp_path_factory.mktemp("wheel")
    sources = tmp / "sources"
    shutil.copytree(ROOT, sources, ignore=NOT_SOURCES)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", sources, cwd=tmp)
    wheel = next((tmp / "dist").glob("mrf-*.whl"))
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp)  # no --system-site-packages: only what the wheel declares
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp)

    run_dir = tmp / "ailleurs"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "MRF_"))}
    env.update(MRF_INSTANCE_PATH=str(tmp / "instance"), MRF_DATABASE_URL=_database_url(backends, tmp, request),
               MRF_SECRET_KEY="cle-du-test-d-installation", MRF_INSECURE_COOKIES="1")
    installation = Installed(wheel, venv, run_dir, env, "")
    installation.mrf("init-db")
    installation.demo_output = installation.mrf("demo", "--persons", "100", "--seed", "1").stdout
    return installation


def test_the_wheel_holds_templates_static_files_migrations_and_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = {
        "templates/__init__.py", "templates/base.html", "templates/auth/login.html", "templates/accounts/show.html",
        "templates/documents/satd_tiers.html", "templates/documents/satd_redevable.html",
        "mrf/static/mrf.css", "mrf/static/dsfr/dsfr.min.css", "mrf/static/dsfr/fonts/Marianne-Regular.woff2",
        "mrf/migrations/env.py", "mrf/migrations/script.py.mako", "mrf/migrations/versions/0001_schema_initial.py",
        "mrf/data/poursuites.toml", "matching/data/prenoms.txt", "matching/data/communes.csv.gz",
        "poursuites/data/bareme_saisie.toml", "poursuites/data/seuils.toml",
    }
    assert expected - names == set()
    for folder, pattern in (("templates", "*.html"), ("mrf/migrations/versions", "*.py"), ("poursuites/data", "*"),
                            ("matching/data", "*"), ("mrf/data", "*"), ("mrf/static", "*.*")):
        for path in (ROOT / folder).rglob(pattern):
            if "__pycache__" not in path.parts:
                assert path.relative_to(ROOT).as_posix() in names, f"absent du wheel : {path.relative_to(ROOT)}"


def test_the_installed_package_is_the_one_running(installed: Installed) -> None:
    code = ("import mrf, templates, poursuites\n"
            "print(mrf.__file__); print(templates.folder()); print(poursuites.__file__)")
    out = subprocess.run([str(installed.venv / "bin" / "python"), "-c", code], cwd=installed.run_dir,
                         env=installed.env, capture_output=True, text=True, check=True).stdout.split()
    assert len(out) == 3
    for path in out:
        assert Path(path).is_relative_to(installed.venv), path
    assert (Path(out[1]) / "auth" / "login.html").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_account_with_satd(installed: Installed) -> tuple[int, dict]:
    accounts = json.loads(installed.mrf("accounts", "list", "--structure", DEMO_STRUCTURE, "--json").stdout)
    for account in accounts:
        plan = json.loads(installed.mrf("plan", str(account["id"]), "--json").stdout)
        if any(step["action"].startswith("satd") for step in plan["steps"]):
            return account["id"], plan
    pytest.fail(f"aucun compte de {DEMO_STRUCTURE} avec une SATD dans la démonstration : {accounts}")


@pytest.fixture(scope="module")
def server(installed: Installed):
    port = _free_port()
    process = subprocess.Popen([str(installed.venv / "bin" / "mrf"), "serve", "--host", "127.0.0.1", "--port",
                                str(port), "--threads", "2"], cwd=installed.run_dir, env=installed.env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, f"mrf serve s'est arrêté :\n{process.stdout.read()}"
            try:
                urllib.request.urlopen(url + "/login", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "mrf serve ne répond pas"
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_login_and_an_account_page_render_from_the_installed_package(installed: Installed, server: str) -> None:
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with browser.open(server + "/login") as response:
        assert response.status == 200
        login_page = response.read().decode()
    assert "<h1>Connexion</h1>" in login_page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', login_page)
    assert token, "pas de jeton CSRF sur /login"
    with browser.open(server + "/static/mrf.css") as response:
        assert response.status == 200 and response.read()

    password = re.search(rf"^\s*{re.escape(DEMO_LOGIN)}\s.*mot de passe : (\S+)$", installed.demo_output, re.M)
    assert password, installed.demo_output
    form = urllib.parse.urlencode({"login": DEMO_LOGIN, "password": password.group(1),
                                   "csrf_token": token.group(1) or token.group(2)}).encode()
    with browser.open(server + "/login", data=form) as response:
        assert urllib.parse.urlparse(response.url).path != "/login", "connexion refusée"

    account_id, plan = _first_account_with_satd(installed)
    with browser.open(f"{server}/redevables/{account_id}") as response:
        assert response.status == 200
        assert urllib.parse.urlparse(response.url).path == f"/redevables/{account_id}"
        page = response.read().decode()
    surname = plan["redevable"].split()[0]
    assert surname in page
    assert plan["steps"][0]["creances"][0]["reference"] in page


def test_satd_issue_writes_real_pdfs_from_the_installed_package(installed: Installed, tmp_path: Path) -> None:
    from pypdf import PdfReader

    account_id, plan = _first_account_with_satd(installed)
    out = tmp_path / "satd"
    printed = installed.mrf("satd", "issue", str(account_id), "--out", str(out)).stdout.split()
    assert printed, "aucun PDF annoncé"
    surname = plan["redevable"].split()[0]
    for path in map(Path, printed):
        assert path.parent == out and path.read_bytes().startswith(b"%PDF-")
        text = "".join(page.extract_text() for page in PdfReader(path).pages)
        assert "SAISIE ADMINISTRATIVE À TIERS DÉTENTEUR" in text
        assert surname in text
