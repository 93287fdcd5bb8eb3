"""What runs after an import: records imported after a batch match are attached incrementally."""

from __future__ import annotations

from .rapprochement import attach_new_records


def after_import(record_ids: list[int]) -> str | None:
    """Attach new source records to accounts when a batch match has run; a French sentence or None."""
    return attach_new_records(record_ids) if record_ids else None
