"""The input of the library: one identity record as a source holds it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

#: roles a source column can play (the ``--map COL=ROLE`` of the command line)
ROLES: tuple[str, ...] = (
    "first_names",
    "last_name",
    "birth_name",
    "usage_name",
    "sex",
    "birth_date",
    "birth_place",
    "street_number",
    "street",
    "address",
    "postcode",
    "city",
    "identifier",
)

RecordKey = tuple[str, str]  # (source, id)


@dataclass(slots=True)
class Record:
    """One debtor as one source describes it. Every identity field is optional and raw: the
    library normalises it (case, accents, civilities, "X NEE Y", date formats, abbreviations).

    * ``last_name``: a name whose kind the source does not say (may hold "DUPONT NEE MARTIN");
      ``birth_name`` / ``usage_name`` when the source distinguishes them.
    * ``first_names``: one or several, in any order, space or hyphen separated.
    * ``birth_date``: a :class:`datetime.date` or text in the usual French formats, possibly
      partial (``00/00/1960``).
    * ``address``: free address lines (one string or several), used with or instead of
      ``street_number`` / ``street``.
    * ``identifier``: an identifier shared by the sources (e.g. numéro fiscal), when there is one;
      two different identifiers mean two different persons.
    """

    source: str
    id: str
    first_names: str | None = None
    last_name: str | None = None
    birth_name: str | None = None
    usage_name: str | None = None
    sex: str | None = None
    birth_date: str | date | None = None
    birth_place: str | None = None
    street_number: str | None = None
    street: str | None = None
    address: str | tuple[str, ...] | None = None
    postcode: str | None = None
    city: str | None = None
    identifier: str | None = None

    @property
    def key(self) -> RecordKey:
        return (self.source, self.id)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))
