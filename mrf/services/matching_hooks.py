"""What runs after an import: records imported after a batch match are attached incrementally."""

from __future__ import annotations


def after_import(record_ids: list[int]) -> str | None:
    """Attach new source records to existing accounts, when a matching model exists.

    Returns a French sentence for the CLI, or None when nothing was done."""
    try:
        from . import matching as matching_service
    except ImportError:  # the matching service is not installed in this build
        return None
    return matching_service.attach_new_records(record_ids)
