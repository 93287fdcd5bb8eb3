"""``mrf panel build|publish|close|show|list|reaffectations``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from panels import CriteriaError, PanelError, TransitionRefused
from poursuites.model import euros

from ..extensions import db
from ..services.admin import lectures
from ..services.panels import composition as panel_service


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _euros(cents: float | int | None) -> str:
    """Averages may be fractional cents: rounded, then the one euro format."""
    return "–" if cents is None else euros(int(round(cents)))


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",")


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f} %".replace(".", ",")


def echo_report(report: dict) -> None:
    """Selection funnel, counts and balance table, in French."""
    selection = report["selection"]
    click.echo(f"Sélection : {_n(selection['examined'])} comptes consolidés examinés "
               f"(date de référence {report['reference_date']})")
    width = max((len(s["label"]) for s in selection["steps"]), default=10)
    for step in selection["steps"]:
        click.echo(f"  {step['label']:<{width}}  écartés {_n(step['removed']):>9}  restants {_n(step['remaining']):>9}")
    counts = report["counts"]
    click.echo(f"Retenus : {_n(selection['selected'])} — panel (traités) {_n(counts['panel'])}, "
               f"groupe témoin {_n(counts['control'])}, dont à affecter à la main {_n(counts['manual'])}")
    structures = report.get("structures") or {}
    if structures:
        click.echo("Affectation des traités : " + ", ".join(f"{c} {_n(n)}" for c, n in structures.items()))
    for entry in (report.get("manual") or [])[:10]:
        click.echo(f"  à affecter : redevable {entry['redevable_id']} — {entry['reason']}")
    if len(report.get("manual") or []) > 10:
        click.echo(f"  … et {_n(len(report['manual']) - 10)} autres (voir « mrf panel show {report['name']} --json »)")
    balance = report["balance"]
    click.echo("")
    click.echo("Équilibre panel / témoin (DMS : différence moyenne standardisée)")
    click.echo(f"  {'Variable':<14} {'Modalité':<40} {'Panel':>7} {'Témoin':>7} {'% panel':>8} {'% témoin':>9} "
               f"{'DMS':>6}")
    names = {"product_mix": "Produits", "amount_band": "Montant", "structure": "Structure"}
    for row in balance["levels"]:
        click.echo(f"  {names.get(row['variable'], row['variable']):<14} {row['level'][:40]:<40} "
                   f"{_n(row['n_panel']):>7} {_n(row['n_control']):>7} {_pct(row['share_panel']):>8} "
                   f"{_pct(row['share_control']):>9} {_num(row['smd']):>6}")
    click.echo(f"  {'Covariable':<48} {'Moyenne panel':>16} {'Moyenne témoin':>16} {'DMS':>6}")
    for row in balance["covariates"]:
        cents = row["covariate"].endswith("_cents")
        fmt = _euros if cents else (lambda v: _num(v, 1))
        label = row["label"].replace(" (centimes)", "")
        click.echo(f"  {label[:48]:<48} {fmt(row['mean_panel']):>16} {fmt(row['mean_control']):>16} "
                   f"{_num(row['smd']):>6}")


@click.group("panel")
def panel() -> None:
    """Panels de redevables communs : composition, publication, clôture."""


@panel.command("build")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--seed", type=int, default=None, help="Graine du tirage (remplace celle du fichier).")
@click.option("--apercu", "preview", is_flag=True, help="Prévisualise sans rien enregistrer.")
@with_appcontext
def build(file: Path, seed: int | None, preview: bool) -> None:
    """Compose le panel décrit par le fichier de critères TOML FILE et l'enregistre en brouillon."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"Fichier de critères illisible : {file} ({exc.__class__.__name__}).", 2)
    try:
        if preview:
            result = panel_service.preview_panel(text, seed)
            report, title = result.to_dict(include_members=False), "Aperçu (rien n'est enregistré)"
        else:
            saved = panel_service.save_panel(text, seed)
            report, title = saved.report, "Panel enregistré en brouillon"
    except CriteriaError as exc:
        _fail(str(exc), 2)
    except TransitionRefused as exc:
        _fail(str(exc), 1)
    except PanelError as exc:
        _fail(str(exc), 2)
    click.echo(f"{title} : {report['name']} (configuration {report['configuration']}, "
               f"produits {', '.join(report['products'])}, graine {report['seed']}, "
               f"part du témoin {report['control_share']})")
    echo_report(report)
    if not preview:
        click.echo("")
        click.echo(f"Publier : mrf panel publish {report['name']}")


@panel.command("publish")
@click.argument("name")
@with_appcontext
def publish(name: str) -> None:
    """Publie le panel NAME : composition figée, affectations écrites."""
    try:
        panel_service.publish_panel(name)
    except panel_service.PanelNotFound as exc:
        _fail(str(exc), 2)
    except PanelError as exc:
        _fail(str(exc), 1)
    shown = panel_service.show_panel(name)
    assigned = sum(1 for m in shown["members"] if m["group"] == "panel" and m["structure"])
    click.echo(f"Panel {name} publié : {_n(assigned)} affectation(s) écrite(s), "
               f"{_n(shown['counts']['manual'])} redevable(s) à affecter à la main.")


@panel.command("close")
@click.argument("name")
@with_appcontext
def close(name: str) -> None:
    """Clôt le panel publié NAME : fin des affectations, retour au circuit habituel."""
    try:
        panel_service.close_panel(name)
    except panel_service.PanelNotFound as exc:
        _fail(str(exc), 2)
    except PanelError as exc:
        _fail(str(exc), 1)
    click.echo(f"Panel {name} clos.")


