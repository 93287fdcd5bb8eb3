"""``python -m matching link FILE [FILE …] --id-column COL --map COL=ROLE … --out PAIRS.csv``

Links plain CSV files, each against the others and itself (deduplication), and writes the
accepted pairs and, optionally, the clusters. Messages are in French on stderr; exit status 2 for
a usage or input error.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .csvio import InputError, check_columns, parse_maps, read_records
from .labels import read_labels
from .linker import link
from .model import MatchModel
from .partition import partitioned_link
from .records import ROLES, Record
from .settings import MatchSettings


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"erreur : {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m matching", description="Rapprochement d'identités sur fichiers CSV.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("link", help="rapprocher et dédoublonner des fichiers CSV")
    p.add_argument("files", nargs="+", metavar="FICHIER", help="fichiers CSV (; ou , — UTF-8 ou Windows-1252)")
    p.add_argument("--id-column", required=True, metavar="COL",
                   help="colonne identifiant l'enregistrement dans chaque fichier")
    p.add_argument("--map", action="append", default=[], metavar="COL=ROLE",
                   help=f"rôle d'une colonne : {', '.join(ROLES)}")
    p.add_argument("--date-format", metavar="FMT", help="format strptime des dates de naissance (ex. %%d/%%m/%%Y)")
    p.add_argument("--threshold", type=float, metavar="P", help="probabilité minimale d'un lien accepté (défaut 0,95)")
    p.add_argument("--review", type=float, metavar="P", help="probabilité minimale d'une paire à revoir (défaut 0,5)")
    p.add_argument("--out", required=True, metavar="PAIRS.csv", help="paires acceptées")
    p.add_argument("--clusters", metavar="CLUSTERS.csv", help="personnes : fichier, identifiant, groupe")
    p.add_argument("--review-out", metavar="REVUE.csv", help="paires à revoir")
    p.add_argument("--model", metavar="MODELE.json", help="réutiliser un modèle entraîné")
    p.add_argument("--model-out", metavar="MODELE.json", help="enregistrer le modèle entraîné")
    p.add_argument("--labels", metavar="ETIQUETTES.csv",
                   help="décisions de revue (left_file,left_id,right_file,right_id,same) : imposées et apprises")
    p.add_argument("--sans-referentiel", dest="no_reference", action="store_true",
                   help="comparer lieux et codes postaux tels qu'écrits, sans le référentiel des communes")
    p.add_argument("--workers", type=int, default=1, help="fils de calcul pour les comparaisons (-1 = tous)")
    p.add_argument("--partitions", type=int, default=1, metavar="N",
                   help="répartir le calcul sur N processus par département, avec une passe nationale "
                        "(même résultat qu'un seul processus ; docs/scale.md)")
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


#: a partition is a process: more than the machine's cores only adds memory
MAX_PARTITIONS = 64
_DATE_DIRECTIVES = set("dmyYbBhjaAeU%")


def _check_date_format(fmt: str) -> None:
    """A strptime format naming the day, month or year with directives strptime knows."""
    directives = [fmt[i + 1] for i in range(len(fmt) - 1) if fmt[i] == "%" and (i == 0 or fmt[i - 1] != "%")]
    unknown = sorted({d for d in directives if d not in _DATE_DIRECTIVES})
    if unknown or not {"d", "m", "y", "Y", "b", "B", "j"} & set(directives):
        detail = f"directive inconnue %{unknown[0]}" if unknown else "ni jour, ni mois, ni année"
        raise InputError(f"--date-format invalide « {fmt} » ({detail}) ; exemple : %d/%m/%Y")


_OUTPUTS = ("out", "clusters", "review_out", "model_out")


def _check_outputs(args: argparse.Namespace, inputs: list[Path]) -> None:
    """Every output goes to a file of its own in an existing folder, never over an input file nor
    the model read (but ``--model-out``, which may update it: it is read first): checked before
    any computation, so that nothing is lost."""
    read = {p.resolve(): str(p) for p in inputs}
    written: dict[Path, str] = {}
    for option in _OUTPUTS:
        target = getattr(args, option)
        if not target:
            continue
        flag = f"--{option.replace('_', '-')}"
        path = Path(target).resolve()
        if path.is_dir():
            raise InputError(f"{flag} désigne un dossier ({target}) : donnez un nom de fichier")
        if not path.parent.is_dir():
            raise InputError(f"dossier introuvable pour {flag} : {Path(target).parent}")
        if path in read or (args.model and option != "model_out" and path == Path(args.model).resolve()):
            raise InputError(f"{flag} écraserait le fichier lu {read.get(path, args.model)} : choisissez un autre nom")
        if path in written:
            raise InputError(f"{flag} et {written[path]} désignent le même fichier ({target})")
        written[path] = flag


def run_link(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    maps = parse_maps(args.map)
    if not maps:
        raise InputError("aucune colonne n'a de rôle : ajoutez au moins un --map COL=ROLE")
    paths = [Path(f) for f in args.files]
    if len(set(args.files)) != len(args.files):
        raise InputError("un même fichier est donné deux fois")
    for p in paths:
        if p.is_dir():
            raise InputError(f"{p} est un dossier : donnez un fichier CSV")
        if not p.exists():
            raise InputError(f"fichier introuvable : {p}")
        if not p.is_file():
            raise InputError(f"{p} n'est pas un fichier ordinaire")
    _check_outputs(args, paths + ([Path(args.labels)] if args.labels else []))
    if args.workers == 0 or args.workers < -1:
        raise InputError(f"--workers attend un nombre de fils positif, ou -1 pour tous, reçu {args.workers}")
    if not 1 <= args.partitions <= MAX_PARTITIONS:
        raise InputError(f"--partitions attend un nombre entre 1 et {MAX_PARTITIONS}, reçu {args.partitions}")
    if args.partitions > 1 and args.labels:
        raise InputError("--labels n'est pas encore pris en charge avec --partitions : "
                         "lancez le rapprochement sans --partitions pour appliquer des décisions")
    if args.date_format:
        _check_date_format(args.date_format)
    check_columns(paths, args.id_column, maps)
    records: list[Record] = []
    for name, path in zip(args.files, paths, strict=True):
        recs = read_records(path, name, args.id_column, maps, warn=_say)
        _say(f"{name} : {len(recs)} enregistrements lus.")
        records.extend(recs)
    if args.model:
        try:
            model = MatchModel.from_json(Path(args.model).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"modèle illisible : {args.model} ({exc})") from exc
        settings = model.settings
    else:
        model, settings = None, MatchSettings()
    for name in ("threshold", "review"):
        value = getattr(args, name)
        if value is not None and not 0.0 < value <= 1.0:
            raise InputError(f"--{name} doit être une probabilité entre 0 et 1, reçu {value}")
    if args.threshold is not None:
        settings.accept = args.threshold
        settings.review = min(settings.review, args.threshold)
    if args.review is not None:
        settings.review = min(args.review, settings.accept)
    if args.date_format:
        settings.date_format = args.date_format
    settings.workers = args.workers
    if args.no_reference:
        settings.reference = False
    if model is not None:
        model.settings = settings
    decisions = None
    if args.labels:
        if not Path(args.labels).is_file():
            raise InputError(f"fichier d'étiquettes introuvable : {args.labels}")
        decisions = read_labels(Path(args.labels))
        _say(f"{len(decisions)} décisions lues dans {args.labels}.")
    if args.partitions > 1:
        result = partitioned_link(records, args.partitions, settings=settings, model=model, progress=_say)
    else:
        result = link(records, settings=settings, model=model, decisions=decisions, progress=_say)

    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["left_file", "left_id", "right_file", "right_id", "score"])
        for pair in result.pairs:
            w.writerow([pair.left[0], pair.left[1], pair.right[0], pair.right[1], f"{pair.probability:.6f}"])
    _say(f"{len(result.pairs)} paires écrites dans {args.out}.")
    if args.clusters:
        with open(args.clusters, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "id", "cluster"])
            for (source, rid), cluster in zip(result.table.keys(), result.labels.tolist(), strict=True):
                w.writerow([source, rid, cluster])
        _say(f"{result.stats['clusters']} personnes écrites dans {args.clusters}.")
    if args.review_out:
        with open(args.review_out, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["left_file", "left_id", "right_file", "right_id", "score", "status", "explanation"])
            for pair in result.review_pairs:
                w.writerow([pair.left[0], pair.left[1], pair.right[0], pair.right[1], f"{pair.probability:.6f}",
                            pair.status, pair.explanation["summary"]])
    if args.model_out:
        Path(args.model_out).write_text(result.model.to_json(), encoding="utf-8")
    _say(f"Durée totale : {time.perf_counter() - t0:.1f} s.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "link":
            return run_link(args)
    except InputError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    return 2
