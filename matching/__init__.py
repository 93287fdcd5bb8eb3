"""Identity matching for French public-finance sources, as a library.

Main entry points::

    from matching import Record, MatchSettings, link, MatchIndex, MatchModel

    result = link(records)                       # normalise, block, train (EM), score, cluster
    result.pairs, result.review_pairs, result.clusters, result.stats
    result.model.to_json()                       # persist the trained model

    index = MatchIndex.build(records, result.model, persons=result.clusters)
    index.match(new_record)                      # incremental matching, with explanations

Nothing here imports the application (mrf), Flask or SQLAlchemy.
"""

from .blocking import BlockingRule, default_blocking_rules
from .comparisons import Comparison, Level, default_comparisons
from .evaluation import Metrics, bcubed_metrics, cluster_metrics, pairwise_metrics
from .index import Candidate, MatchIndex
from .linker import LinkedPair, LinkResult, link
from .model import MatchModel
from .records import ROLES, Record, RecordKey
from .settings import MatchSettings
from .training import train

__all__ = [
    "BlockingRule", "Candidate", "Comparison", "Level", "LinkResult", "LinkedPair", "MatchIndex",
    "MatchModel", "MatchSettings", "Metrics", "ROLES", "Record", "RecordKey", "bcubed_metrics",
    "cluster_metrics", "default_blocking_rules", "default_comparisons", "link", "pairwise_metrics",
    "train",
]
