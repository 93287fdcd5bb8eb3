"""Progress of a job: a step (French sentence), a count done and, when known, a total.

:class:`Suivi` is what a job reports to; :class:`SuiviTache` writes it to the RQ job's meta (read by
the web page and by ``mrf jobs show``), :class:`SuiviConsole` draws a bar in the terminal."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Suivi:
    """Progress that goes nowhere (tests, nested calls); subclasses publish it."""

    def __init__(self) -> None:
        self.etape = ""
        self.fait = 0
        self.total: int | None = None

    def message(self, etape: str) -> None:
        self.etape = etape
        self.publier(force=True)

    def debut(self, total: int | None, etape: str | None = None) -> None:
        self.total, self.fait = total, 0
        if etape is not None:
            self.etape = etape
        self.publier(force=True)

    def avance(self, n: int = 1) -> None:
        self.fait += n
        self.publier()

    def a(self, fait: int) -> None:
        self.fait = fait
        self.publier()

    def etat(self) -> dict[str, Any]:
        return {"etape": self.etape, "fait": self.fait, "total": self.total}

    def publier(self, force: bool = False) -> None:
        """Publish the current state (subclasses); ``force`` for a new step."""


class SuiviTache(Suivi):
    """Writes the state into the RQ job's meta, at most twice a second (a new step at once)."""

    def __init__(self, job: Any) -> None:
        super().__init__()
        self.job = job
        self._last = 0.0

    def publier(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        self.job.meta["suivi"] = self.etat()
        self.job.save_meta()


class SuiviConsole(Suivi):
    """A bar on stderr when the total is known, the step's sentence otherwise."""

    WIDTH = 30

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__()
        self.out = out or sys.stderr
        self._shown_step = ""
        self._last = 0.0
        self._bar = False

    def publier(self, force: bool = False) -> None:
        if self.etape != self._shown_step:
            self._end_bar()
            self.out.write(self.etape + "\n")
            self._shown_step = self.etape
        now = time.monotonic()
        if self.total and (force or now - self._last >= 0.2 or self.fait >= self.total):
            self._last = now
            share = min(1.0, self.fait / self.total)
            filled = int(share * self.WIDTH)
            self.out.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share * 100:3.0f} % "
                           f"({nombre(self.fait)} / {nombre(self.total)})")
            self._bar = True
        self.out.flush()

    def _end_bar(self) -> None:
        if self._bar:
            self.out.write("\n")
            self._bar = False

    def fin(self) -> None:
        self._end_bar()
        self.out.flush()


def nombre(n: int) -> str:
    """« 12 345 » (narrow no-break space as thousands separator)."""
    return f"{n:,}".replace(",", "\u202f")
