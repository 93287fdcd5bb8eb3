"""Template filters, French formats, parsing of amounts and dates typed by agents, navigation."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import IntegerConverter, Map

from panels.lifecycle import PanelState
from poursuites.model import date_fr as library_date_fr
from poursuites.model import euros as library_euros

from ..jobs.suivi import nombre
from ..services.admin import access
from ..services.admin.audit_lisible import OBJECT_LABELS, details_lisibles
from ..services.admin.vocabulaire import ROLE_LABELS
from ..services.comptes import vocabulaire as comptes_vocabulaire
from ..services.poursuites.vocabulaire import (
    DECIDEUR_ANV_LABELS,
    DOCUMENT_LABELS,
    MOYEN_PAIEMENT_LABELS,
    SOURCE_RENSEIGNEMENT_LABELS,
)

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def euros(cents: int | None) -> str:
    """The one euro format (``poursuites.model.euros``: « 12 345,67 € »); « — » when there is no amount."""
    return "—" if cents is None else library_euros(int(cents))


def date_fr(value: date | datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    text = library_date_fr(value.date() if isinstance(value, datetime) else value)
    if with_time and isinstance(value, datetime):
        text += value.strftime(" %H:%M")
    return text


#: One label table per vocabulary (each lives in its area's ``vocabulaire`` module or library): the pages show
#: ``code | libelle("produit")``, never the stored code.
VOCABULAIRES: dict[str, dict[str, str]] = {
    "produit": comptes_vocabulaire.PRODUIT_LABELS,
    "source": comptes_vocabulaire.SOURCE_LABELS,
    "statut_creance": comptes_vocabulaire.STATUT_CREANCE_LABELS,
    "rattachement": comptes_vocabulaire.METHODE_RATTACHEMENT_LABELS,
    "etat_panel": {state.value: state.label for state in PanelState},
    "role": ROLE_LABELS,
    "source_renseignement": SOURCE_RENSEIGNEMENT_LABELS,
    "document": DOCUMENT_LABELS,
    "decideur_anv": DECIDEUR_ANV_LABELS,
    "moyen_paiement": MOYEN_PAIEMENT_LABELS,
}


def libelle(code: object, vocabulaire: str) -> str:
    """The French label of a stored ``code`` of ``vocabulaire``; « — » when there is none."""
    if code is None or code == "":
        return "—"
    value = getattr(code, "value", code)
    return VOCABULAIRES[vocabulaire].get(str(value), str(value))


def parse_euros(text: str | None) -> int | None:
    """« 1 234,56 », « 1234.5 », « 12 € » → cents (no float on the way). None when unreadable."""
    if text is None:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", cleaned):  # ASCII digits: « ١٢٣ » or « ² » are not amounts
        return None
    try:
        return int((Decimal(cleaned) * 100).to_integral_value())
    except InvalidOperation:
        return None


def parse_date(text: str | None) -> date | None:
    """« 31/12/2025 », « 2025-12-31 » → date; None when unreadable."""
    if not text:
        return None
    text = text.strip()
    if not text.isascii():  # strptime would read other scripts' digits
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def page_url(page: int) -> str:
    """The current URL with another ``page`` parameter."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return request.path + "?" + urlencode(args, doseq=True)


NAV = (
    # (endpoint, label, roles)
    ("worklist.worklist", "Liste de travail", access.IDENTITY_ROLES),
    ("search.search", "Recherche", access.IDENTITY_ROLES),
    ("decisions.queue", "À décider", frozenset({access.COMPTABLE})),
    ("review.queue", "Revue des rapprochements", access.REVIEW_ROLES),
    ("panels.index", "Panels", access.PANEL_ROLES),
    ("dashboard.index", "Tableau de bord", access.DASHBOARD_ROLES),
    ("commissaires.index", "Commissaires de justice", access.IDENTITY_ROLES),
    ("evaluation.index", "Évaluation", access.DASHBOARD_ROLES),
    ("jobs.index", "Tâches", access.IDENTITY_ROLES),
    ("admin.users", "Utilisateurs", access.ADMIN_ROLES),
    ("admin.audit", "Journal d'audit", access.ADMIN_ROLES),
)


def navigation() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in NAV:
        if current_user.role in roles:
            blueprint = endpoint.split(".")[0]
            current = request.endpoint == endpoint or (request.blueprint == blueprint and blueprint != "admin")
            items.append({"url": url_for(endpoint), "label": label, "current": current})
    return items


# Page numbers and identifiers read from URLs: beyond this, no such page or row exists here, and the
# database would overflow into a 500 (PostgreSQL integer columns hold 2³¹ − 1; SQLite 64 bits).
MAX_QUERY_INT = 2**31 - 1
NUMERIC_QUERY_PARAMS = ("page", "structure")


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in routes, refusing (404) numbers no row can carry."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_QUERY_INT)
        super().__init__(map, *args, **kwargs)


def query_int(name: str, default: int = 1) -> int:
    """A positive integer query parameter; ``default`` when absent or unreadable, 404 when absurdly large."""
    raw = (request.args.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return default
    if len(raw) > len(str(MAX_QUERY_INT)) or int(raw) > MAX_QUERY_INT:
        abort(404)
    return max(1, int(raw))


def _refuse_huge_numbers() -> None:
    for name in NUMERIC_QUERY_PARAMS:
        if name in request.args:
            query_int(name)


def install(app: Flask) -> None:
    app.before_request(_refuse_huge_numbers)
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["date_fr"] = date_fr
    app.jinja_env.filters["details_audit"] = details_lisibles
    app.jinja_env.filters["libelle"] = libelle
    app.jinja_env.filters["nombre"] = nombre
    app.jinja_env.globals["object_labels"] = OBJECT_LABELS
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["ROLE_LABELS"] = access.ROLE_LABELS
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _nav() -> dict[str, Any]:
        return {"navigation": navigation}

    @app.template_filter("nl2br")
    def _nl2br(text: str | None) -> Markup:
        from markupsafe import escape

        return Markup("<br>".join(escape(line) for line in (text or "").splitlines()))
