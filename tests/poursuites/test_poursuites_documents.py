"""Joint SATD rendered to HTML and PDF; the PDF text is read back with pypdf."""

import hashlib
import io
import re
from datetime import date

import pypdf
import pytest
from poursuites_fixtures import ON, amende, impot, local, source

from poursuites.documents import TEMPLATES_DIR, render_satd_redevable, render_satd_tiers
from poursuites.model import Product
from poursuites.renseignements import compte_bancaire, employeur
from poursuites.satd import build_satd

CREANCES = [impot("i1", rar=120_000), amende("a1", rar=37_500), local("l1", rar=48_000)]


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def employer_satd():
    from poursuites.model import ComptableView, RedevableView

    emp = employeur("e1", "73282932000074", "Société Exemple", source(), annual_net_salary_cents=2_400_000)
    red = RedevableView("R1", "Dupont", "Marie")
    comp = ComptableView("089001", "SIP d'Auxerre", ("10 rue du Trésor", "89000 Auxerre"), ville="Auxerre")
    return build_satd(red, emp, CREANCES, comp, ON)


@pytest.fixture(scope="module")
def rendered(employer_satd):
    return (render_satd_tiers(employer_satd, "SATD-2025-000123"),
            render_satd_redevable(employer_satd, "SATD-2025-000124"))


def test_satd_content(employer_satd):
    s = employer_satd
    assert s.is_joint and s.products == (Product.IMPOTS, Product.AMENDES, Product.SECTEUR_LOCAL)
    assert s.total_cents == 205_500
    # Employer → quotité 2025 for 24 000 € / 0 dependant = 478,61 € a month (see test_poursuites_quotite).
    assert s.montant.mode == "quotite_saisissable" and s.montant.amount_cents == 47_861
    assert s.delai_paiement_jours == 30
    assert [line.recours.product for line in s.lines] == [Product.IMPOTS, Product.AMENDES, Product.SECTEUR_LOCAL]


def test_bank_satd_amount_is_what_exceeds_the_sbi(redevable, comptable):
    bank = compte_bancaire("b1", "FR7630006000011234567890189", "Banque", source(), balance_cents=100_000)
    s = build_satd(redevable, bank, CREANCES, comptable, date(2025, 6, 2))
    assert s.montant.sbi_cents == 64_652
    assert s.montant.amount_cents == 100_000 - 64_652
    assert s.montant.bank_fee_cap_cents == 10_000
    unknown = compte_bancaire("b2", "FR7630006000011234567890189", "Banque", source())
    s = build_satd(redevable, unknown, CREANCES[:1], comptable, date(2025, 6, 2))
    assert s.montant.amount_cents is None and "646,52" in s.montant.explanation


def test_tiers_pdf_text(rendered):
    doc = rendered[0]
    assert doc.pdf.startswith(b"%PDF") and doc.sha256 == hashlib.sha256(doc.pdf).hexdigest()
    text = _text(doc.pdf)
    assert "DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES" in text
    assert "L262" in text and "SATD-2025-000123" in text
    for ref in ("IR-i1", "AFM-a1", "T-l1"):
        assert ref in text
    assert "R3252-2" in text and "478,61" in text  # barème and monthly amount for the employer
    assert "30 jours" in text


def test_redevable_pdf_has_each_recourse_route(rendered):
    doc = rendered[1]
    text = _text(doc.pdf)
    assert "L262" in text and "Délais et voies de recours" in text
    for ref in ("IR-i1", "AFM-a1", "T-l1"):
        assert ref in text
    # impôts / amendes: prior written claim to the DDFiP within 2 months (R*281-1 LPF)
    assert "réclamation écrite préalable adressée au directeur départemental" in text
    assert "R*281-1" in text
    # amendes: the debt itself goes to the ministère public
    assert "ministère public" in text
    # local debts: juge de l'exécution for the form, 2 months from the titre for the debt
    assert "saisine du juge de l'exécution dans un délai de deux mois" in text
    assert "L1617-5" in text
    assert text.count("Délai :") == 3  # one route per créance


def test_html_has_no_external_resource(rendered):
    for doc in rendered:
        assert "http://" not in doc.html and "https://" not in doc.html and "@import" not in doc.html
        assert '<html lang="fr">' in doc.html


def test_templates_are_in_the_repository():
    for name in ("_base.html", "satd_tiers.html", "satd_redevable.html"):
        assert (TEMPLATES_DIR / "documents" / name).is_file()


def test_number_is_required(employer_satd):
    with pytest.raises(ValueError, match="numéro"):
        render_satd_tiers(employer_satd, "")


def test_pdf_declares_french(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered[0].pdf))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
