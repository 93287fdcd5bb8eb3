"""What runs after an import: records imported after a batch match are attached incrementally."""

from __future__ import annotations

from ...jobs.verrou import TacheEnCours
from .rattachement import rattacher_en_attente


def after_import(record_ids: list[int]) -> str | None:
    """Attach new source records to accounts when a batch match has run, with any left unlinked by an
    interrupted attach (even when this import brought none); a French sentence or None. While a
    matching runs, the records wait: the next attach (or matching) takes them."""
    try:
        return rattacher_en_attente(record_ids)
    except TacheEnCours:
        return (f"{len(record_ids)} nouvel(s) enregistrement(s) en attente de rattachement : un rapprochement est "
                "en cours ; ils seront rattachés par la prochaine tâche de rattachement.")
