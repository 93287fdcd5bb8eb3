"""Panel criteria: a declarative TOML file kept with the panel, parsed and validated here.

Every problem is reported in French, naming its key; all problems are reported at once.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

from .errors import CriteriaError
from .model import CONFIGURATION_LABELS, CONFIGURATION_PRODUCTS, PRODUCTS
from .text import departement_of

DEFAULT_AMOUNT_BANDS_CENTS: tuple[int, ...] = (50_000, 200_000, 1_000_000)

_DEPARTEMENT_RE = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
_INSEE_RE = re.compile(r"^((0[1-9]|[1-8]\d|9[0-5]|2A|2B)\d{3}|97[1-6]\d{2})$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_MAX_SEED = 2**63 - 1
_CONTROL_SHARE_DENOMINATOR = 10_000

_EXCLUSION_KEYS = (
    "exclude_deceased",
    "exclude_surendettement",
    "exclude_procedure_collective",
    "exclude_contested",
    "exclude_payment_plan_honoured",
)

KNOWN_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "configuration",
    "products",
    "departements",
    "communes",
    "min_total_cents",
    "max_total_cents",
    "min_per_product_cents",
    "min_oldest_debt_days",
    "max_oldest_debt_days",
    *_EXCLUSION_KEYS,
    "exclude_prescription_within_days",
    "max_members_per_structure",
    "control_share",
    "seed",
    "amount_bands_cents",
    "reference_date",
)


@dataclass(frozen=True)
class Criteria:
    """Validated panel criteria. Build with :func:`parse_criteria`, :func:`load_criteria` or
    :func:`criteria_from_mapping`, which check every key."""

    name: str
    configuration: int
    products: tuple[str, ...]
    departements: tuple[str, ...]
    control_share: float
    seed: int
    description: str = ""
    communes: tuple[str, ...] = ()
    min_total_cents: int = 0
    max_total_cents: int | None = None
    min_per_product_cents: tuple[tuple[str, int], ...] = ()
    min_oldest_debt_days: int | None = None
    max_oldest_debt_days: int | None = None
    exclude_deceased: bool = True
    exclude_surendettement: bool = True
    exclude_procedure_collective: bool = True
    exclude_contested: bool = True
    exclude_payment_plan_honoured: bool = True
    exclude_prescription_within_days: int | None = None
    max_members_per_structure: int | None = None
    amount_bands_cents: tuple[int, ...] = DEFAULT_AMOUNT_BANDS_CENTS
    reference_date: date | None = None

    @property
    def control_fraction(self) -> Fraction:
        """``control_share`` as an exact fraction (precision 1/10 000)."""
        return Fraction(self.control_share).limit_denominator(_CONTROL_SHARE_DENOMINATOR)

    @property
    def configuration_label(self) -> str:
        return CONFIGURATION_LABELS[self.configuration]

    def min_for(self, product: str) -> int:
        return dict(self.min_per_product_cents).get(product, 0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly, key order fixed."""
        return {
            "name": self.name,
            "description": self.description,
            "configuration": self.configuration,
            "products": list(self.products),
            "departements": list(self.departements),
            "communes": list(self.communes),
            "min_total_cents": self.min_total_cents,
            "max_total_cents": self.max_total_cents,
            "min_per_product_cents": dict(self.min_per_product_cents),
            "min_oldest_debt_days": self.min_oldest_debt_days,
            "max_oldest_debt_days": self.max_oldest_debt_days,
            **{k: getattr(self, k) for k in _EXCLUSION_KEYS},
            "exclude_prescription_within_days": self.exclude_prescription_within_days,
            "max_members_per_structure": self.max_members_per_structure,
            "control_share": self.control_share,
            "seed": self.seed,
            "amount_bands_cents": list(self.amount_bands_cents),
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
        }

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form: identifies the criteria a panel was built from."""
        raw = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def load_criteria(path: str | Path) -> Criteria:
    """Read and validate a criteria TOML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CriteriaError([("", f"fichier de critères introuvable : {p}")]) from None
    except UnicodeDecodeError:
        raise CriteriaError([("", f"le fichier de critères {p} n'est pas encodé en UTF-8")]) from None
    return parse_criteria(text)


_TOML_POS_RE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_EOF_RE = re.compile(r"\(at end of document\)")


def parse_criteria(text: str) -> Criteria:
    """Parse and validate criteria given as TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        m = _TOML_POS_RE.search(detail)
        if m:
            where = f"à la ligne {m.group(1)}, colonne {m.group(2)}"
        elif _TOML_EOF_RE.search(detail):
            where = "en fin de fichier"
        else:
            where = "à un endroit non précisé"
        raise CriteriaError([("", f"syntaxe TOML invalide {where} (détail technique : {detail})")]) from None
    return criteria_from_mapping(data)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def criteria_from_mapping(data: Mapping[str, Any]) -> Criteria:
    """Validate a mapping (e.g. parsed TOML) into :class:`Criteria`."""
    problems: list[tuple[str, str]] = []

    def bad(key: str, msg: str) -> None:
        problems.append((key, msg))

    for key in data:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f" ; voulez-vous dire « {close[0]} » ?" if close else ""
            bad(key, f"clé inconnue{hint}")

    def get_int(key: str, *, minimum: int = 0, default: int | None = None, required: bool = False) -> int | None:
        if key not in data:
            if required:
                bad(key, "obligatoire")
            return default
        v = data[key]
        if not _is_int(v):
            bad(key, f"doit être un nombre entier (reçu : {v!r})")
            return default
        if v < minimum:
            bad(key, f"doit être supérieur ou égal à {minimum} (reçu : {v})")
            return default
        return v

    def get_bool(key: str, default: bool) -> bool:
        if key not in data:
            return default
        v = data[key]
        if not isinstance(v, bool):
            bad(key, f"doit valoir true ou false (reçu : {v!r})")
            return default
        return v

    def get_str_list(key: str) -> list[str] | None:
        if key not in data:
            return None
        v = data[key]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            bad(key, f"doit être une liste de chaînes, par exemple [\"89\"] (reçu : {v!r})")
            return None
        if len(set(v)) != len(v):
            dup = sorted({x for x in v if v.count(x) > 1})
            bad(key, f"valeurs en double : {', '.join(dup)}")
            return None
        return list(v)

    # name, description
    name = data.get("name")
    if name is None:
        bad("name", "obligatoire")
        name = ""
    elif not isinstance(name, str) or not _NAME_RE.match(name):
        bad("name", "doit être un identifiant court (lettres, chiffres, « - », « _ », « . », 100 caractères au plus)")
        name = ""
    description = data.get("description", "")
    if not isinstance(description, str):
        bad("description", "doit être une chaîne de caractères")
        description = ""

    # configuration and products
    configuration = data.get("configuration")
    if configuration is None:
        bad("configuration", "obligatoire (1, 2 ou 3)")
    elif not _is_int(configuration) or configuration not in CONFIGURATION_PRODUCTS:
        bad(
            "configuration",
            f"doit valoir 1 (amendes + impôts en SIP), 2 (amendes + hôpital en trésorerie mixte) "
            f"ou 3 (amendes + impôts en trésorerie amendes) (reçu : {configuration!r})",
        )
        configuration = None

    products_list = get_str_list("products")
    products: tuple[str, ...] = ()
    if products_list is not None:
        unknown = [p for p in products_list if p not in PRODUCTS]
        if unknown:
            bad("products", f"produit(s) inconnu(s) : {', '.join(unknown)} ; valeurs admises : {', '.join(PRODUCTS)}")
        elif not products_list:
            bad("products", "ne peut pas être vide")
        else:
            products = tuple(sorted(products_list))
            if configuration is not None:
                missing = [p for p in CONFIGURATION_PRODUCTS[configuration] if p not in products]
                if missing:
                    bad(
                        "products",
                        f"la configuration {configuration} ({CONFIGURATION_LABELS[configuration]}) exige "
                        f"les produits {' et '.join(CONFIGURATION_PRODUCTS[configuration])} "
                        f"(manque : {', '.join(missing)})",
                    )
    elif configuration is not None:
        products = tuple(sorted(CONFIGURATION_PRODUCTS[configuration]))

    # territory
    departements: tuple[str, ...] = ()
    deps = get_str_list("departements")
    if "departements" not in data:
        bad("departements", "obligatoire (liste de codes département, par exemple [\"89\"])")
    elif deps is not None:
        wrong = [d for d in deps if not _DEPARTEMENT_RE.match(d)]
        if wrong:
            bad("departements", f"code(s) département invalide(s) : {', '.join(wrong)}")
        elif not deps:
            bad("departements", "ne peut pas être vide")
        else:
            departements = tuple(sorted(deps))
    communes: tuple[str, ...] = ()
    coms = get_str_list("communes")
    if coms is not None:
        wrong = [c for c in coms if not _INSEE_RE.match(c)]
        if wrong:
            bad("communes", f"code(s) commune INSEE invalide(s) : {', '.join(wrong)}")
        else:
            outside = [c for c in coms if departements and departement_of(c) not in departements]
            if outside:
                bad("communes", f"commune(s) hors des départements retenus : {', '.join(outside)}")
            communes = tuple(sorted(coms))

    # amounts
    min_total = get_int("min_total_cents", default=0) or 0
    max_total = get_int("max_total_cents")
    if max_total is not None and max_total < min_total:
        bad("max_total_cents", f"doit être supérieur ou égal à min_total_cents ({min_total})")
    min_per_product: tuple[tuple[str, int], ...] = ()
    if "min_per_product_cents" in data:
        mpp = data["min_per_product_cents"]
        if not isinstance(mpp, dict):
            bad("min_per_product_cents", "doit être une table, par exemple { amendes = 5000 }")
        else:
            items = []
            for prod, cents in mpp.items():
                key = f"min_per_product_cents.{prod}"
                if products and prod not in products:
                    bad(key, f"produit absent de products ({', '.join(products)})")
                elif not _is_int(cents) or cents < 0:
                    bad(key, f"doit être un nombre entier de centimes positif ou nul (reçu : {cents!r})")
                else:
                    items.append((prod, cents))
            min_per_product = tuple(sorted(items))

    # ages
    min_age = get_int("min_oldest_debt_days")
    max_age = get_int("max_oldest_debt_days")
    if min_age is not None and max_age is not None and max_age < min_age:
        bad("max_oldest_debt_days", f"doit être supérieur ou égal à min_oldest_debt_days ({min_age})")

    exclusions = {k: get_bool(k, True) for k in _EXCLUSION_KEYS}
    prescription = get_int("exclude_prescription_within_days")
    max_members = get_int("max_members_per_structure", minimum=1)

    # randomisation
    control_share = data.get("control_share")
    if control_share is None:
        bad("control_share", "obligatoire (part du groupe témoin, par exemple 0.3)")
        control_share = 0.5
    elif isinstance(control_share, bool) or not isinstance(control_share, (int, float)):
        bad("control_share", f"doit être un nombre (reçu : {control_share!r})")
        control_share = 0.5
    elif not 0 < control_share < 1:
        bad("control_share", f"doit être strictement compris entre 0 et 1 (reçu : {control_share})")
        control_share = 0.5
    else:
        control_share = float(control_share)
    seed = get_int("seed", required=True)
    if seed is not None and seed > _MAX_SEED:
        bad("seed", f"doit être inférieur à 2^63 (reçu : {seed})")
        seed = None

    bands = DEFAULT_AMOUNT_BANDS_CENTS
    if "amount_bands_cents" in data:
        b = data["amount_bands_cents"]
        if (
            not isinstance(b, list)
            or not b
            or not all(_is_int(x) and x > 0 for x in b)
            or any(x >= y for x, y in pairwise(b))
        ):
            bad("amount_bands_cents", "doit être une liste non vide de seuils en centimes, positifs et croissants")
        else:
            bands = tuple(b)

    reference_date = data.get("reference_date")
    if reference_date is not None and (isinstance(reference_date, datetime) or not isinstance(reference_date, date)):
        bad("reference_date", f"doit être une date TOML sans heure, par exemple 2027-01-15 (reçu : {reference_date!r})")
        reference_date = None

    if problems:
        raise CriteriaError(problems)
    assert isinstance(configuration, int) and seed is not None
    return Criteria(
        name=name,
        description=description,
        configuration=configuration,
        products=products,
        departements=departements,
        communes=communes,
        min_total_cents=min_total,
        max_total_cents=max_total,
        min_per_product_cents=min_per_product,
        min_oldest_debt_days=min_age,
        max_oldest_debt_days=max_age,
        exclude_prescription_within_days=prescription,
        max_members_per_structure=max_members,
        control_share=control_share,
        seed=seed,
        amount_bands_cents=bands,
        reference_date=reference_date,
        **exclusions,
    )
