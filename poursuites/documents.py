"""Render SATD documents from the ``templates`` data package (top-level ``templates/``) to HTML and PDF.

Numbering and archiving belong to the application: it passes the document ``number`` and
stores the returned HTML, PDF bytes and SHA-256 (of the PDF). No network resource is ever
fetched: the URL fetcher refuses anything that is not a local file under ``templates/``.

Speed: the HTML keeps its inline ``<style>`` (the archived HTML is self-contained), but the
stylesheet text is constant across documents, so for the PDF it is parsed once per process
(cached by its text) and passed to WeasyPrint with a shared font configuration.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import templates

from .model import date_fr, euros
from .satd import Satd

# Found through importlib.resources, so an installed wheel renders documents as a checkout does.
TEMPLATES_DIR = templates.folder()

SATD_TIERS = "documents/satd_tiers.html"
SATD_REDEVABLE = "documents/satd_redevable.html"


class Ventilation(NamedTuple):
    """The breakdown of a créance's montant pris en charge, as its extract gave it."""

    principal_cents: int
    majorations_cents: int


class RenderedDocument(NamedTuple):
    html: str
    pdf: bytes
    sha256: str  # of the PDF bytes


def _fraction(value: Fraction) -> str:
    return "totalité" if value == 1 else f"{value.numerator}/{value.denominator}"


def _iban(value: str) -> str:
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["euros"] = euros
    env.filters["date_fr"] = date_fr
    env.filters["fraction"] = _fraction
    env.filters["iban"] = _iban
    return env


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def _local_only_fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
    from weasyprint.urls import default_url_fetcher

    root = TEMPLATES_DIR.as_uri()
    if not url.startswith(root + "/"):
        raise ValueError(f"Ressource externe refusée dans un document : {url}")
    return default_url_fetcher(url, *args, **kwargs)


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=16)
def _stylesheet(text: str) -> Any:
    from weasyprint import CSS

    return CSS(string=text, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=_local_only_fetcher,
               font_config=_font_config())


_HTML_LANG = re.compile(r'<html lang="([a-zA-Z-]+)">')


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for ``html``. The document language is set on the PDF catalogue (/Lang) rather
    than on every box: documents use no automatic hyphenation, and a per-box language makes
    WeasyPrint's text layout about 15 % slower."""
    from weasyprint import HTML  # imported lazily: heavy, and not needed for HTML only

    stylesheets = []
    match = _STYLE.search(html)
    if match:
        stylesheets.append(_stylesheet(match.group(1)))
        html = html[: match.start()] + html[match.end():]
    lang = None
    match = _HTML_LANG.search(html)
    if match:
        lang = match.group(1)
        html = html[: match.start()] + "<html>" + html[match.end():]
    document = HTML(string=html, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=_local_only_fetcher)
    rendered = document.render(stylesheets=stylesheets, font_config=_font_config())
    if lang:
        rendered.metadata.lang = lang
    return rendered.write_pdf()


def render_document(template: str, *, number: str, **context: Any) -> RenderedDocument:
    if not number:
        raise ValueError("Un document doit porter un numéro.")
    html = render_html(template, number=number, **context)
    pdf = html_to_pdf(html)
    return RenderedDocument(html, pdf, hashlib.sha256(pdf).hexdigest())


def render_satd_tiers(satd: Satd, number: str,
                      ventilations: Mapping[str, Ventilation | None] | None = None) -> RenderedDocument:
    """The notice to the tiers détenteur; each créance with its principal and majorations when
    ``ventilations`` (by créance id) knows them, "non ventilé" otherwise."""
    return render_document(SATD_TIERS, number=number, satd=satd, ventilations=ventilations or {})


def render_satd_redevable(satd: Satd, number: str,
                          ventilations: Mapping[str, Ventilation | None] | None = None) -> RenderedDocument:
    """The notification to the debtor, with délais et voies de recours per créance (and its breakdown)."""
    return render_document(SATD_REDEVABLE, number=number, satd=satd, ventilations=ventilations or {})
