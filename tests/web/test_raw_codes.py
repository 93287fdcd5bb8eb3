"""No raw code on screen: the main pages of a demo world, as each role, show labels, French dates and
amounts through the one formatter — never a stored code (« publie », « batch », « impots »,
« saisine_comminatoire »…), an ISO date or an amount written another way (« 1000,00 € », « 12.50 € »).

Visible text only: tags, attributes, scripts, styles and the verbatim file contents shown in ``<pre>``
or ``<code>`` (a panel's TOML criteria, a hash) are left out."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from urllib.parse import urlparse

import pytest

from mrf.services.admin.audit import ACTION_LABELS
from mrf.services.comptes import vocabulaire as comptes
from mrf.services.poursuites import vocabulaire as poursuites

pytestmark = pytest.mark.slow

ROLES = ("agent.auxerre", "comptable.auxerre", "centrale", "evaluateur", "admin")
START = ("/", "/travail", "/recherche?nom=a", "/panels", "/tableau-de-bord", "/evaluation", "/commissaires/",
         "/taches", "/revue", "/comptable", "/administration/utilisateurs", "/administration/audit",
         "/administration/audit/integrite")
PAGES_PER_ROLE = 45
PAGES_PER_ROUTE = 2  # two accounts, two panels…: every template, without reading the whole demo

ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")
# Amounts not written by the one formatter: no thousands separator, or a decimal point, before « € ».
BAD_AMOUNT = re.compile(r"(?<![\d\s\u00a0\u202f])\d{4,},\d\d\s?€|\b\d+\.\d\d?\s?€")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _codes() -> set[str]:
    """Stored codes that are not French words: every code of the vocabularies with a label table."""
    words = set(ACTION_LABELS) | set(comptes.METHODE_RATTACHEMENT_LABELS) | {"publie", "impots", "satd_tiers"}
    words |= {m.value for m in poursuites.TypeActe} | set(comptes.STATUT_CREANCE_LABELS)
    words |= set(poursuites.DOCUMENT_LABELS) | set(poursuites.DECIDEUR_ANV_LABELS) | {"satd tiers", "satd redevable"}
    # Codes that are also French words (« amendes », « annulation », « clos »…) cannot be told apart.
    plain = {"batch", "singleton", "incremental", "publie", "impots", "emis", "soldee", "annulee"}
    return {w for w in words if "_" in w or " " in w or w in plain}


def _visible(body: str) -> str:
    body = re.sub(r"(?is)<(script|style|head|pre|code|textarea)\b[^>]*>.*?</\1>", " ", body)
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def _sign_in(app, login: str, password: str):  # noqa: ANN001, ANN202
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    assert response.status_code == 302, login
    return client


def _crawl(client) -> dict[str, str]:  # noqa: ANN001
    """Path → visible text of the pages reachable from the menu, a few per route."""
    seen: dict[str, str] = {}
    per_route: dict[str, int] = defaultdict(int)
    todo = list(START)
    while todo and len(seen) < PAGES_PER_ROLE:
        url = todo.pop(0)
        path = urlparse(url).path
        route = re.sub(r"/\d+|/[A-Z0-9][A-Z0-9-]{5,}", "/N", path)
        if url in seen or per_route[route] >= PAGES_PER_ROUTE or "logout" in url or "/static/" in url:
            continue
        if re.search(r"\.(pdf|csv|zip|json|toml)$|/telecharger|/export|/pdf", path):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        per_route[route] += 1
        body = response.get_data(as_text=True)
        seen[url] = _visible(body)
        todo += [html.unescape(h) for h in re.findall(r'href="(/[^"#]*)"', body)]
    return seen


@pytest.fixture
def demo_pages(app, cli) -> dict[str, dict[str, str]]:  # noqa: ANN001
    result = cli.invoke(args=["demo", "--persons", "60", "--seed", "1", "--months", "3"])
    assert result.exit_code == 0, result.output[-2000:]
    passwords = dict(re.findall(r"^\s+(\S+)\s.*mot de passe : (\S+)$", result.output, re.M))
    from flask.globals import _cv_app

    ctx = _cv_app.get(None)  # each request gets its own context (``g``, CSRF token), as in production
    if ctx is not None:
        ctx.pop()
    try:
        return {login: _crawl(_sign_in(app, login, passwords[login])) for login in ROLES}
    finally:
        if ctx is not None:
            ctx.push()


def _findings(demo_pages: dict[str, dict[str, str]], pattern: re.Pattern[str]) -> list[str]:
    found = []
    for login, pages in demo_pages.items():
        for url, text in pages.items():
            for m in pattern.finditer(text):
                found.append(f"{login} {url}: …{text[max(0, m.start() - 60): m.end() + 20]}…")
    return found


def test_demo_pages_show_no_raw_code_iso_date_or_unformatted_amount(demo_pages) -> None:  # noqa: ANN001
    assert sum(len(p) for p in demo_pages.values()) >= 60  # the crawl did reach the pages
    assert any("/redevables/" in url for url in demo_pages["agent.auxerre"])
    codes = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _codes()), key=len, reverse=True)) + r")\b")
    problems = {name: _findings(demo_pages, pattern)[:8] for name, pattern in
                (("codes", codes), ("dates ISO", ISO_DATE), ("montants", BAD_AMOUNT))}
    assert problems == {"codes": [], "dates ISO": [], "montants": []}



def test_account_pages_show_no_english_key_nor_snake_case_word(demo_pages) -> None:  # noqa: ANN001
    english = re.compile(r"\b(?:surname|first_names|birth_date|birth_place|subset|null)\b|\(\+\d+\.\d\)")
    assert _findings(demo_pages, english)[:8] == [] and _findings(demo_pages, SNAKE)[:8] == []
