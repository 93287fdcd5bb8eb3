"""French communes and postal codes (INSEE COG + La Poste), vendored in ``matching/data``."""

from __future__ import annotations

import csv
import gzip
import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import LIGATURES

DATA_DIR = Path(__file__).resolve().parent / "data"

#: share of the namesakes' inhabitants the largest must hold for :meth:`CommuneReference.likeliest`
LIKELIEST_SHARE = 0.9


#: longer than any commune's name (SAINT-REMY-EN-BOUZEMONT-SAINT-GENEST-ET-ISSON, 45 letters),
#: with room for an arrondissement or CEDEX left behind
LONGEST_NAME = 64


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
    # ligatures spelt out as matching.text.fold does: "Rœulx" and "ROEULX" are one name
    text = unicodedata.normalize("NFKD", name.translate(LIGATURES))
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

        In order: without a name, a postal code serving one commune decides; a name equal to
        one of the postal code's communes decides; when the postal code and the name disagree
        (``93400 SAINT-DENIS``: 93400 is Saint-Ouen's), the **name wins** if it is exactly the
        name of one commune of the postal code's département (Saint-Denis, 93066), since a
        mistyped or neighbouring postal code is more frequent than a name that happens to be
        another commune's; else a postal code serving one commune wins; else the name alone,
        when it is unique in France or in the postal code's département.
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
            return self._named_in_departement(folded, postcode)
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
        if not folded or len(folded) > LONGEST_NAME:
            return None  # not a commune's name: no France-wide search (a 50,000-character field took a minute)
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

    def named_in_departement(self, city: str | None, departement: str) -> Commune | None:
        """The one commune of that name in the département (``SAINT-DENIS``, ``93``), or None."""
        return self._named_in(_fold(city), departement) if city else None

    def _named_in_departement(self, folded: str, postcode: str | None) -> Commune | None:
        if not folded or not postcode or len(postcode) != 5:
            return None
        return self._named_in(folded, postcode[:2] if not postcode.startswith("97") else postcode[:3])

    def _named_in(self, folded: str, departement: str) -> Commune | None:
        local = [c for c in self.by_name.get(folded, ()) if self.by_code[c].departement == departement]
        return self.by_code[local[0]] if len(local) == 1 else None

    def likeliest(self, city: str | None, min_share: float = LIKELIEST_SHARE) -> Commune | None:
        """The commune a name most probably means without any postal code, or None.

        A name borne by several communes (VITROLLES: 33,000 inhabitants in the Bouches-du-Rhône,
        200 in the Hautes-Alpes) names the most populous one when it holds at least
        ``min_share`` of their inhabitants together: people live where people are. :meth:`find`
        does not guess (the application must not file a debtor in a commune by such a guess);
        record linkage uses this to compare a ``VITROLLES`` typed without postal code with
        ``13127 VITROLLES``.
        """
        codes = self.by_name.get(_fold(city), ()) if city else ()
        communes = [self.by_code[c] for c in codes if self.by_code[c].type != "SRM"]
        if not communes:
            return None
        top = max(communes, key=lambda c: c.population)
        total = sum(c.population for c in communes)
        return top if total > 0 and top.population >= min_share * total else None

    def municipality(self, code_insee: str) -> str:
        """Code of the commune a code belongs to today: a municipal arrondissement (Paris, Lyon,
        Marseille) or a commune déléguée / associée gives its parent commune, any other code
        itself.

        Sources write ``13004 MARSEILLE`` as well as ``MARSEILLE 4E ARRONDISSEMENT``, and a
        merged village under its own name or the new commune's: record linkage compares this
        code so that both forms are one commune. The application keeps the exact codes.
        """
        commune = self.by_code.get(code_insee)
        if commune is None or commune.type == "COM" or not commune.parent:
            return code_insee
        parent = self.by_code.get(commune.parent)
        return commune.parent if parent is not None else code_insee

    def postcodes_of(self, code_insee: str) -> tuple[str, ...]:
        """Postal codes of a commune (none for a commune déléguée or associée)."""
        commune = self.by_code.get(code_insee)
        return commune.postcodes if commune is not None else ()

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
    """Folded name of a commune today (cached per reference object)."""
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
            # a commune nouvelle's chef-lieu is listed twice under one code, as the commune
            # (COM) and as its commune déléguée (COMD: old name, no postal code, 21452
            # NEUILLY-LES-DIJON beside NEUILLY-CRIMOLOIS): the code stands for the commune
            previous = by_code.get(commune.code_insee)
            if previous is None or previous.type != "COM":
                by_code[commune.code_insee] = commune
            if commune.type in ("COM", "ARM"):
                for pc in commune.postcodes:
                    by_postcode.setdefault(pc, []).append(commune.code_insee)
            named = by_name.setdefault(_fold(commune.nom), [])
            # A chef-lieu of a commune nouvelle is listed twice under one code (COM and COMD:
            # ANNECY, SAINT-DENIS): one commune, not two namesakes that would make the name
            # ambiguous.
            if commune.code_insee not in named:
                named.append(commune.code_insee)
    with gzip.open(DATA_DIR / "departements.csv.gz", "rt", encoding="utf-8") as fh:
        departements = {r["code_departement"]: r["nom"] for r in csv.DictReader(io.StringIO(fh.read()))}
    return CommuneReference(
        by_code=by_code,
        by_postcode={k: tuple(v) for k, v in by_postcode.items()},
        by_name={k: tuple(v) for k, v in by_name.items()},
        departements=departements,
    )


def fold_commune_name(name: str) -> str:
    """The key under which :class:`CommuneReference` compares commune names (``SAINT-DENIS``,
    ``St Denis`` and ``ST DENIS`` are one key)."""
    return _fold(name)
