"""Long jobs from the pages: who may start what, the progress page (refreshes itself while the job runs),
the end report, a stopped job restarted."""

from __future__ import annotations

import io
import re

from mrf.jobs import file


def _token(page: str, prefix: str) -> str:
    match = re.search(rf'id="{prefix}-csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="{prefix}-csrf_token"',
                      page)
    assert match, f"no token {prefix}"
    return match.group(1) or match.group(2)


def test_roles_see_only_the_jobs_they_may_start(queue, client_for):
    page = client_for("administration_centrale").get("/taches").get_data(as_text=True)
    assert "Rapprochement des identités" in page and "Import d&#39;un extrait" in page
    agent = client_for("agent").get("/taches").get_data(as_text=True)
    assert "SATD conjointes de la liste de travail" in agent and "Rapprochement des identités" not in agent
    assert client_for("evaluateur").get("/taches").status_code == 403
    token = _token(agent, "liste_travail")
    assert client_for("agent").post("/taches/rapprochement", data={"rapprochement-csrf_token": token}).status_code \
        == 403


def test_a_job_started_from_the_page_shows_its_progress_then_its_report(queue, client_for):
    client = client_for("administration_centrale")
    token = _token(client.get("/taches").get_data(as_text=True), "liste_travail")
    response = client.post("/taches/liste_travail", data={"liste_travail-csrf_token": token})
    assert response.status_code == 303
    follow = response.headers["Location"]
    waiting = client.get(follow).get_data(as_text=True)  # no worker yet: the job waits, the page refreshes
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "<progress" in waiting and "En attente" in waiting
    with queue.app_context():
        file.demarrer_worker(burst=True)  # the worker forks a work horse that runs the job
    done = client.get(follow).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done
    assert "Terminée" in done and "Listes de travail" in done
    listing = client.get("/taches").get_data(as_text=True)
    assert "Mise à jour des listes de travail" in listing and "Terminée" in listing


def test_a_refused_import_says_why_and_can_be_restarted(queue, client_for):
    queue.config["MRF_JOBS_SYNC"] = True
    client = client_for("administration_centrale")
    token = _token(client.get("/taches").get_data(as_text=True), "import")
    response = client.post("/taches/import", data={
        "import-csrf_token": token, "import-source": "impots",
        "import-fichier": (io.BytesIO(b"pas;un;extrait\n1;2;3\n"), "extrait.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "La tâche s&#39;est arrêtée" in page or "La tâche s'est arrêtée" in page
    assert "Fichier refusé, rien n" in page
    restart = client.post(response.headers["Location"] + "/relancer",
                          data={"relance-csrf_token": _token(page, "relance")})
    assert restart.status_code == 303 and restart.headers["Location"] != response.headers["Location"]


def test_an_import_without_a_file_is_refused_in_french(queue, client_for):
    client = client_for("administration_centrale")
    token = _token(client.get("/taches").get_data(as_text=True), "import")
    response = client.post("/taches/import", data={"import-csrf_token": token, "import-source": "impots"},
                           follow_redirects=True)
    assert "Choisissez un fichier." in response.get_data(as_text=True)


def test_someone_elses_job_is_not_found(queue, client_for):
    queue.config["MRF_JOBS_SYNC"] = True
    client = client_for("agent")
    token = _token(client.get("/taches").get_data(as_text=True), "liste_travail")
    location = client.post("/taches/liste_travail", data={"liste_travail-csrf_token": token}).headers["Location"]
    assert client.get(location).status_code == 200
    assert client_for("agent_b").get(location).status_code == 404


def test_batch_satd_is_previewed_before_it_is_started(client_for, world) -> None:  # noqa: ANN001
    """The preview lists the SATD the batch would issue for the agent's structure (tiers, amount), and
    its button starts the batch job; central administration has no structure's batch to preview."""
    from mrf.services.poursuites import lot

    agent = client_for("agent")
    page = agent.get("/taches/satd/apercu")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "SATD par lot — aperçu avant émission" in text and "Confirmer et lancer" in text
    apercu = lot.preview_batch("SIP-A")
    assert f"{len(apercu.satd)} SATD seraient émises" in text
    for s in apercu.satd:
        assert s.tiers in text
    assert client_for("administration_centrale").get("/taches/satd/apercu").status_code == 403
