"""An insolvency found by the étude feeds the admission en non-valeur proposal of the account."""

from __future__ import annotations

from datetime import date

from poursuites.anv import AnvProposal
from poursuites.model import date_fr

from ...extensions import db
from ..errors import Conflit
from ..poursuites.actes import propose_anv
from .registre import un_dossier


def proposer_anv(numero: str, on: date | None = None, agent_id: int | None = None,
                 structure_id: int | None = None) -> AnvProposal:
    """Propose the ANV of the account (motif insolvabilité), justified by the étude's finding."""
    on = on or date.today()
    with db.new_session() as session:
        v = un_dossier(session, numero, on, structure_id)
        found = [e for e in v.events if e.sens == "retour" and e.kind == "insolvabilite"]
        if not found:
            raise Conflit(f"Aucune insolvabilité constatée par l'étude sur le dossier {v.dossier.numero}.")
        e = found[-1]
        justification = (f"Insolvabilité constatée par {v.etude.nom} le {date_fr(e.survenu_le)} "
                         f"(dossier {v.dossier.numero}, phase {v.dossier.phase}).")
        redevable_id = v.dossier.redevable_id
    return propose_anv(redevable_id, "insolvabilite", on, agent_id, justification)
