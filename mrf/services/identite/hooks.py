"""What runs after an import: records imported after a batch match are attached incrementally, then the
work lists are brought up to date (pages leave large refreshes to the writer that caused them)."""

from __future__ import annotations

from ...jobs.suivi import Suivi
from ...jobs.verrou import TacheEnCours
from ..comptes import worklist
from .rattachement import rattacher_en_attente


def after_import(record_ids: list[int], suivi: Suivi | None = None) -> str | None:
    """Attach new source records to accounts when a batch match has run, with any left unlinked by an
    interrupted attach (even when this import brought none); a French sentence or None. While a
    matching runs, the records wait: the next attach (or matching) takes them. The work lists are then
    up to date with the import's créances (new, changed) and links."""
    lists = worklist.WriterRefresh()  # from the end of the import: pages leave the large refresh to it
    try:
        message = rattacher_en_attente(record_ids, suivi)
    except TacheEnCours:
        message = (f"{len(record_ids)} nouvel(s) enregistrement(s) en attente de rattachement : un rapprochement est "
                   "en cours ; ils seront rattachés par la prochaine tâche de rattachement." if record_ids else None)
    lists.done()
    return message
