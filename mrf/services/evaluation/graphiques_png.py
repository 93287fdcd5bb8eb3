"""The curves chart as PNG (Pillow, already installed with WeasyPrint): same reading as the SVG —
cumulative rate by month since publication for both groups, with their 95 % bands."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from .graphiques import CONTROL, GRID, INK, MUTED, TREATED, _nice_top, pct

SCALE = 2  # drawn at twice the SVG's size, for a sharp image


def _rgb(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), alpha


#: The State's typeface, vendored with the DSFR (FreeType reads the WOFF files).
FONTS = Path(__file__).resolve().parents[2] / "static" / "dsfr" / "fonts"


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONTS / ("Marianne-Bold.woff" if bold else "Marianne-Regular.woff")),
                                  size * SCALE)
    except OSError:  # a FreeType without WOFF support: Pillow's own font (no accents in some builds)
        return ImageFont.load_default(size=size * SCALE)


def curve_png(entry: dict[str, Any]) -> bytes:
    """PNG bytes of the chart of ``curve_chart`` (a short notice when a group is too small)."""
    months = entry.get("months") or []
    title = f"{entry['label'][:1].upper()}{entry['label'][1:]} — taux de recouvrement cumulé"
    width, height, left, right, top, bottom = 640, 320, 56, 150, 40, 44
    if not months:
        height = 80
    image = Image.new("RGBA", (width * SCALE, height * SCALE), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.text((0, 4 * SCALE), title, fill=_rgb(INK), font=_font(16, bold=True))
    if not months:
        draw.text((0, 40 * SCALE), "Courbe non affichée : effectif trop faible (moins de 5 redevables dans un groupe).",
                  fill=_rgb(MUTED), font=_font(13))
        return _png(image)
    pw, ph, n = width - left - right, height - top - bottom, len(months)
    top_rate = _nice_top(max(max(m["treated_high"] or 0, m["control_high"] or 0) for m in months))

    def xy(k: float, r: float) -> tuple[float, float]:
        return ((left + pw * k / n) * SCALE, (top + ph * (1 - min(max(r, 0.0), top_rate) / top_rate)) * SCALE)

    small = _font(11)
    for i in range(5):
        r = top_rate * i / 4
        _, y = xy(0, r)
        draw.line([(left * SCALE, y), ((left + pw) * SCALE, y)], fill=_rgb(GRID), width=SCALE)
        draw.text(((left - 6) * SCALE, y), pct(r), fill=_rgb(MUTED), font=small, anchor="rm")
    step = 1 if n <= 12 else (2 if n <= 24 else 6)
    for k in range(0, n + 1, step):
        draw.text((xy(k, 0)[0], (top + ph + 10) * SCALE), str(k), fill=_rgb(MUTED), font=small, anchor="mm")
    draw.text(((left + pw / 2) * SCALE, (height - 10) * SCALE), "mois depuis la publication", fill=_rgb(MUTED),
              font=_font(12), anchor="mm")
    for key, colour in (("control", CONTROL), ("treated", TREATED)):
        band = Image.new("RGBA", image.size, (0, 0, 0, 0))
        upper = [xy(0, 0)] + [xy(m["month"], m[f"{key}_high"]) for m in months]
        lower = [xy(0, 0)] + [xy(m["month"], m[f"{key}_low"]) for m in months]
        ImageDraw.Draw(band).polygon(upper + lower[::-1], fill=_rgb(colour, 40))
        image.alpha_composite(band)
    draw = ImageDraw.Draw(image)
    for key, colour in (("control", CONTROL), ("treated", TREATED)):
        draw.line([xy(0, 0)] + [xy(m["month"], m[f"{key}_rate"]) for m in months], fill=_rgb(colour),
                  width=3 * SCALE, joint="curve")
    draw.line([xy(0, 0), xy(n, 0)], fill=_rgb(MUTED), width=SCALE)
    last = months[-1]
    lx = (left + pw + 16) * SCALE
    for i, (label, colour, rate) in enumerate((("Traités", TREATED, last["treated_rate"]),
                                               ("Témoins", CONTROL, last["control_rate"]))):
        ly = (top + 14 + i * 40) * SCALE
        draw.line([(lx, ly), (lx + 24 * SCALE, ly)], fill=_rgb(colour), width=3 * SCALE)
        draw.text((lx + 30 * SCALE, ly), label, fill=_rgb(INK), font=_font(13), anchor="lm")
        draw.text((lx + 30 * SCALE, ly + 16 * SCALE), f"{pct(rate, 1)} au mois {last['month']}", fill=_rgb(MUTED),
                  font=small, anchor="lm")
    draw.text((lx, (top + 96) * SCALE), "Zone claire : intervalle\nde confiance à 95 %", fill=_rgb(MUTED), font=small)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
