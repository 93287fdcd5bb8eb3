"""The one error hierarchy of the services: what the web and the CLI show the user.

A use case that refuses raises :class:`Refus` (or a subclass) with a French message for the agent;
one that cannot find what it was asked for raises :class:`Introuvable`. The web layer maps them once
(``mrf.web.errors``: the message and ``status``), the CLI once (``mrf.cli.errors``: message on
stderr, exit 2). The libraries refuse with ``ValueError`` (a French message too): use cases that call
them translate it with :func:`refus_des_bibliotheques`. They keep ``ValueError`` / ``LookupError`` as
bases so callers that caught those still do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class ErreurService(Exception):
    """Base of what a use case tells its caller; ``status`` is the HTTP code the web answers."""

    status = 422


class Refus(ErreurService, ValueError):
    """A refused operation (invalid input or forbidden by a rule), with a French message."""

    status = 422


class Conflit(Refus):
    """Refused because of the current state (already done, already in force…)."""

    status = 409


class Interdit(Refus):
    """Refused because the user may not do it."""

    status = 403


class Introuvable(ErreurService, LookupError):
    """What was asked for does not exist (or is not visible)."""

    status = 404


def refus_des_bibliotheques(refus: type[Refus] = Refus) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: a library's ``ValueError`` / ``LookupError`` becomes ``refus`` (same message)."""

    def decorator(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except ErreurService:
                raise
            except (ValueError, LookupError) as exc:
                raise refus(str(exc)) from exc

        return wrapped

    return decorator
