"""French error pages (400, 403, 404, 405, 413, 422, 409, 500), CSRF failures included; a service's refusal
(``mrf.services.errors``) not handled by its view is answered here, once: its message and its status."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services.admin import audit
from ..services.errors import ErreurService

MESSAGES = {
    400: ("Requête incorrecte", "La demande n'a pas pu être traitée : elle est incomplète ou mal formée."),
    403: ("Accès refusé", "Votre profil ne permet pas d'accéder à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou vous n'y avez pas accès."),
    405: ("Méthode non autorisée", "Cette action n'est pas permise sur cette page."),
    409: ("Action refusée", "L'action n'est pas possible dans l'état actuel du dossier."),
    413: ("Fichier trop volumineux", "Le contenu envoyé dépasse la taille autorisée."),
    422: ("Action refusée", "La demande a été refusée."),
    500: ("Erreur interne", "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard."),
}


def render_error(code: int, detail: str | None = None):  # noqa: ANN201
    title, message = MESSAGES.get(code, (f"Erreur {code}", "La demande n'a pas pu aboutir."))
    return render_template("errors/error.html", code=code, title=title, message=message, detail=detail), code


def _audit_refusal(app: Flask, code: int) -> None:
    """A signed-in agent refused a page (403) or an object (404) leaves a line in the audit trail."""
    if not current_user.is_authenticated:
        return
    try:
        audit.record(current_user.id, "acces_refuse", "page", request.path[:64],
                     {"code": code, "methode": request.method, "chemin": request.full_path[:500]},
                     ip=request.remote_addr)
    except Exception:  # noqa: BLE001 - the error page must still be shown if the trail cannot be written
        app.logger.exception("Journal d'audit : refus d'accès non enregistré")


def install(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):  # noqa: ANN202
        return render_error(400, "Le jeton de sécurité du formulaire est absent ou a expiré. "
                                 "Revenez à la page précédente, rechargez-la et recommencez.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # noqa: ANN202
        if error.code is None or error.code < 400:
            return error
        if error.code in (403, 404):
            _audit_refusal(app, error.code)
        response = render_error(error.code)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(ErreurService)
    def _service(error: ErreurService):  # noqa: ANN202
        return render_error(error.status, str(error))

    @app.errorhandler(Exception)
    def _internal(error: Exception):  # noqa: ANN202
        if isinstance(error, HTTPException):
            return _http(error)
        if isinstance(error, ErreurService):
            return _service(error)
        app.logger.exception("Erreur interne", exc_info=error)
        return render_error(500)
