"""Explanations: every field's level and weight, the prior, the probability; JSON; sums."""

from __future__ import annotations

import json
import math
import re

import pytest

from matching import MatchSettings, link

from matching_fixtures import population


@pytest.fixture(scope="module")
def result():
    records, _ = population(250, seed=5)
    return link(records, MatchSettings())


def test_explanation_fields_present_and_sum_to_the_score(result):
    assert len(result.pairs) > 50
    names = {c.name for c in result.model.settings.comparisons}
    for pair in list(result.pairs)[:100]:
        e = pair.explanation
        json.dumps(e)  # serialisable
        assert {f["comparison"] for f in e["fields"]} == names
        for f in e["fields"]:
            assert f["label"] and f["level"] and f["level_label"]
            if f["level"] == "null":
                assert f["weight"] == 0.0
        total = e["prior_weight"] + sum(f["weight"] for f in e["fields"])
        assert total == pytest.approx(e["match_weight"], abs=1e-3)
        assert e["probability"] == pytest.approx(1 / (1 + 2 ** -e["match_weight"]), rel=1e-9)
        assert e["probability"] == pytest.approx(pair.probability, rel=1e-6)
        assert e["left"]["source"] == pair.left[0] and e["right"]["id"] == pair.right[1]
        assert "Probabilité" in e["summary"]
        # weights as a French reader writes them: « (+5,3) », never « (+5.3) »
        weights = re.findall(r"\(([+-]\d+[.,]\d)\)", e["summary"])
        assert weights and all("," in w for w in weights)


def test_french_labels_and_named_levels(result):
    e = result.pairs[0].explanation
    by_name = {f["comparison"]: f for f in e["fields"]}
    assert by_name["birth_date"]["label"] == "Date de naissance"
    labels = [lv.label for lv in result.model.settings.comparison("birth_date").levels]
    assert "Date de naissance identique" in labels
    assert "Date de naissance avec jour et mois inversés" in labels


def test_explain_any_pair_and_veto_is_explained(result):
    keys = list(result.clusters)
    e = result.explain(keys[0], keys[1])
    assert math.isfinite(e["match_weight"]) and 0.0 <= e["probability"] <= 1.0
    vetoed = [f for f in e["fields"] if f["veto"]]
    if e["veto"]:
        assert vetoed and all(f["weight"] <= -40 for f in vetoed)
