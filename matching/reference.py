"""French communes and postal codes (INSEE COG + La Poste), vendored in ``matching/data``."""

from __future__ import annotations

import csv
import gzip
import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Commune:
    code_insee: str
    type: str  # COM, ARM, COMD, COMA
    nom: str
    departement: str
    parent: str | None
    population: int
    postcodes: tuple[str, ...]


def _fold(name: str) -> str:
    """Upper-case, accent-free, punctuation-free key used to compare commune names."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = text.replace("SAINTE", "STE").replace("SAINT", "ST")
    return "".join(c for c in text if c.isalnum())


@dataclass(frozen=True)
class CommuneReference:
    by_code: dict[str, Commune]
    by_postcode: dict[str, tuple[str, ...]]
    by_name: dict[str, tuple[str, ...]]
    departements: dict[str, str]

    def commune(self, code_insee: str) -> Commune | None:
        return self.by_code.get(code_insee)

    def is_postcode(self, postcode: str) -> bool:
        return postcode in self.by_postcode

    def communes_for_postcode(self, postcode: str) -> tuple[str, ...]:
        return self.by_postcode.get(postcode, ())

    def find(self, city: str | None, postcode: str | None = None) -> Commune | None:
        """Best commune for a (city name, postal code) pair as typed in a source, or None.

        The postal code alone decides when it serves one commune; the name decides among the
        communes of a postal code, or alone when the postal code is wrong or missing and the
        name is unique in France (or in the postal code's département).
        """
        folded = _fold(city) if city else ""
        candidates = self.by_postcode.get(postcode or "", ())
        if candidates:
            if len(candidates) == 1 and not folded:
                return self.by_code[candidates[0]]
            for code in candidates:
                if _folded_name(self, code) == folded:
                    return self.by_code[code]
            # The typed name beats a postal code that belongs to another commune (a typo in
            # the postal code is more frequent than one that turns a name into another one).
            named_here = self._named_in_departement(folded, postcode)
            if named_here is not None:
                return named_here
            if len(candidates) == 1:
                return self.by_code[candidates[0]]
        if folded:
            named = self.by_name.get(folded, ())
            if len(named) == 1:
                return self.by_code[named[0]]
            if postcode and len(postcode) == 5:
                dep = postcode[:2] if not postcode.startswith("97") else postcode[:3]
                local = [c for c in named if self.by_code[c].departement == dep]
                if len(local) == 1:
                    return self.by_code[local[0]]
        return None

    def find_fuzzy(self, city: str | None, postcode: str | None = None, min_score: float = 88.0) -> Commune | None:
        """Like :meth:`find`, then tolerant of spelling errors in the commune name.

        Candidates are the communes of the postal code, else of its département (or of France
        when no usable postal code is given); the closest name wins when its similarity
        (rapidfuzz ``WRatio`` on folded names) reaches ``min_score`` and no other candidate ties
        with it.
        """
        exact = self.find(city, postcode)
        if exact is not None or not city:
            return exact
        folded = _fold(city)
        if not folded:
            return None
        from rapidfuzz import fuzz, process  # local: keep the import of this module cheap
        from rapidfuzz.distance import DamerauLevenshtein

        pools: list[tuple[str, ...]] = []
        if postcode and postcode in self.by_postcode:
            pools.append(self.by_postcode[postcode])
        if postcode and len(postcode) == 5:
            dep = postcode[:3] if postcode.startswith("97") else postcode[:2]
            pools.append(self._names_by_departement().get(dep, ()))
        if not postcode:
            pools.append(tuple(self.by_name_keys()))
        for pool in pools:
            if not pool:
                continue
            by_code = pool[0] in self.by_code
            names = [_folded_name(self, c) for c in pool] if by_code else list(pool)
            ratio = process.cdist([folded], names, scorer=fuzz.WRatio)[0]
            dist = process.cdist([folded], names, scorer=DamerauLevenshtein.distance)[0]
            close = (dist <= 1) & (len(folded) >= 5) | (dist <= 2) & (len(folded) >= 9)
            score = ratio + 100.0 * close
            ok = (ratio >= min_score) | close
            if not ok.any():
                continue
            best = int(score.argmax())
            ties = [i for i in range(len(names)) if ok[i] and score[i] >= score[best] and names[i] != names[best]]
            if ties:
                continue  # ambiguous
            if by_code:
                return self.by_code[pool[best]]
            codes = self.by_name.get(names[best], ())
            if len(codes) == 1:
                return self.by_code[codes[0]]
        return None

    def _names_by_departement(self) -> dict[str, tuple[str, ...]]:
        cached = _DEP_CACHE.get(id(self))
        if cached is None:
            groups: dict[str, list[str]] = {}
            for code, commune in self.by_code.items():
                if commune.type in ("COM", "ARM"):
                    groups.setdefault(commune.departement, []).append(code)
            cached = {k: tuple(v) for k, v in groups.items()}
            _DEP_CACHE[id(self)] = cached
        return cached

    def by_name_keys(self) -> list[str]:
        """Folded names of every commune (used for a nation-wide fuzzy look-up)."""
        return list(self.by_name)

    def _named_in_departement(self, folded: str, postcode: str | None) -> Commune | None:
        if not folded or not postcode or len(postcode) != 5:
            return None
        dep = postcode[:2] if not postcode.startswith("97") else postcode[:3]
        local = [c for c in self.by_name.get(folded, ()) if self.by_code[c].departement == dep]
        return self.by_code[local[0]] if len(local) == 1 else None

    def repair_postcode(self, city: str | None, postcode: str | None) -> str | None:
        """A valid postal code for the commune, keeping the given one when it is valid for it."""
        commune = self.find(city, postcode)
        if commune is None:
            return postcode if postcode in self.by_postcode else None
        if postcode in commune.postcodes:
            return postcode
        return commune.postcodes[0] if commune.postcodes else postcode


_DEP_CACHE: dict[int, dict[str, tuple[str, ...]]] = {}
_FOLDED: dict[int, dict[str, str]] = {}


def _folded_name(ref: CommuneReference, code: str) -> str:
    """Folded name of a commune (cached per reference object)."""
    names = _FOLDED.setdefault(id(ref), {})
    name = names.get(code)
    if name is None:
        name = names[code] = _fold(ref.by_code[code].nom)
    return name


@lru_cache(maxsize=1)
def load_reference() -> CommuneReference:
    """Load the vendored reference once per process (about 37,500 communes)."""
    by_code: dict[str, Commune] = {}
    by_postcode: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = {}
    with gzip.open(DATA_DIR / "communes.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            commune = Commune(
                code_insee=row["code_insee"],
                type=row["type"],
                nom=row["nom"],
                departement=row["code_departement"],
                parent=row["code_insee_parent"] or None,
                population=int(row["population"] or 0),
                postcodes=tuple(row["codes_postaux"].split()),
            )
            by_code[commune.code_insee] = commune
            if commune.type in ("COM", "ARM"):
                for pc in commune.postcodes:
                    by_postcode.setdefault(pc, []).append(commune.code_insee)
            by_name.setdefault(_fold(commune.nom), []).append(commune.code_insee)
    with gzip.open(DATA_DIR / "departements.csv.gz", "rt", encoding="utf-8") as fh:
        departements = {r["code_departement"]: r["nom"] for r in csv.DictReader(io.StringIO(fh.read()))}
    return CommuneReference(
        by_code=by_code,
        by_postcode={k: tuple(v) for k, v in by_postcode.items()},
        by_name={k: tuple(v) for k, v in by_name.items()},
        departements=departements,
    )
