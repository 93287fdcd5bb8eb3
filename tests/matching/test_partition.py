"""The partitioned batch run (``matching.partition``): the same output as the single run."""

from __future__ import annotations

import csv
import dataclasses
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching import MatchSettings, Record, link
from matching.partition import national_pass, partition_of_records, partitioned_link
from matching.table import build_table

from matching_fixtures import COMMUNES, population

ROOT = Path(__file__).resolve().parents[2]


def moved_population(persons: int = 500, seed: int = 11):
    """The fixture population where one person in three with several records has moved: the last
    of their records is at another address, in another département (cross-partition pairs)."""
    records, truth = population(persons, seed)
    rnd = random.Random(seed)
    by_person: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_person.setdefault(truth[r.key], []).append(i)
    moved = 0
    for k, (_, rows) in enumerate(sorted(by_person.items())):
        if len(rows) < 2 or k % 3:
            continue
        r = records[rows[-1]]
        here = r.postcode[:2]
        pc, city = rnd.choice([c for c in COMMUNES if c[0][:2] != here])
        new = {"postcode": pc, "city": city}
        if r.address:
            new["address"] = (f"{rnd.randint(1, 99)} RUE DES ACACIAS",)
        else:
            new.update(street_number=str(rnd.randint(1, 99)), street="RUE DES ACACIAS")
            if r.source == "helios":
                new.update(street_number=None, street=f"{rnd.randint(1, 99)} RUE DES ACACIAS")
        records[rows[-1]] = dataclasses.replace(r, **new)
        moved += 1
    assert moved > 40
    return records, truth


def groups(result) -> set[frozenset]:
    return {frozenset(members) for members in result.cluster_members().values()}


@pytest.fixture(scope="module")
def moved():
    records, truth = moved_population()
    return records, truth, link(records)


@pytest.mark.parametrize("partitions", [2, 3, 6])  # 6: more partitions than départements
def test_partitioned_run_gives_the_single_runs_clusters_pairs_and_review(moved, partitions):
    records, truth, single = moved
    part = partitioned_link(records, partitions)  # the model is trained again, on the same records
    assert part.model.to_json() == single.model.to_json()
    national = part.stats["national"]
    # the moves make links across partitions, and clusters the merge has to form again
    assert national["cross_accepted_links"] > 20
    assert national["components_reclustered"] > 20
    assert groups(part) == groups(single)
    assert set(part.pairs.keys()) == set(single.pairs.keys())
    assert sorted(part.review_pairs.keys()) == sorted(single.review_pairs.keys())
    assert np.allclose(np.sort(part.probability), np.sort(single.probability))
    assert part.stats["candidate_pairs"] == single.stats["candidate_pairs"]
    sizes = [p["records"] for p in part.stats["partitions"]]
    assert len(sizes) == partitions and sum(sizes) == len(records)
    departements = len(set(part.stats["departements"]))
    assert sum(1 for size in sizes if size) == min(partitions, departements)


def test_a_person_who_moved_is_one_cluster_across_partitions(moved):
    records, truth, single = moved
    part = partitioned_link(records, 2)
    keys = part.table.keys()
    assignment, mapping = partition_of_records(part.table, 2)
    partitions: dict[str, set[int]] = {}
    clusters: dict[str, set[int]] = {}
    for key, p, label in zip(keys, assignment.tolist(), part.labels.tolist(), strict=True):
        partitions.setdefault(truth[key], set()).add(p)
        clusters.setdefault(truth[key], set()).add(label)
    movers = [person for person, ps in partitions.items() if len(ps) > 1]
    whole = [person for person in movers if len(clusters[person]) == 1]
    # found although the partitions never see each other's records — as many as the single run
    # finds (a mover with neither birth date nor old address in common stays apart in both)
    assert len(movers) > 20 and len(whole) > 20
    single_clusters: dict[str, set[int]] = {}
    for key, label in zip(single.table.keys(), single.labels.tolist(), strict=True):
        single_clusters.setdefault(truth[key], set()).add(label)
    assert whole == [person for person in movers if len(single_clusters[person]) == 1]
    assert set(mapping) <= set(part.table.vocabs.departement.values) | {""}


def test_without_the_national_pass_on_every_rule_the_movers_are_lost(moved):
    """The national pass restricted to a rule no mover's pairs meet loses them: the pass is needed."""
    records, truth, single = moved
    part = partitioned_link(records, 2, national_rules=["identifiant"])
    assert part.stats["national"]["cross_accepted_links"] == 0
    assert len(groups(single) - groups(part)) > 20


