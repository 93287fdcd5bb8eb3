"""CSV files of an evaluation: the comparison table and the monthly curves (``;`` separated,
UTF-8 with a BOM so that a spreadsheet opens the accents right; rates as fractions, amounts in cents)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

TABLE_FIELDS = (
    "panel", "produit", "libelle", "mois_observes",
    "traites_redevables", "traites_du_centimes", "traites_recouvre_centimes", "traites_taux", "traites_ic_bas",
    "traites_ic_haut",
    "temoins_redevables", "temoins_du_centimes", "temoins_recouvre_centimes", "temoins_taux", "temoins_ic_bas",
    "temoins_ic_haut",
    "ecart", "ecart_ic_bas", "ecart_ic_haut", "double_difference", "dd_ic_bas", "dd_ic_haut", "dd_raison",
    "effet_minimal_detectable", "remarque",
)
CURVE_FIELDS = ("panel", "produit", "mois", "traites_taux", "traites_bas", "traites_haut", "temoins_taux",
                "temoins_bas", "temoins_haut")


def _entries(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [*result["products"], *([result["pooled"]] if result.get("pooled") else [])]


def table_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for p in _entries(result):
        t, c, d, did = p["treated"], p["control"], p["difference"], p["did"] or {}
        rows.append({
            "panel": result["panel"], "produit": p["product"], "libelle": p["label"],
            "mois_observes": p["months_observed"],
            **{f"{prefix}_{name}": g.get(key) for prefix, g in (("traites", t), ("temoins", c))
               for name, key in (("redevables", "n"), ("du_centimes", "baseline_cents"),
                                 ("recouvre_centimes", "recovered_cents"), ("taux", "rate"), ("ic_bas", "ci_low"),
                                 ("ic_haut", "ci_high"))},
            "ecart": d.get("estimate"), "ecart_ic_bas": d.get("ci_low"), "ecart_ic_haut": d.get("ci_high"),
            "double_difference": did.get("estimate"), "dd_ic_bas": did.get("ci_low"), "dd_ic_haut": did.get("ci_high"),
            "dd_raison": p.get("did_reason"), "effet_minimal_detectable": p.get("mde"),
            "remarque": t.get("reason") or c.get("reason") or "",
        })
    return rows


def curve_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"panel": result["panel"], "produit": p["product"], "mois": m["month"],
             "traites_taux": m["treated_rate"], "traites_bas": m["treated_low"], "traites_haut": m["treated_high"],
             "temoins_taux": m["control_rate"], "temoins_bas": m["control_low"], "temoins_haut": m["control_high"]}
            for p in _entries(result) for m in p["months"]]


def to_csv(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in fields})
    return "\ufeff" + buffer.getvalue()


def table_csv(result: dict[str, Any]) -> str:
    return to_csv(table_rows(result), TABLE_FIELDS)


def curves_csv(result: dict[str, Any]) -> str:
    return to_csv(curve_rows(result), CURVE_FIELDS)


def write_files(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """``evaluation-NAME-tableau.csv`` and ``evaluation-NAME-courbes.csv`` in ``out_dir`` (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, text in (("tableau", table_csv(result)), ("courbes", curves_csv(result))):
        path = out_dir / f"evaluation-{result['panel']}-{suffix}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
