"""``mrf evaluation show|export``: a panel's treated against control, per product, over time."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..services.errors import Refus
from ..services.evaluation import export
from ..services.evaluation import service as evaluation_service


def _echo_text(result: dict[str, Any]) -> None:
    if "panels" in result:  # several panels evaluated as one sample
        scope = f" de configuration {result['configuration']}" if result["configuration"] else ""
        click.echo(f"Évaluation de l'ensemble des panels{scope} ({', '.join(result['panels'])}) : "
                   f"{result['months_observed']} mois observés par chacun.")
    else:
        click.echo(f"Évaluation du panel {result['panel']} (configuration {result['configuration']}), publié le "
                   f"{date.fromisoformat(result['published_on']).strftime('%d/%m/%Y')} : "
                   f"{result['months_observed']} mois observés.")
    entries = [*result["products"], *([result["pooled"]] if result.get("pooled") else [])]
    if not entries:
        click.echo("Aucun membre n'avait de somme due à la publication sur les produits du panel : rien à évaluer.")
    for entry in entries:
        click.echo("")
        click.echo(f"— {entry['label'][:1].upper()}{entry['label'][1:]}")
        for phrase in entry["phrases"]:
            click.echo(f"  {phrase}")
    costs = result.get("costs") or {}
    if costs.get("phrases"):
        click.echo("")
        click.echo("— Coûts")
        for phrase in costs["phrases"]:
            click.echo(f"  {phrase}")


@click.group("evaluation")
def evaluation() -> None:
    """Évaluation des panels : traités contre témoins, par produit, dans le temps."""


@evaluation.command("show")
@click.argument("name", required=False)
@click.option("--all", "all_panels", is_flag=True, help="Tous les panels publiés ou clos.")
@click.option("--ensemble", "together", is_flag=True,
              help="Tous les panels publiés évalués comme un seul échantillon (avec --configuration : ceux-là).")
@click.option("--configuration", type=click.IntRange(1, 3), default=None,
              help="Avec --ensemble : les panels de cette configuration seulement.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (taux en fractions, montants en centimes).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date d'observation (défaut : aujourd'hui).")
@with_appcontext
def show(name: str | None, all_panels: bool, together: bool, configuration: int | None, as_json: bool,
         as_of: Any) -> None:
    """Taux de recouvrement des traités et des témoins, écart, double différence, courbes."""
    day = as_of.date() if as_of else None
    if together:
        if name or all_panels:
            raise Refus("--ensemble s'emploie sans nom de panel ni --all.")
        result = evaluation_service.evaluate_together(day, configuration)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            _echo_text(result)
        return
    if configuration is not None:
        raise Refus("--configuration s'emploie avec --ensemble.")
    if all_panels == bool(name):
        raise Refus("Indiquer soit le nom d'un panel, soit --all.")
    results = evaluation_service.evaluate_all(day) if all_panels else [evaluation_service.evaluate_panel(name, day)]
    if as_json:
        click.echo(json.dumps(results if all_panels else results[0], ensure_ascii=False, indent=1))
        return
    if all_panels and not results:
        click.echo("Aucun panel publié : rien à évaluer.")
    for k, result in enumerate(results):
        if k:
            click.echo("\n" + "=" * 60)
        _echo_text(result)


@evaluation.command("export")
@click.argument("name")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier où écrire les fichiers CSV.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date d'observation (défaut : aujourd'hui).")
@with_appcontext
def export_command(name: str, out_dir: Path, as_of: Any) -> None:
    """Écrit le tableau de comparaison et les courbes mensuelles en CSV."""
    result = evaluation_service.evaluate_panel(name, as_of.date() if as_of else None)
    for path in export.write_files(result, out_dir):
        click.echo(f"Écrit : {path}")


COMMANDS = (evaluation,)
