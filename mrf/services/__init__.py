"""Use cases of the application, by area (see docs/architecture.md); no Flask here."""
