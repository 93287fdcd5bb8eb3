"""Poursuites: enforcement rules for a consolidated account (pure domain library).

Eligibility and catalogue of actions, coordinated plan, joint SATD (quotité saisissable, SBI),
payment imputation, debtor requests, ANV, bailiff convention. Takes and returns plain typed
values (dataclasses, enums, integer cents, ``datetime.date``); never imports ``mrf``, Flask or
SQLAlchemy. Legal figures are versioned data in ``poursuites/data/*.toml``.
"""
