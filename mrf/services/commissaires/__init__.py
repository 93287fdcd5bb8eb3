"""Commissaires de justice: the application side of the national convention DGFiP – CNHJ.

- :mod:`.etudes` — register of études and their territory (CSV import), dispatch by postal code;
- :mod:`.saisine` — flux « Demande du comptable »: dossiers, letters, interface files;
- :mod:`.actualisation` — daily updates sent to the études;
- :mod:`.bilans` — import of the « Bilan d'intervention » return flow;
- :mod:`.etat` — a dossier's state, deadlines and alerts; :mod:`.stats` — statistics (annex IV).

Delays and fees come from the library ``poursuites.huissier``; the figures it does not hold (taux
de base, first letter) are in ``data/commissaires.toml`` with their source and validity dates.
"""