def test_blocks_too_large_are_those_of_the_whole_population():
    """A block too large for the whole population is skipped in every partition, even where the
    partition's share of it is small enough (else the partitions would score pairs the single run
    does not): three ZORGLUB born the same day, two in the Yonne and one in the Alpes-Maritimes,
    with blocks of two records at most."""
    records, _ = moved_population(300, seed=5)
    twins = [Record("impots", f"Z{k}", first_names="JEAN", birth_name="ZORGLUB", birth_date="01/02/1970",
                    street_number=str(k), street="RUE PASTEUR", postcode=pc, city=city)
             for k, (pc, city) in enumerate([("89000", "AUXERRE"), ("89100", "SENS"), ("06000", "NICE")])]
    records += twins
    settings = MatchSettings()
    settings.blocking_rules = [dataclasses.replace(r, max_block_size=2) for r in settings.blocking_rules
                               if r.name == "nom+date"]
    single = link(records, settings=settings)
    assert single.stats["blocking_rules"][0]["skipped_blocks"] >= 1
    part = partitioned_link(records, 2, settings=settings)
    zorglub = {r.key for r in twins}
    assert not any(a in zorglub or b in zorglub for a, b in part.pairs.keys() + part.review_pairs.keys())
    assert part.stats["candidate_pairs"] == single.stats["candidate_pairs"]
    assert groups(part) == groups(single)


def test_partition_rule_is_deterministic_and_keeps_a_departement_whole(moved):
    records, _, _ = moved
    table = build_table(records)
    assignment, mapping = partition_of_records(table, 3)
    shuffled = list(records)
    random.Random(1).shuffle(shuffled)
    table2 = build_table(shuffled)
    assignment2, mapping2 = partition_of_records(table2, 3)
    assert mapping == mapping2
    a = dict(zip(table.keys(), assignment.tolist(), strict=True))
    b = dict(zip(table2.keys(), assignment2.tolist(), strict=True))
    assert a == b
    deps = np.where(table.departement >= 0, table.departement, -1)
    for d in np.unique(deps):
        assert len(set(assignment[deps == d].tolist())) == 1  # a département is never split
    # the largest départements go to different partitions first
    counts = {d: int((deps == d).sum()) for d in np.unique(deps)}
    top = sorted(counts, key=lambda d: -counts[d])[:3]
    assert len({int(assignment[deps == d][0]) for d in top}) == 3
    one, _ = partition_of_records(table, 1)
    assert not one.any()
    with pytest.raises(ValueError):
        partition_of_records(table, 0)


def test_national_pass_finds_exactly_the_cross_partition_candidate_pairs(moved):
    records, _, _ = moved
    table = build_table(records)
    settings = MatchSettings()
    from matching.blocking import candidate_pairs

    assignment, _ = partition_of_records(table, 2)
    cross, too_big, _ = national_pass(table, settings.blocking_rules, assignment)
    cands = candidate_pairs(table, settings.blocking_rules)
    expected = (cands.left << 32) | cands.right
    expected = expected[assignment[cands.left] != assignment[cands.right]]
    assert cross.size > 50
    assert np.array_equal(np.sort(expected), cross)
    assert len(too_big) == len(settings.blocking_rules)
    with pytest.raises(ValueError, match="règle de blocage inconnue pour la passe nationale : nom\\+dat"):
        national_pass(table, settings.blocking_rules, assignment, national_rules=["nom+dat"])


def _write(path: Path, records, source: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["numero", "nom", "prenom", "naissance", "num", "voie", "adresse", "cp", "ville"])
        for r in records:
            if r.source == source:
                w.writerow([r.id, r.last_name or r.birth_name, r.first_names, r.birth_date or "",
                            r.street_number or "", r.street or "", (r.address or ("",))[0], r.postcode, r.city])


def test_cli_partitions_option_writes_the_single_runs_clusters(moved, tmp_path):
    records, _, _ = moved
    files = []
    for source in ("impots", "amendes", "helios"):
        files.append(tmp_path / f"{source}.csv")
        _write(files[-1], records, source)
    maps = ["--map", "nom=last_name", "--map", "prenom=first_names", "--map", "naissance=birth_date",
            "--map", "num=street_number", "--map", "voie=street", "--map", "adresse=address",
            "--map", "cp=postcode", "--map", "ville=city"]

    def clusters(*extra: str) -> set[frozenset]:
        out = tmp_path / f"pairs{len(extra)}.csv"
        cl = tmp_path / f"clusters{len(extra)}.csv"
        proc = subprocess.run([sys.executable, "-m", "matching", "link", *map(str, files), "--id-column", "numero",
                               *maps, "--out", str(out), "--clusters", str(cl), *extra],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        members: dict[str, set] = {}
        with cl.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                members.setdefault(row["cluster"], set()).add((row["file"], row["id"]))
        return {frozenset(m) for m in members.values()}

    assert clusters("--partitions", "2") == clusters()


@pytest.mark.parametrize("value", ["0", "100"])
def test_cli_partitions_out_of_range_exit_2_in_french(tmp_path, value):
    f = tmp_path / "a.csv"
    f.write_text("numero;nom\n1;DUPONT\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "matching", "link", str(f), "--id-column", "numero",
                           "--map", "nom=last_name", "--out", str(tmp_path / "o.csv"), "--partitions", value],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--partitions attend un nombre entre 1 et 64" in proc.stderr
