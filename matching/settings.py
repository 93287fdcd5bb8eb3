"""Everything that parameterises a linkage, in one serialisable object (like Splink's settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .blocking import BlockingRule, default_blocking_rules
from .comparisons import Comparison, comparison_from_dict, default_comparisons


def default_training_rules() -> list[BlockingRule]:
    """EM sessions (as in Splink): each blocks on some fields and estimates the m probabilities of
    the others, whose non-matching pairs are then unrelated to the blocking."""
    return [
        BlockingRule("session date", ("birth_date",), max_block_size=5000),
        BlockingRule("session nom+prenom", ("surname", "first_name"), max_block_size=5000),
    ]


@dataclass
class MatchSettings:
    """Comparisons, blocking rules and thresholds of a linkage.

    * ``accept``: pairs whose match probability is at least this are linked (if they also meet
      ``evidence``: an agreement on first names, birth date or identifier);
    * ``review``: pairs in ``[review, accept)`` are reported for human review;
    * ``u_sample_pairs``: random pairs drawn to estimate the u probabilities (at most; 20 per
      record and at least 200,000);
    * ``em_max_pairs``: pairs per EM session at most (a random sample beyond);
    * ``workers``: threads for rapidfuzz (``-1`` = all cores);
    * ``date_format``: an extra ``strptime`` format for birth dates;
    * ``reference``: look places up in the French reference (off: places as written).
    """

    comparisons: list[Comparison] = field(default_factory=default_comparisons)
    #: a link needs one of these agreements on top of its probability (comparison → levels);
    #: surname + address alone describe a household, not a person. Empty: no such rule.
    evidence: dict[str, list[str]] = field(default_factory=lambda: {
        "first_names": ["exact", "subset", "subset_later", "first", "fuzzy", "phonetic", "initial"],
        "birth_date": ["exact", "swap", "typo", "partial"],
        "identifier": ["exact"],
    })
    #: a pair that lacks that evidence and stands at one of these levels is not put to review
    #: either: the same surname at one address with the sexes different is a couple, not a doubt
    no_review_without_evidence: dict[str, list[str]] = field(default_factory=lambda: {
        "sex": ["other", "name_other"],
    })
    blocking_rules: list[BlockingRule] = field(default_factory=default_blocking_rules)
    training_rules: list[BlockingRule] = field(default_factory=default_training_rules)
    accept: float = 0.95
    review: float = 0.5
    u_sample_pairs: int = 500_000
    em_max_pairs: int = 1_000_000
    em_max_iterations: int = 100
    em_tolerance: float = 1e-5
    tf_adjustment: bool = True
    tf_min_frequency: float = 1e-7
    chunk_size: int = 2_000_000
    workers: int = 1
    seed: int = 20240601
    date_format: str | None = None
    #: look places up in the French reference (communes, postal codes); off: every place is
    #: compared as written (postcode, folded city), for data the reference does not know
    reference: bool = True
    #: the weight, in labelled pairs, of the EM estimate of m when reviewers' decisions refine it
    label_prior_pairs: int = 500

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.accept <= 1.0:
            raise ValueError("seuils invalides : il faut 0 < review <= accept <= 1")
        names = [c.name for c in self.comparisons]
        if len(set(names)) != len(names):
            raise ValueError("deux comparaisons portent le même nom")

    def comparison(self, name: str) -> Comparison:
        for c in self.comparisons:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "comparisons": [c.to_dict() for c in self.comparisons],
            "blocking_rules": [r.to_dict() for r in self.blocking_rules],
            "training_rules": [r.to_dict() for r in self.training_rules],
            "evidence": {k: list(v) for k, v in self.evidence.items()},
            "no_review_without_evidence": {k: list(v) for k, v in self.no_review_without_evidence.items()},
            **{
                k: getattr(self, k)
                for k in (
                    "accept", "review", "u_sample_pairs", "em_max_pairs", "em_max_iterations",
                    "em_tolerance", "tf_adjustment", "tf_min_frequency", "chunk_size", "workers",
                    "seed", "date_format", "reference", "label_prior_pairs",
                )
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchSettings:
        data = dict(data)
        data["comparisons"] = [comparison_from_dict(c) for c in data.get("comparisons", [])] or default_comparisons()
        data["blocking_rules"] = [BlockingRule.from_dict(r) for r in data.get("blocking_rules", [])]
        data["training_rules"] = [BlockingRule.from_dict(r) for r in data.get("training_rules", [])]
        return cls(**data)
