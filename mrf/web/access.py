"""Access rules applied to views: the roles a view admits, and the account a user may open.

The rules themselves (who sees which account) are ``mrf.services.admin.access``; this module only
answers them in HTTP terms (redirect to sign in, 403, 404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import Session

from ..extensions import login_manager
from ..models import Redevable
from ..services.admin.access import User, can_view, resolve


def redevable_or_404(session: Session, user: User, redevable_id: int) -> Redevable:
    """The live account ``user`` asked for, or 404 when it does not exist *or* is not visible."""
    redevable = resolve(session, redevable_id)
    if redevable is None or not can_view(session, user, redevable.id):
        abort(404)
    return redevable


def role_required(*roles: str) -> Callable:
    """View decorator: signed in (else redirect to the sign-in page) and one of ``roles`` (else 403)."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator
