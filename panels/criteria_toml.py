"""Criteria back to TOML: the export of a panel's criteria, read again by :func:`panels.parse_criteria`.

Only keys that differ from their default are written, so a file stays short and readable; reading
the text back gives equal :class:`~panels.criteria.Criteria` (tested).
"""

from __future__ import annotations

import json
from datetime import date

from .criteria import DEFAULT_AMOUNT_BANDS_CENTS, Criteria

_EXCLUSIONS = (
    "exclude_deceased",
    "exclude_surendettement",
    "exclude_procedure_collective",
    "exclude_contested",
    "exclude_payment_plan_honoured",
)


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        # A JSON string without ASCII escaping is a valid TOML basic string (same escapes).
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"valeur non représentable en TOML : {v!r}")


def criteria_to_toml(c: Criteria) -> str:
    """The TOML text of ``c``; ``parse_criteria(criteria_to_toml(c)) == c``."""
    lines = [f"name = {_value(c.name)}"]
    if c.description:
        lines.append(f"description = {_value(c.description)}")
    lines += [
        f"configuration = {c.configuration}",
        f"products = {_value(c.products)}",
        f"departements = {_value(c.departements)}",
    ]
    if c.communes:
        lines.append(f"communes = {_value(c.communes)}")
    if c.min_total_cents:
        lines.append(f"min_total_cents = {c.min_total_cents}")
    optional = ("max_total_cents", "min_oldest_debt_days", "max_oldest_debt_days",
                "exclude_prescription_within_days", "max_members_per_structure")
    for key in optional:
        value = getattr(c, key)
        if value is not None:
            lines.append(f"{key} = {value}")
    for key in _EXCLUSIONS:
        if not getattr(c, key):
            lines.append(f"{key} = false")
    lines.append(f"control_share = {_value(c.control_share)}")
    lines.append(f"seed = {c.seed}")
    if c.amount_bands_cents != DEFAULT_AMOUNT_BANDS_CENTS:
        lines.append(f"amount_bands_cents = {_value(c.amount_bands_cents)}")
    if c.reference_date is not None:
        lines.append(f"reference_date = {c.reference_date.isoformat()}")
    if c.min_per_product_cents:
        # A table last: every key after a [header] would belong to it.
        lines += ["", "[min_per_product_cents]"]
        lines += [f"{product} = {cents}" for product, cents in c.min_per_product_cents]
    return "\n".join(lines) + "\n"
