"""``mrf user``: create and list the application's users, reset or change a password."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..services.admin import users as user_service
from ..services.admin.vocabulaire import ROLE_LABELS


@click.group("user")
def user() -> None:
    """Utilisateurs de l'application."""


@user.command("create")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(user_service.ROLES), help="Rôle de l'utilisateur.")
@click.option("--structure", "structure_code", default=None, help="Code de la structure (agent, comptable).")
@click.option("--name", "display_name", default=None, help="Nom affiché.")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard (sinon : demandé).")
@with_appcontext
def create(login: str, role: str, structure_code: str | None, display_name: str | None, password_stdin: bool) -> None:
    """Crée un utilisateur ; le mot de passe n'apparaît jamais sur la ligne de commande."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    try:
        agent = user_service.create_user(login, role, password, structure_code, display_name)
    except user_service.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    where = f", structure {structure_code}" if structure_code else ""
    click.echo(f"Utilisateur « {agent.login} » créé (rôle {ROLE_LABELS[role]}{where}).")


def _read_password(from_stdin: bool, prompt: str, confirm: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


@user.command("reset-password")
@click.argument("login")
@with_appcontext
def reset_password(login: str) -> None:
    """Réinitialise le mot de passe (administrateur) : un mot de passe provisoire, affiché une seule fois, à
    changer par l'utilisateur à sa prochaine connexion ; ses sessions ouvertes sont fermées."""
    from ..services.admin import mots_de_passe

    done = mots_de_passe.reset(None, login=login)  # the audit line is signed by the command's author (--as)
    click.echo(f"Mot de passe de « {done.login} » réinitialisé ; {done.sessions_ended} session(s) fermée(s).")
    click.echo("Mot de passe provisoire (affiché une seule fois, à changer à la prochaine connexion) :")
    click.echo(done.provisional)


@user.command("set-password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True,
              help="Lire sur l'entrée standard le mot de passe actuel puis le nouveau (une ligne chacun).")
@with_appcontext
def set_password(login: str, password_stdin: bool) -> None:
    """Change son propre mot de passe (le mot de passe actuel est exigé) ; les sessions ouvertes sont fermées."""
    from ..audit.actor import system_user
    from ..services.admin import mots_de_passe

    current = _read_password(password_stdin, "Mot de passe actuel", confirm=False)
    new = _read_password(password_stdin, "Nouveau mot de passe", confirm=True)
    ended = mots_de_passe.change(current, new, login=login,
                                 details={"canal": "cli", "utilisateur_systeme": system_user()})
    click.echo(f"Mot de passe de « {login} » changé ; {ended} session(s) fermée(s).")


@user.command("list")
@with_appcontext
def list_users() -> None:
    """Liste les utilisateurs."""
    from ..extensions import db
    from ..services.admin import user_admin

    with db.new_session() as session:
        for agent, code in user_admin.list_users(session):
            state = "actif" if agent.active else "désactivé"
            if agent.must_change_password:
                state += " (mot de passe provisoire)"
            click.echo(f"{agent.login:<24} {ROLE_LABELS.get(agent.role, agent.role):<24} {code or '-':<16} {state}")


@click.group("worklist")
def worklist() -> None:
    """Listes de travail des structures."""


@worklist.command("refresh")
@click.option("--full", is_flag=True, help="Tout recalculer (sinon : seulement les comptes modifiés).")
@click.option("--pages", type=click.IntRange(0, 1000), default=10, show_default=True,
              help="Prochaines actions précalculées pour ce nombre de pages de chaque liste (0 : aucune).")
@with_appcontext
def worklist_refresh(full: bool, pages: int) -> None:
    """Met à jour les listes de travail et précalcule la prochaine action de leurs premières pages
    (fait aussi automatiquement à l'affichage)."""
    from ..extensions import db
    from ..services.comptes import worklist as service
    from ..services.poursuites.prochaine_action import precalculer

    report = service.sync(full=full)
    click.echo(f"Listes de travail : mise à jour {report.mode} ({report.accounts} compte(s) recalculé(s)).")
    if pages:
        with db.new_session() as session:
            rows = service.first_rows(session, pages * service.PER_PAGE)
            ids = service.first_accounts(session, pages * service.PER_PAGE, rows)
        with click.progressbar(length=len(ids), label="Prochaines actions", show_pos=True) as bar:
            last, total = [0], [len(ids)]

            def avance(done: int, of: int) -> None:
                if of != total[0]:  # the témoins' actions in their offices' lists come on top
                    bar.length, total[0] = of, of
                bar.update(done - last[0])
                last[0] = done

            n = precalculer(ids, avance, offices=rows)
        click.echo(f"Prochaines actions : {n} calculée(s), {total[0] - n} déjà à jour "
                   f"({pages} page(s) par structure, témoins compris dans la liste de chaque poste).")


@worklist.command("show")
@click.option("--structure", "structure_code", default=None,
              help="Code de la structure (sans : la vue nationale, toutes les structures).")
@click.option("--tri", "sort", type=click.Choice(sorted(("priorite", "montant", "montant_croissant", "prescription",
                                                          "echeance", "nom"))), default="priorite", show_default=True)
@click.option("--echeance", "deadline", type=click.Choice(["echeancier", "commissaire", "satd", "demande"]),
              default=None, help="Seulement les comptes dont l'échéance la plus proche est de ce type.")
@click.option("--page", type=click.IntRange(1, 100_000), default=1, show_default=True)
@with_appcontext
def worklist_show(structure_code: str | None, sort: str, deadline: str | None, page: int) -> None:
    """Affiche une page de la liste de travail : priorité, échéance et prochaine action de chaque compte."""
    from sqlalchemy import select

    from poursuites.model import date_fr, euros

    from ..extensions import db
    from ..models import Structure
    from ..services.comptes import priorite
    from ..services.comptes import worklist as service
    from ..services.poursuites.prochaine_action import actions_du_jour

    service.sync()  # not a page: the whole refresh, whatever its size
    with db.new_session() as session:
        sid = None
        if structure_code is not None:
            sid = session.scalar(select(Structure.id).where(Structure.code == structure_code))
            if sid is None:
                raise click.ClickException(f"Structure inconnue : « {structure_code} ».")
        result = service.fetch(session, service.WorklistQuery(structure_id=sid, sort=sort, deadline=deadline,
                                                              page=page))
    actions = actions_du_jour([r.redevable_id for r in result.rows], structure_id=sid)
    where = f"structure {structure_code}" if structure_code else "vue nationale"
    click.echo(f"Liste de travail ({where}), page {page} : {len(result.rows)} compte(s).")
    for row in result.rows:
        name = f"{row.nom or '(sans nom)'} {row.prenoms or ''}".strip()
        click.echo(f"- {name} (compte {row.redevable_id}) — recouvrable {euros(row.total_due_cents)}")
        click.echo(f"  Priorité : {row.priority}")
        if row.next_deadline is not None:
            click.echo(f"  Échéance : {date_fr(row.next_deadline)} — "
                       f"{priorite.DEADLINE_KINDS.get(row.deadline_kind or '', 'échéance')}")
        action = actions.get(row.redevable_id)
        if action is None:
            click.echo("  Prochaine action : plan indisponible (voir le compte)")
        elif action.action:
            click.echo(f"  Prochaine action : {action.action} ({action.pourquoi})")
        else:
            click.echo(f"  Prochaine action : aucune action possible : {action.pourquoi}")
    if result.has_next:
        click.echo(f"Page suivante : --page {page + 1}")


COMMANDS = (user, worklist)
