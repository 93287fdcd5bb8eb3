"""The tamper-evident audit trail: hash chain, append-only triggers, sealing of new lines, CLI actor."""
