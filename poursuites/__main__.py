"""Command line: ``python -m poursuites quotite --annual-net-salary EUROS --dependants N --year YYYY [--json]``
and ``python -m poursuites sbi --montant EUROS --solde EUROS --date AAAA-MM-JJ [--json]``.

Messages are in French; bad arguments exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from .legal import LegalDataError
from .model import euros


class _Parser(argparse.ArgumentParser):
    """argparse with French error messages (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        message = (
            message.replace("the following arguments are required", "arguments obligatoires manquants")
            .replace("unrecognized arguments", "arguments inconnus")
            .replace("invalid choice", "choix invalide")
            .replace("expected one argument", "une valeur est attendue")
            .replace("argument ", "option ")
            .replace("choose from", "choisir parmi")
        )
        self.exit(2, f"Erreur : {message}\nAide : {self.prog} --help\n")


def _euros_to_cents(text: str) -> int:
    raw = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"montant invalide : « {text} » (exemple : 24000 ou 24000,50)") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"montant invalide : « {text} » (un montant positif est attendu)")
    if value != value.quantize(Decimal("0.01")):
        raise argparse.ArgumentTypeError(f"montant invalide : « {text} » (deux décimales au plus)")
    return int(value * 100)


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu : « {text} »") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"nombre positif ou nul attendu : « {text} »")
    return value


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"année invalide : « {text} »") from None
    if not 1900 <= value <= 2200:
        raise argparse.ArgumentTypeError(f"année invalide : « {text} »")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide : « {text} » (format AAAA-MM-JJ)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m poursuites", description="Règles de poursuites (MRF) en ligne de commande.")
    sub = parser.add_subparsers(dest="command", metavar="commande", parser_class=_Parser)
    sub.required = True
    q = sub.add_parser("quotite", help="quotité saisissable d'un salaire (barème R3252-2 du code du travail)")
    q.add_argument("--annual-net-salary", type=_euros_to_cents, required=True, metavar="EUROS",
                   help="salaire net annuel en euros")
    q.add_argument("--dependants", type=_non_negative_int, required=True, metavar="N",
                   help="nombre de personnes à charge")
    q.add_argument("--year", type=_year, required=True, metavar="AAAA", help="année du barème")
    q.add_argument("--date", type=_date, default=None, metavar="AAAA-MM-JJ",
                   help="date du RSA retenu comme minimum laissé au salarié (défaut : 1er janvier de l'année)")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    s = sub.add_parser("sbi", help="saisie sur compte bancaire : solde bancaire insaisissable")
    s.add_argument("--montant", type=_euros_to_cents, required=True, metavar="EUROS", help="montant de la SATD")
    s.add_argument("--solde", type=_euros_to_cents, required=True, metavar="EUROS", help="solde créditeur")
    s.add_argument("--date", type=_date, required=True, metavar="AAAA-MM-JJ", help="date de la saisie")
    s.add_argument("--json", action="store_true", help="sortie JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "quotite":
            from .quotite import quotite_saisissable

            q = quotite_saisissable(args.annual_net_salary, args.dependants, args.year, args.date)
            if args.json:
                print(json.dumps({"annual_seizable_cents": q.annual_seizable_cents,
                                  "monthly_seizable_cents": q.monthly_seizable_cents}))
            else:
                print(f"Quotité saisissable {q.annee} — salaire net annuel {euros(q.annual_net_salary_cents)}, "
                      f"{q.dependants} personne(s) à charge")
                print(f"  Montant saisissable annuel : {euros(q.annual_seizable_cents)}")
                print(f"  Montant saisissable mensuel : {euros(q.monthly_seizable_cents)}")
                print(f"  {q.explanation}")
            return 0
        from .sbi import saisie_bancaire

        r = saisie_bancaire(args.montant, args.solde, args.date)
        if args.json:
            print(json.dumps({"sbi_cents": r.sbi_cents, "seizable_cents": r.seizable_cents,
                              "blocked_cents": r.blocked_cents, "bank_fee_cap_cents": r.bank_fee_cap_cents}))
        else:
            print(r.explanation)
        return 0
    except (LegalDataError, ValueError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
