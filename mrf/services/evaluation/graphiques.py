"""Charts of an evaluation as standalone SVG, read at a glance: cumulative recovery rate by month
since publication for both groups with their 95 % bands, and the treated − control differences
with their intervals. Presentation attributes only (no script, no style element): they pass the
strict CSP inline and open as downloaded files."""

from __future__ import annotations

from html import escape
from typing import Any

TREATED = "#000091"  # DSFR bleu France
CONTROL = "#c9191e"  # DSFR rouge Marianne
GRID = "#dddddd"
INK = "#161616"
MUTED = "#3a3a3a"


def pct(x: float, digits: int = 0) -> str:
    return f"{x * 100:.{digits}f} %".replace(".", ",")


def _nice_top(value: float) -> float:
    """Upper bound of the rate axis: the next 10 % step above ``value`` (at least 10 %)."""
    steps = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]
    return next((s for s in steps if value <= s), max(1.0, value))


def _head(width: int, height: int, ident: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-titre {ident}-desc" class="mrf-chart">',
        f'<title id="{ident}-titre">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="0" y="20" font-family="Marianne, Arial, sans-serif" font-size="16" font-weight="bold" '
        f'fill="{INK}">{escape(title)}</text>',
    ]


def curve_chart(entry: dict[str, Any], ident: str = "courbe") -> str:
    """Cumulative rates of treated and control by month since publication, with pointwise 95 % bands."""
    months = entry.get("months") or []
    title = f"{entry['label'][:1].upper()}{entry['label'][1:]} — taux de recouvrement cumulé"
    width, height, left, right, top, bottom = 640, 320, 56, 150, 40, 44
    pw, ph = width - left - right, height - top - bottom
    if not months:
        reason = entry["treated"].get("reason") or entry["control"].get("reason") or "aucune donnée"
        parts = _head(width, 80, ident, title, f"Courbe non affichée : {reason}.")
        parts.append(f'<text x="0" y="52" font-family="Marianne, Arial, sans-serif" font-size="14" fill="{MUTED}">'
                     f"Courbe non affichée : {escape(reason)} (moins de 5 redevables dans un groupe).</text></svg>")
        return "\n".join(parts)
    n = len(months)
    top_rate = _nice_top(max(max(m["treated_high"] or 0, m["control_high"] or 0) for m in months))

    def x(k: float) -> float:
        return left + pw * k / n

    def y(r: float) -> float:
        return top + ph * (1 - min(max(r, 0.0), top_rate) / top_rate)

    last = months[-1]
    desc = (f"Au mois {last['month']} : traités {pct(last['treated_rate'], 1)} "
            f"(bande {pct(last['treated_low'], 1)} à {pct(last['treated_high'], 1)}), témoins "
            f"{pct(last['control_rate'], 1)} (bande {pct(last['control_low'], 1)} à {pct(last['control_high'], 1)}).")
    parts = _head(width, height, ident, title, desc)
    font = 'font-family="Marianne, Arial, sans-serif"'
    for i in range(5):
        r = top_rate * i / 4
        parts.append(f'<line x1="{left}" y1="{y(r):.1f}" x2="{left + pw}" y2="{y(r):.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y(r) + 4:.1f}" {font} font-size="11" text-anchor="end" '
                     f'fill="{MUTED}">{pct(r)}</text>')
    step = 1 if n <= 12 else (2 if n <= 24 else 6)
    for k in range(0, n + 1, step):
        parts.append(f'<text x="{x(k):.1f}" y="{top + ph + 16}" {font} font-size="11" text-anchor="middle" '
                     f'fill="{MUTED}">{k}</text>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" {font} font-size="12" text-anchor="middle" '
                 f'fill="{MUTED}">mois depuis la publication</text>')
    for key, colour in (("control", CONTROL), ("treated", TREATED)):
        upper = [(x(0), y(0))] + [(x(m["month"]), y(m[f"{key}_high"])) for m in months]
        lower = [(x(0), y(0))] + [(x(m["month"]), y(m[f"{key}_low"])) for m in months]
        band = " ".join(f"{a:.1f},{b:.1f}" for a, b in upper + lower[::-1])
        parts.append(f'<polygon points="{band}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
        line = " ".join(f"{a:.1f},{b:.1f}" for a, b in [(x(0), y(0))] + [(x(m["month"]), y(m[f"{key}_rate"]))
                                                                          for m in months])
        dash = ' stroke-dasharray="6 4"' if key == "control" else ""
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="{MUTED}"/>')
    lx = left + pw + 16
    for i, (label, colour, rate, dash) in enumerate((
            ("Traités", TREATED, last["treated_rate"], ""),
            ("Témoins", CONTROL, last["control_rate"], ' stroke-dasharray="6 4"'))):
        ly = top + 14 + i * 40
        parts.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" stroke-width="2.5"{dash}/>')
        parts.append(f'<text x="{lx + 30}" y="{ly + 4}" {font} font-size="13" fill="{INK}">{label}</text>')
        parts.append(f'<text x="{lx + 30}" y="{ly + 20}" {font} font-size="12" fill="{MUTED}">'
                     f"{pct(rate, 1)} au mois {last['month']}</text>")
    parts.append(f'<text x="{lx}" y="{top + 100}" {font} font-size="11" fill="{MUTED}">Zone claire : intervalle</text>')
    parts.append(f'<text x="{lx}" y="{top + 114}" {font} font-size="11" fill="{MUTED}">de confiance à 95 %</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def difference_chart(entries: list[dict[str, Any]], ident: str = "ecarts") -> str:
    """Treated − control difference per product (points) with its 95 % interval, zero marked."""
    title = "Écart de taux traités − témoins, avec son intervalle de confiance à 95 %"
    shown = [e for e in entries if e["difference"].get("estimate") is not None]
    row_h, left, width, top = 34, 230, 640, 44
    height = top + max(1, len(entries)) * row_h + 40
    pw = width - left - 30
    lo = min([e["difference"]["ci_low"] for e in shown] + [-0.1])
    hi = max([e["difference"]["ci_high"] for e in shown] + [0.1])
    span = hi - lo

    def x(v: float) -> float:
        return left + pw * (v - lo) / span

    def points(v: float) -> str:
        return f"{v * 100:+.1f} pt".replace(".", ",").replace("-", "−")

    desc = "; ".join(f"{e['label']} : {points(e['difference']['estimate'])}" if e["difference"].get("estimate")
                     is not None else f"{e['label']} : effectif trop faible" for e in entries)
    parts = _head(width, height, ident, title, desc)
    font = 'font-family="Marianne, Arial, sans-serif"'
    parts.append(f'<line x1="{x(0):.1f}" y1="{top - 8}" x2="{x(0):.1f}" y2="{height - 30}" stroke="{MUTED}" '
                 'stroke-dasharray="3 3"/>')
    parts.append(f'<text x="{x(0):.1f}" y="{height - 12}" {font} font-size="11" text-anchor="middle" '
                 f'fill="{MUTED}">0 (aucun effet)</text>')
    for i, e in enumerate(entries):
        cy = top + i * row_h + row_h / 2
        label = e["label"][:1].upper() + e["label"][1:]
        parts.append(f'<text x="{left - 12}" y="{cy + 4:.1f}" {font} font-size="13" text-anchor="end" '
                     f'fill="{INK}">{escape(label[:34])}</text>')
        d = e["difference"]
        if d.get("estimate") is None:
            parts.append(f'<text x="{left}" y="{cy + 4:.1f}" {font} font-size="12" fill="{MUTED}">'
                         "effectif trop faible</text>")
            continue
        colour = TREATED if d["ci_low"] > 0 else (CONTROL if d["ci_high"] < 0 else MUTED)
        parts.append(f'<line x1="{x(d["ci_low"]):.1f}" y1="{cy:.1f}" x2="{x(d["ci_high"]):.1f}" y2="{cy:.1f}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<circle cx="{x(d["estimate"]):.1f}" cy="{cy:.1f}" r="6" fill="{colour}"/>')
        parts.append(f'<text x="{x(d["estimate"]):.1f}" y="{cy - 9:.1f}" {font} font-size="11" text-anchor="middle" '
                     f'fill="{INK}">{points(d["estimate"])}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
