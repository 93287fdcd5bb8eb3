"""Long jobs: the lock that keeps two matchings apart, the resumable attach, jobs through RQ (synchronous
mode) and one through a real worker process, the CLI inline."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mrf.extensions import db
from mrf.jobs import file, taches
from mrf.jobs.suivi import Suivi
from mrf.jobs.verrou import TacheEnCours, exclusif
from mrf.models import MatchRun, RecordLink, SourceRecord
from mrf.services.identite import rattachement
from mrf.services.identite.rapprochement import run_batch

_spec = importlib.util.spec_from_file_location(
    "matching_service_tests", Path(__file__).parents[1] / "matching" / "test_matching_service.py")
_matching = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_matching)
PEOPLE, add_record = _matching.PEOPLE, _matching.add_record


def _redis_or_skip() -> None:
    if not file.redis_disponible():
        pytest.skip("Redis ne répond pas sur 127.0.0.1:6379 (redis-cli ping) : tests de la file sautés")


@pytest.fixture
def queue_name(app):
    """A queue of its own for each test, emptied afterwards."""
    _redis_or_skip()
    name = f"mrf-test-{uuid.uuid4().hex[:8]}"
    app.config["MRF_JOBS_QUEUE"] = name
    yield name
    conn = file.connexion()
    for key in conn.scan_iter(f"*{name}*"):
        conn.delete(key)


@pytest.fixture
def records(app):
    with db.transaction() as s:
        return {(p[0], p[1]): add_record(s, *p).id for p in PEOPLE}


def _unlinked() -> int:
    with db.new_session() as s:
        return len(rattachement.non_rattaches(s))


def test_two_jobs_of_the_same_family_cannot_overlap(app):
    with exclusif("rapprochement"):
        with exclusif("rapprochement"):  # re-entrant in the process that holds it
            pass
        # another holder (as a second process would): the lock is refused at once, with a French reason
        from mrf.jobs import verrou

        release = verrou._acquire  # noqa: SLF001
        with pytest.raises(TacheEnCours, match="rapprochement des identités est déjà en cours"):
            release("rapprochement")
    with exclusif("rapprochement"):  # released: free again
        pass


def test_mrf_match_refuses_while_a_matching_runs(app, cli, records):
    from mrf.jobs import verrou

    other = verrou._acquire("rapprochement")  # noqa: SLF001 - as a job in another process would
    try:
        result = cli.invoke(args=["match", "--quiet"])
    finally:
        other()
    assert result.exit_code == 2
    assert "déjà en cours" in result.stderr
    assert cli.invoke(args=["match", "--quiet"]).exit_code == 0


def test_a_killed_attach_is_resumed_by_the_next_one(app, records, monkeypatch):
    run_batch()
    with db.transaction() as s:
        new = [add_record(s, "secteur_local", f"N{i}", "LEROY", None, "JEAN PIERRE", date(1950, 6, 1),
                          "3 AV FOCH", "58000", "NEVERS").id for i in range(5)]
    monkeypatch.setattr(rattachement, "TAILLE_LOT", 2)
    real, calls = rattachement._attach_chunk, []

    def dies_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("tué")
        return real(*args, **kwargs)

    monkeypatch.setattr(rattachement, "_attach_chunk", dies_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        rattachement.rattacher_en_attente(new[:1])
    assert _unlinked() == 3  # the first short transaction is kept, the rest waits
    monkeypatch.setattr(rattachement, "_attach_chunk", real)
    message = rattachement.rattacher_en_attente([])  # a later attach, not told about these records
    assert _unlinked() == 0
    assert message.startswith("Rapprochement au fil de l'eau")
    with db.new_session() as s:
        last = s.scalar(select(MatchRun).order_by(MatchRun.id.desc()).limit(1))
        linked = s.scalar(select(func.count()).select_from(RecordLink).where(RecordLink.source_record_id.in_(new)))
    assert last.stats["records"] == 3  # exactly the ones the killed attach left behind
    assert linked == 5


def test_a_job_through_the_queue_reports_its_end(app, queue_name, records):
    app.config["MRF_JOBS_SYNC"] = True
    job_id = file.lancer("rapprochement", {}, None, "test")
    etat = file.etat(job_id)
    assert etat.statut == "terminee", etat.erreur
    assert "comptes consolidés" in etat.resume
    assert [e.id for e in file.recentes()] == [job_id]


def test_a_refused_job_stops_with_its_french_reason_and_can_be_restarted(app, queue_name, tmp_path):
    app.config["MRF_JOBS_SYNC"] = True
    bad = tmp_path / "extrait.csv"
    bad.write_text("ceci;nest;pas;un;extrait\n1;2;3;4;5\n", encoding="utf-8")
    job_id = file.lancer("import", {"source": "impots", "chemin": str(bad)}, None, "test")
    etat = file.etat(job_id)
    assert etat.statut == "echec"
    assert etat.erreur.startswith("Fichier refusé, rien n'a été importé.")
    with db.new_session() as s:
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 0
    again = file.relancer(job_id, None, "test")
    assert again != job_id and file.etat(again).statut == "echec"


def test_a_second_matching_is_refused_while_one_waits(app, queue_name):
    first = file.lancer("rapprochement", {}, None, "test")  # no worker: it waits on the queue
    assert file.etat(first).statut == "en_attente"
    with pytest.raises(TacheEnCours):
        file.lancer("rapprochement", {}, None, "test")
    assert file.lancer("liste_travail", {}, None, "test")  # another family is welcome


def test_a_real_worker_runs_a_job_and_writes_its_progress(app, queue_name, records, tmp_path):
    job_id = file.lancer("rapprochement", {}, None, "test")
    env = {**os.environ, "MRF_DATABASE_URL": app.config["DATABASE_URL"], "MRF_JOBS_QUEUE": queue_name,
           "MRF_INSTANCE_PATH": app.instance_path, "MRF_SECRET_KEY": app.config["SECRET_KEY"]}
    command = [sys.executable, "-c", "from mrf.cli import main; main()", "worker", "--burst"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[3])
    assert done.returncode == 0, done.stderr[-2000:]
    etat = file.etat(job_id)
    assert etat.statut == "terminee", (etat.erreur, done.stderr[-2000:])
    assert etat.etape  # the worker wrote its steps into the job
    assert _unlinked() == 0


def test_the_cli_runs_a_job_inline_without_a_worker(app, cli, records, monkeypatch):
    monkeypatch.setattr(file, "worker_actif", lambda: False)
    result = cli.invoke(args=["jobs", "run", "rapprochement"])
    assert result.exit_code == 0, result.stderr
    assert "comptes consolidés" in result.stdout
    assert "Rapprochement de tous les enregistrements" in result.stderr  # the steps, on stderr
    assert _unlinked() == 0


def test_console_progress_draws_a_bar():
    import io

    from mrf.jobs.suivi import SuiviConsole

    out = io.StringIO()
    suivi = SuiviConsole(out)
    suivi.debut(4, "Émission")
    suivi.a(4)
    suivi.fin()
    assert "Émission" in out.getvalue() and "100 %" in out.getvalue()


def test_every_kind_is_a_known_job():
    assert set(taches.TACHES) == {"import", "rapprochement", "rattachement", "panel", "satd", "liste_travail"}
    assert isinstance(Suivi().etat(), dict)
