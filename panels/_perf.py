"""Performance helper: the phases allocate many small acyclic objects; pausing the cyclic
garbage collector avoids repeated scans of the (large) input heap. Reference counting still
frees everything; the collector's previous state is restored."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
