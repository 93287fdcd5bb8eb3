"""Errors raised by the panels library; every message is in French, for the user."""

from __future__ import annotations


class PanelError(ValueError):
    """Base class of the library's errors."""


class CriteriaError(PanelError):
    """Invalid criteria file: carries every problem found, each naming its key."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = list(problems)
        lines = [f"- clé « {key} » : {msg}" if key else f"- {msg}" for key, msg in self.problems]
        super().__init__("Critères du panel invalides :\n" + "\n".join(lines))

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.problems]


class TransitionRefused(PanelError):
    """Illegal lifecycle transition (e.g. recomputing a published panel)."""


class InputError(PanelError):
    """Inconsistent input (duplicate debtor, duplicate structure code...)."""
