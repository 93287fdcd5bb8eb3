"""The panel composition form (Flask-WTF): fields in words, euros and percents, turned into the same
criteria mapping a TOML file gives (cents and fractions inside), and filled back from criteria (TOML import)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

import panels as lib
from matching.reference import load_reference
from panels.text import departement_of

from .helpers import parse_euros

REQUIRED = "Ce champ est obligatoire."
CONFIGURATIONS = {
    "1": "1 — amendes et impôts au sein d'un SIP (SIP d'Auxerre, SIP du Puy-en-Velay)",
    "2": "2 — amendes et créances hospitalières au sein d'une trésorerie mixte (Nevers)",
    "3": "3 — amendes et impôts au sein d'une trésorerie amendes (Alpes-Maritimes)",
}
PRODUCTS = {"impots": "Impôts", "amendes": "Amendes", "secteur_local": "Secteur local (toutes créances locales)",
            "hopital": "Créances hospitalières (hôpital)"}
#: Criteria key → form field, to show the library's message next to its field.
FIELD_OF_KEY = {"name": "nom", "description": "description", "configuration": "configuration", "products": "produits",
                "departements": "departements", "communes": "communes", "min_total_cents": "seuil_min",
                "max_total_cents": "seuil_max", "control_share": "part_temoin", "seed": "graine",
                "reference_date": "date_reference", "max_members_per_structure": "max_par_structure"}
#: Keys the form does not show: an imported TOML keeps them (hidden field), so nothing is lost.
_FORM_KEYS = {*FIELD_OF_KEY, "min_per_product_cents"}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _codes(text: str | None) -> list[str]:
    return [c.strip().upper() for c in (text or "").replace(",", " ").replace(";", " ").split() if c.strip()]


def _euros_or_none(form: FlaskForm, field: StringField) -> None:  # noqa: ARG001
    field.cents = None
    if (field.data or "").strip():
        field.cents = parse_euros(field.data)
        if field.cents is None:
            raise ValidationError("Montant illisible : saisissez des euros, par exemple « 150 » ou « 1 234,56 ».")


def _percent(form: FlaskForm, field: StringField) -> None:  # noqa: ARG001
    text = (field.data or "").replace("%", "").replace(",", ".").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError("Pourcentage illisible : saisissez par exemple « 50 » ou « 33,5 ».") from None
    if not Decimal(0) < value < Decimal(100):
        raise ValidationError("La part du groupe témoin doit être strictement comprise entre 0 et 100 %.")
    field.share = float(value / 100)


def _departements(form: FlaskForm, field: StringField) -> None:  # noqa: ARG001
    known = {c.departement for c in load_reference().by_code.values()}
    unknown = [d for d in _codes(field.data) if d not in known]
    if unknown:
        raise ValidationError(f"Département(s) inconnu(s) : {', '.join(unknown)}.")


def _communes(form: FlaskForm, field: TextAreaField) -> None:  # noqa: ARG001
    by_code = load_reference().by_code
    unknown = [c for c in _codes(field.data) if c not in by_code]
    if unknown:
        raise ValidationError(f"Code(s) commune INSEE inconnu(s) : {', '.join(unknown[:20])}.")


class PanelForm(FlaskForm):
    nom = StringField("Nom du panel", validators=[
        DataRequired(REQUIRED), Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$",
                                       message="Lettres, chiffres, « - », « _ », « . » ; 100 caractères au plus.")])
    description = StringField("Description (facultatif)", validators=[Optional(), Length(max=500)])
    configuration = RadioField("Configuration", choices=CONFIGURATIONS, default="1",
                               validators=[DataRequired(REQUIRED)])
    produits = MultiCheckboxField("Produits suivis", choices=PRODUCTS)
    departements = StringField("Départements (codes, séparés par des espaces)",
                               validators=[Optional(), _departements])
    communes = TextAreaField("Communes (codes INSEE, facultatif : restreint le territoire)",
                             validators=[Optional(), _communes])
    seuil_min = StringField("Montant dû minimum sur les produits suivis (€)", validators=[_euros_or_none])
    seuil_max = StringField("Montant dû maximum (€, facultatif)", validators=[_euros_or_none])
    min_impots = StringField("Minimum en impôts (€)", validators=[_euros_or_none])
    min_amendes = StringField("Minimum en amendes (€)", validators=[_euros_or_none])
    min_secteur_local = StringField("Minimum au secteur local (€)", validators=[_euros_or_none])
    min_hopital = StringField("Minimum aux hôpitaux (€)", validators=[_euros_or_none])
    part_temoin = StringField("Part du groupe témoin (%)", default="50", validators=[DataRequired(REQUIRED), _percent])
    graine = IntegerField("Graine du tirage", default=1, validators=[
        DataRequired("Graine illisible : un nombre entier positif est attendu."), NumberRange(min=0, max=2**63 - 1)])
    date_reference = DateField("Date de référence (facultatif : aujourd'hui)", validators=[Optional()])
    max_par_structure = IntegerField("Capacité maximale par structure (facultatif)",
                                     validators=[Optional(), NumberRange(min=1)])
    autres = TextAreaField()  # criteria of an imported TOML that the form does not show (JSON-free TOML lines)
    fichier = FileField("Fichier de critères TOML")
    criteres = TextAreaField("… ou texte TOML")

    def min_fields(self) -> list[tuple[str, Any]]:
        return [(p, getattr(self, f"min_{p}")) for p in PRODUCTS]

    def to_mapping(self) -> dict[str, Any]:
        """The criteria mapping, as a TOML file would give it (cents, fractions, lists)."""
        communes = _codes(self.communes.data)
        departements = _codes(self.departements.data) or sorted({departement_of(c) for c in communes})
        data: dict[str, Any] = {"name": self.nom.data.strip(), "configuration": int(self.configuration.data),
                                "departements": departements, "control_share": self.part_temoin.share,
                                "seed": self.graine.data}
        if self.description.data:
            data["description"] = self.description.data.strip()
        if self.produits.data:
            data["products"] = list(self.produits.data)
        if communes:
            data["communes"] = communes
        if self.seuil_min.cents:
            data["min_total_cents"] = self.seuil_min.cents
        if self.seuil_max.cents is not None:
            data["max_total_cents"] = self.seuil_max.cents
        mins = {p: f.cents for p, f in self.min_fields() if f.cents}
        if mins:
            data["min_per_product_cents"] = mins
        if self.date_reference.data:
            data["reference_date"] = self.date_reference.data
        if self.max_par_structure.data:
            data["max_members_per_structure"] = self.max_par_structure.data
        if (self.autres.data or "").strip():
            import tomllib

            data.update(tomllib.loads(self.autres.data))
        return data

    def fill(self, criteria: lib.Criteria, others: str = "") -> None:
        """Fill the fields from criteria (TOML import); ``others``: TOML lines of keys not shown."""
        self.nom.data = criteria.name
        self.description.data = criteria.description
        self.configuration.data = str(criteria.configuration)
        self.produits.data = list(criteria.products)
        self.departements.data = " ".join(criteria.departements)
        self.communes.data = " ".join(criteria.communes)
        self.seuil_min.data = _euro_text(criteria.min_total_cents or None)
        self.seuil_max.data = _euro_text(criteria.max_total_cents)
        for product, field in self.min_fields():
            field.data = _euro_text(criteria.min_for(product) or None)
        self.part_temoin.data = _percent_text(criteria.control_share)
        self.graine.data = criteria.seed
        self.date_reference.data = criteria.reference_date
        self.max_par_structure.data = criteria.max_members_per_structure
        self.autres.data = others

    def show_problems(self, problems: list[tuple[str, str]]) -> list[str]:
        """Attach the library's problems to their fields; returns those without a field."""
        rest = []
        for key, message in problems:
            name = FIELD_OF_KEY.get(key)
            if key.startswith("min_per_product_cents."):
                name = f"min_{key.split('.', 1)[1]}"
            field = getattr(self, name, None) if name else None
            if field is None:
                rest.append(f"{key} : {message}" if key else message)
            else:
                field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        return rest


def _euro_text(cents: int | None) -> str:
    if cents is None:
        return ""
    whole, rest = divmod(cents, 100)
    return str(whole) if rest == 0 else f"{whole},{rest:02d}"


def _percent_text(share: float) -> str:
    text = f"{Decimal(str(share)) * 100:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def others_toml(text: str) -> str:
    """The lines of a criteria TOML whose keys the form does not show (kept as they are)."""
    import tomllib

    data = tomllib.loads(text)
    extra = {k: v for k, v in data.items() if k not in _FORM_KEYS}
    if not extra:
        return ""
    criteria_like = lib.criteria_from_mapping({"name": "x", "configuration": 1, "departements": ["89"],
                                               "control_share": 0.5, "seed": 0, **extra})
    lines = lib.criteria_to_toml(criteria_like).splitlines()
    keep = [line for line in lines if line.split(" = ", 1)[0] in extra]
    return "\n".join(keep) + ("\n" if keep else "")
