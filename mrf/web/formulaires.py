"""What every form shares: WTForms' own messages in French, and validators for what agents type
(amounts within a plausible bound, dates neither in the future nor absurdly old), so that bad input is
refused at the edge with a French reason and never reaches the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.i18n import get_translations
from wtforms.validators import ValidationError

from .helpers import euros, parse_euros

#: Above this an amount typed by an agent is a typing error (and would not fit a 64-bit integer far above).
MONTANT_MAX_CENTS = 100_000_000_000  # 1 milliard d'euros
#: Dates typed by agents (receipts, answers, requests) are recent events.
ANNEE_MIN = 1990


def messages(form: FlaskForm) -> str:
    """Every validation message of ``form``, in one line for a flash message."""
    return " ".join(e for errs in form.errors.values() for e in errs)


class Formulaire(FlaskForm):
    """A Flask-WTF form whose built-in messages (length, choice, date…) are French."""

    class Meta:
        def get_translations(self, form: Any) -> Any:  # noqa: ARG002
            return get_translations(["fr_FR", "fr"])


class Montant:
    """An amount in euros (« 150 », « 1 234,56 ») → ``field.cents``; ASCII digits only, within bounds."""

    def __init__(self, zero_permis: bool = False, vide_permis: bool = False) -> None:
        self.zero_permis, self.vide_permis = zero_permis, vide_permis

    def __call__(self, form: FlaskForm, field: Field) -> None:  # noqa: ARG002
        text = (field.data or "").strip()
        if not text and self.vide_permis:
            field.cents = 0
            return
        cents = parse_euros(text)
        if cents is None or cents < 0 or (cents == 0 and not self.zero_permis):
            exemple = "« 150,00 »"
            raise ValidationError(f"Montant illisible : saisissez un montant {'' if self.zero_permis else 'positif, '}"
                                  f"par exemple {exemple}.".replace("  ", " "))
        if cents > MONTANT_MAX_CENTS:
            raise ValidationError(f"Montant trop élevé : au plus {euros(MONTANT_MAX_CENTS)}. Vérifiez la saisie.")
        field.cents = cents


class DatePassee:
    """A date not after today and not before ``ANNEE_MIN``."""

    def __init__(self, quoi: str = "La date") -> None:
        self.quoi = quoi

    def __call__(self, form: FlaskForm, field: Field) -> None:  # noqa: ARG002
        value = field.data
        if not isinstance(value, date):
            return
        if value > date.today():
            raise ValidationError(f"{self.quoi} ne peut pas être dans le futur.")
        if value.year < ANNEE_MIN:
            raise ValidationError(f"{self.quoi} est trop ancienne (avant {ANNEE_MIN}) : vérifiez la saisie.")


class Identifiant:
    """The number of a record sent back by a page (hidden field): ASCII digits within a 64-bit id."""

    def __call__(self, form: FlaskForm, field: Field) -> None:  # noqa: ARG002
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
            raise ValidationError("Identifiant invalide.")