@panel.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def show(name: str, as_json: bool) -> None:
    """Affiche le panel NAME (critères, sélection, équilibre, membres)."""
    try:
        data = panel_service.show_panel(name)
    except panel_service.PanelNotFound as exc:
        _fail(str(exc), 2)
    lectures.en_ligne_de_commande("consultation_panel", "panel", name, {"membres": len(data["members"])})
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Panel {data['name']} — configuration {data['configuration']}, statut {data['status']}, "
               f"graine {data['seed']}")
    echo_report({**data, "control_share": None})
    click.echo("")
    click.echo(f"Membres ({_n(len(data['members']))}) :")
    for m in data["members"][:50]:
        group = "traité" if m["group"] == "panel" else "témoin"
        click.echo(f"  {m['redevable_id']:>8}  {group:<7} {m['structure'] or '–':<14} {m['reason']}")
    if len(data["members"]) > 50:
        click.echo(f"  … et {_n(len(data['members']) - 50)} autres (--json pour la liste complète)")


@panel.command("list")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """Liste les panels."""
    rows = panel_service.list_panels()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Aucun panel.")
        return
    for r in rows:
        click.echo(f"{r['name']:<32} configuration {r['configuration']}  {r['status']:<9} "
                   f"traités {_n(r['n_panel']):>7}  témoins {_n(r['n_control']):>7}  à affecter {_n(r['n_manual']):>5}")


@panel.command("assign")
@click.argument("name")
@click.argument("redevable_ids", metavar="REDEVABLE_ID...", nargs=-1, required=True, type=int)
@click.argument("structure")
@click.option("--reason", required=True, help="Motif de l'affectation (obligatoire, gardé avec elle).")
@with_appcontext
def assign(name: str, redevable_ids: tuple[int, ...], structure: str, reason: str) -> None:
    """Affecte à la structure STRUCTURE un ou plusieurs redevables traités du panel publié NAME."""
    from ..audit import actor
    from ..services.panels import affectation

    with db.new_session() as session:
        agent_id = actor.resolve(session).agent_id
    done = affectation.assign_members(name, redevable_ids, structure, reason, agent_id=agent_id)
    for row in done:
        click.echo(f"Redevable {row['redevable_id']} affecté à {row['structure']} ({row['reason']}).")


class _ReassignmentGroup(click.Group):
    """``reaffectations [NAME]`` lists; ``reaffectations decide ID …`` decides: a first word naming a
    subcommand is that subcommand, not a panel name; ``NAME --json`` takes the option after the name."""

    allow_interspersed_args = True  # click's groups stop at the first word (the subcommand)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            click.Command.parse_args(self, ctx, [])  # the group's own options take their defaults
            # click keeps the subcommand and its arguments here until invoke()
            if hasattr(ctx, "_protected_args"):
                ctx._protected_args, ctx.args = args[:1], args[1:]
            else:  # click < 8.2
                ctx.protected_args, ctx.args = args[:1], args[1:]
            return ctx.args
        return super().parse_args(ctx, args)


@panel.group("reaffectations", cls=_ReassignmentGroup, invoke_without_command=True)
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--detecter", "detect", is_flag=True,
              help="Cherche d'abord les traités dont l'adresse a quitté le territoire de leur structure.")
@click.pass_context
@with_appcontext
def reassignments(ctx: click.Context, name: str | None, as_json: bool, detect: bool) -> None:
    """Liste les propositions de réaffectation (du panel NAME, ou de tous) et leur décision."""
    if ctx.invoked_subcommand is not None:
        return
    from ..services.panels import reaffectation

    if detect:
        try:
            created = panel_service.reassignment_proposals(name)
        except PanelError as exc:
            _fail(str(exc), 1)
        if not as_json:
            click.echo(f"{_n(len(created))} proposition(s) de réaffectation créée(s).")
    rows = reaffectation.list_proposals(name)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Aucune proposition de réaffectation.")
    for p in rows:
        d = p["decision"]
        state = "en attente" if d is None else (f"{d['label']} le {d['decided_at'][:10]} par {d['agent'] or '–'}"
                                                f" : {d['reason']}")
        click.echo(f"  n° {p['id']:<6} {p['panel']:<24} redevable {p['redevable_id']:<8} "
                   f"{p['from_structure'] or '–'} → {p['to_structure'] or 'à choisir'} — {p['reason']} — {state}")


@reassignments.command("decide")
@click.argument("proposal_id", metavar="ID", type=int)
@click.option("--accept/--refuse", "accept", default=None, help="Accepter ou refuser la proposition.")
@click.option("--reason", required=True, help="Motif de la décision (obligatoire).")
@click.option("--structure", default=None, help="Structure retenue quand la proposition n'en nomme pas.")
@with_appcontext
def decide(proposal_id: int, accept: bool | None, reason: str, structure: str | None) -> None:
    """Décide la proposition de réaffectation ID (--accept ou --refuse), avec un motif."""
    from ..audit import actor
    from ..services.panels import reaffectation

    if accept is None:
        _fail("Préciser --accept ou --refuse.", 2)
    with db.new_session() as session:
        agent_id = actor.resolve(session).agent_id
    done = reaffectation.decide(proposal_id, accept, reason, agent_id=agent_id, structure_code=structure)
    moved = f" : redevable {done['redevable_id']} affecté à {done['structure']}" if done["structure"] else ""
    click.echo(f"Proposition {proposal_id} {reaffectation.DECISIONS[done['decision']]}{moved}.")


COMMANDS = (panel,)
