"""The merged family resolver: chains of any depth, cycles, the bulk forms, on every backend."""

from __future__ import annotations

from mrf.extensions import db
from mrf.models import Redevable
from mrf.services.comptes import famille


def _chain(session, length: int) -> list[int]:  # noqa: ANN001
    """``length`` accounts, each merged into the previous one: [root, child, grandchild, …]."""
    ids: list[int] = []
    for n in range(length):
        red = Redevable(nom=f"CHAINE{n}", prenoms="ANNE", merged_into_id=ids[-1] if ids else None)
        session.add(red)
        session.flush()
        ids.append(red.id)
    return ids


def test_a_three_deep_merge_chain_resolves_to_its_root_and_back(app) -> None:  # noqa: ARG001
    with db.transaction() as s:
        root, child, grandchild, great = _chain(s, 4)
    with db.new_session() as s:
        assert famille.root_of(s, great) == root
        assert famille.root_of(s, root) == root
        assert famille.family_of(s, root) == (root, child, grandchild, great)
        assert famille.family_of(s, child) == (child, grandchild, great)
        assert famille.root_of(s, 10**9) is None
        fusions = famille.Fusions.load(s)
        assert fusions.root(great) == root and fusions(grandchild) == root
        assert fusions.expand({root}) == {root, child, grandchild, great}


def test_a_long_chain_is_not_cut(app) -> None:  # noqa: ARG001
    with db.transaction() as s:
        ids = _chain(s, 150)  # the old walkers stopped after 10 or 100 hops
    with db.new_session() as s:
        assert famille.root_of(s, ids[-1]) == ids[0]
        assert famille.family_of(s, ids[0]) == tuple(ids)


def test_a_cycle_ends_the_walk_instead_of_looping(app) -> None:  # noqa: ARG001
    with db.transaction() as s:
        a, b, c = _chain(s, 3)
        s.get(Redevable, a).merged_into_id = c  # a → c → b → a
    with db.new_session() as s:
        assert famille.root_of(s, c) in {a, b, c}
        assert set(famille.family_of(s, a)) == {a, b, c}
        assert famille.Fusions.load(s).root(b) in {a, b, c}


def test_bulk_forms_resolve_many_ids_at_once(app, monkeypatch) -> None:  # noqa: ARG001
    monkeypatch.setattr(famille, "CHUNK", 2)  # several IN (…) batches on a small world
    with db.transaction() as s:
        first = _chain(s, 3)
        second = _chain(s, 2)
        alone = _chain(s, 1)[0]
    with db.new_session() as s:
        roots = famille.roots_of(s, [*first, *second, alone, 10**9])
        assert roots == {**dict.fromkeys(first, first[0]), **dict.fromkeys(second, second[0]), alone: alone}
        families = famille.families_of(s, [first[0], second[0], alone])
        assert families == {first[0]: tuple(first), second[0]: tuple(second), alone: (alone,)}
