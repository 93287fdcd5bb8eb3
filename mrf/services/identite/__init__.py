"""Identity: batch and incremental matching of source records into accounts, the review queue."""
