"""Step 5's rule for suggesting an initiative's success metric from the impact map."""

from __future__ import annotations

from collections.abc import Iterable

from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import outcome_by_key


def suggested_metrics(snapshot: Snapshot, bottleneck_ids: Iterable[int]) -> list[str]:
    """Outcomes the room linked to these bottlenecks, weighted by magnitude, heaviest first.

    The owner's metric should measure what the initiative relieves, and the impact map
    already says what each bottleneck damages and how much.
    """
    relieved = set(bottleneck_ids)
    weight: dict[str, int] = {}
    for impact in snapshot.impacts:
        if impact["bottleneck_id"] in relieved:
            title = outcome_by_key(impact["outcome"]).title
            weight[title] = weight.get(title, 0) + impact["magnitude"]
    return sorted(weight, key=lambda t: -weight[t])
