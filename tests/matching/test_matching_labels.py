"""Reviewers' decisions kept as labels: imposed, learnt from, read from a CSV."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matching_fixtures import population

from matching import MatchSettings, link
from matching.csvio import InputError
from matching.labels import accept_threshold, read_labels

ROOT = Path(__file__).resolve().parents[2]
#: a band wide enough that this small population has a review queue
WIDE = dict(review=0.001)


@pytest.fixture(scope="module")
def first():
    records, truth = population(300, seed=9)
    return records, truth, link(records, MatchSettings(**WIDE))


def test_a_label_is_never_overridden_and_the_model_learns_from_them(first):
    records, truth, result = first
    pairs = list(result.pairs)
    # reviewers said: the first accepted link is wrong, the next twenty are right, and two records
    # the model kept apart are one person
    decisions = {(pairs[0].left, pairs[0].right): False}
    elsewhere = [p for p in pairs if result.clusters[p.left] != result.clusters[pairs[0].left]]
    decisions.update({(p.left, p.right): True for p in elsewhere[:20]})
    apart = next(k for k in result.clusters if result.clusters[k] != result.clusters[pairs[0].left])
    decisions[(pairs[0].left, apart)] = True
    second = link(records, MatchSettings(**WIDE), decisions=decisions)
    for (a, b), same in decisions.items():
        assert (second.clusters[a] == second.clusters[b]) == same, (a, b, same)
    assert second.model.training["labels"] == len(decisions)
    assert not {frozenset((p.left, p.right)) for p in second.review_pairs} & {frozenset(k) for k in decisions}
    assert second.model.m != result.model.m  # the labelled "same" pairs moved m
    # the explanation keeps its terms (levels, m, u, weights)
    fields = second.pairs[0].explanation["fields"]
    assert {"level", "m", "u", "weight"} <= set(fields[0])


def test_decisions_only_imposed_leave_the_model_as_trained(first):
    records, truth, result = first
    a = result.pairs[0].left
    apart = next(k for k in result.clusters if result.clusters[k] != result.clusters[a])
    second = link(records, MatchSettings(**WIDE), decisions={(a, apart): True}, learn_from_decisions=False)
    assert second.model.m == result.model.m
    assert second.clusters[a] == second.clusters[apart]


def test_the_acceptance_threshold_is_lowered_only_where_labels_show_it():
    probability = np.linspace(0.94, 0.50, 45)
    same = probability >= 0.7
    assert accept_threshold(probability, same, 0.95, 0.5) == pytest.approx(probability[same].min())
    assert accept_threshold(probability, np.zeros(45, bool), 0.95, 0.5) == 0.95  # never raised
    assert accept_threshold(probability[:5], same[:5], 0.95, 0.5) == 0.95  # too few labels


def test_labels_are_read_from_a_csv_and_a_bad_file_is_refused_naming_the_line(tmp_path):
    good = tmp_path / "etiquettes.csv"
    good.write_text("left_file,left_id,right_file,right_id,same\nimpots,1,amendes,2,oui\namendes,3,impots,4,0\n",
                    encoding="utf-8")
    assert read_labels(good) == {(("amendes", "2"), ("impots", "1")): True, (("amendes", "3"), ("impots", "4")): False}
    bad = tmp_path / "mauvais.csv"
    bad.write_text("left_file,left_id,right_file,right_id,same\nimpots,1,amendes,2,peut-etre\n", encoding="utf-8")
    with pytest.raises(InputError, match="ligne 2"):
        read_labels(bad)
    contrary = tmp_path / "contraire.csv"
    contrary.write_text("left_file,left_id,right_file,right_id,same\nimpots,1,amendes,2,1\namendes,2,impots,1,0\n",
                        encoding="utf-8")
    with pytest.raises(InputError, match="contraire"):
        read_labels(contrary)
    missing = tmp_path / "colonnes.csv"
    missing.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="colonne"):
        read_labels(missing)


def test_the_command_line_takes_labels_and_refuses_to_write_over_them(tmp_path):
    rows = ["id;nom;prenom;date", "1;DUPONT;JEAN;01/02/1960", "2;DUPONT;JEAN;01/02/1960", "3;MARTIN;LUC;03/04/1970"]
    data = tmp_path / "a.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = tmp_path / "etiquettes.csv"
    labels.write_text("left_file,left_id,right_file,right_id,same\n{0},1,{0},2,non\n{0},1,{0},3,oui\n".format(data),
                      encoding="utf-8")
    out = tmp_path / "paires.csv"
    base = [sys.executable, "-m", "matching", "link", str(data), "--id-column", "id", "--map", "nom=last_name",
            "--map", "prenom=first_names", "--map", "date=birth_date"]
    proc = subprocess.run([*base, "--labels", str(labels), "--out", str(out), "--clusters", str(tmp_path / "c.csv")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2 décisions lues" in proc.stderr
    clusters = dict(line.rsplit(",", 1)[0].split(",", 1)[1:] and (line.split(",")[1], line.split(",")[2])
                    for line in (tmp_path / "c.csv").read_text(encoding="utf-8").splitlines()[1:])
    assert clusters["1"] != clusters["2"] and clusters["1"] == clusters["3"]
    proc = subprocess.run([*base, "--labels", str(labels), "--out", str(labels)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2 and "écraserait" in proc.stderr
    proc = subprocess.run([*base, "--labels", str(tmp_path / "absent.csv"), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "introuvable" in proc.stderr
