"""The poursuites configuration of the application: thresholds, creditor kinds, ANV settings, signing
towns, read from ``mrf/data/poursuites.toml`` (versioned data with validity dates)."""

from __future__ import annotations

import fnmatch
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from poursuites.catalogue import ActionKind
from poursuites.eligibility import SeuilsPoursuite
from poursuites.model import (
    CreditorKind,
    Product,
    date_fr,
)

from ..errors import Refus

CONFIG_PATH = Path(__file__).resolve().parents[2] / "data" / "poursuites.toml"


class PatternMapping(Mapping):
    """A read-only mapping whose keys are fnmatch patterns on the creditor code (the first item of
    a tuple key): ``get("COM-89024")`` finds the value of ``"COM-*"``. Exact keys win."""

    def __init__(self, items: Iterable[tuple[Any, int]]) -> None:
        self._items = list(items)
        self._exact = dict(self._items)

    def get(self, key: Any, default: Any = None) -> Any:  # noqa: D102
        if key in self._exact:
            return self._exact[key]
        for pattern, value in self._items:
            if _matches(pattern, key):
                return value
        return default

    def __getitem__(self, key: Any) -> int:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __iter__(self):  # noqa: ANN204
        return iter(self._exact)

    def __len__(self) -> int:
        return len(self._exact)


_MISSING = object()


def _matches(pattern: Any, key: Any) -> bool:
    if isinstance(pattern, tuple):
        return (isinstance(key, tuple) and len(key) == len(pattern) and fnmatch.fnmatchcase(str(key[0]), pattern[0])
                and tuple(key[1:]) == pattern[1:])
    return fnmatch.fnmatchcase(str(key), str(pattern))


class ConfigError(Refus, LookupError):
    """The configuration has no value for the date asked."""


@dataclass(frozen=True)
class PoursuitesConfig:
    version: str
    seuils: SeuilsPoursuite
    seuils_source: str
    creditor_kinds: tuple[tuple[str, CreditorKind], ...]
    income_tax_natures: frozenset[str]
    anv_montant_faible_max_cents: int
    anv_delegations: tuple[str, ...]
    villes: Mapping[str, str]

    def creditor_kind(self, code: str, is_hospital: bool) -> CreditorKind:
        if is_hospital:
            return CreditorKind.HOPITAL
        for pattern, kind in self.creditor_kinds:
            if fnmatch.fnmatchcase(code, pattern):
                return kind
        return CreditorKind.AUTRE

    def is_income_tax(self, nature: str) -> bool:
        return _fold(nature) in self.income_tax_natures

    def delegated(self, creditor_codes: Iterable[str]) -> frozenset[str]:
        return frozenset(c for c in creditor_codes if any(fnmatch.fnmatchcase(c, p) for p in self.anv_delegations))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).upper().split())


@cache
def _raw_config() -> dict[str, Any]:
    with CONFIG_PATH.open("rb") as fh:
        return tomllib.load(fh)


def _period(rows: list[dict[str, Any]], on: date, what: str) -> dict[str, Any]:
    for row in rows:
        if row["du"] <= on and (row.get("au") is None or on <= row["au"]):
            return row
    # The message reaches agents: no file path (the administrator finds the file from the docs).
    raise ConfigError(f"Aucune configuration de {what} en vigueur le {date_fr(on)} : l'administrateur de "
                      "l'application doit compléter la configuration des poursuites.")


@cache
def config(on: date) -> PoursuitesConfig:
    """The configuration in force on ``on``."""
    raw = _raw_config()
    period = _period(raw["seuils"], on, "seuils de poursuite")
    seuils = SeuilsPoursuite(
        par_produit={Product(p): int(v) for p, v in period.get("produit", {}).items()},
        par_produit_action={(Product(r["produit"]), ActionKind(r["action"])): int(r["montant_cents"])
                            for r in period.get("produit_action", [])},
        par_creancier=PatternMapping((r["code"], int(r["montant_cents"])) for r in period.get("creancier", [])),
        par_creancier_action=PatternMapping(((r["code"], ActionKind(r["action"])), int(r["montant_cents"]))
                                            for r in period.get("creancier_action", [])),
    )
    anv = _period(raw["anv"], on, "l'admission en non-valeur")
    return PoursuitesConfig(
        version=str(raw.get("version", "")),
        seuils=seuils,
        seuils_source=period.get("source", ""),
        creditor_kinds=tuple((r["code"], CreditorKind(r["type"])) for r in raw.get("creanciers", [])),
        income_tax_natures=frozenset(_fold(n) for n in raw.get("impots", {}).get("natures_impot_sur_le_revenu", [])),
        anv_montant_faible_max_cents=int(anv["montant_faible_max_cents"]),
        anv_delegations=tuple(anv.get("delegations", [])),
        villes=dict(raw.get("comptables", {}).get("ville", {})),
    )
