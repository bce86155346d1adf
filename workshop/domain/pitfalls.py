"""Known scaling pitfalls, flagged when the recorded data suggests them."""

from __future__ import annotations

import re
from collections import Counter

from workshop.domain.commitments import too_often
from workshop.domain.decide import _REWRITE
from workshop.domain.language import _
from workshop.domain.readiness import pitfall_flags
from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import CARRY_WARNING, PLATFORM, STEPS

# The dimensions and steps the rules below look at, named by their place in `steps.py`
# (tests/test_pitfalls.py checks they are the platform dimension and the owners step).
OWNERS_STEP = STEPS[-1].key

_HEAVY_PROCESS = re.compile(r"\b(governance|framework|process|committee|approval|safe|certification)\b", re.IGNORECASE)


def pitfalls(snapshot: Snapshot) -> list[str]:
    """Warnings for the room in the current language, each naming the pitfall and the data behind it; the readiness
    check's own (scaling before product-market fit) come first, as they frame the whole workshop."""
    found: list[str] = pitfall_flags(snapshot.readiness)
    board = snapshot.live_bottlenecks
    if len(board) >= 3 and not any(b["dimension"] == PLATFORM for b in board):
        found.append(
            _(
                "Ignoring platform limits: no platform bottleneck on the board. Latency, cost and "
                "compliance are silent killers."
            )
        )
    decisions = [i.decision["choice"] for i in snapshot.decided if i.decision]
    if len(decisions) >= 2 and set(decisions) == {"build"}:
        found.append(_("Only build decisions: is every one of them really core to the moat?"))
    owners = Counter(i.owner["owner"].strip().casefold() for i in snapshot.initiatives if i.owner)
    overloaded = [name for name, count in owners.items() if count >= 3]
    if overloaded:
        found.append(_("Scaling chaos: one person owns three or more initiatives; spread ownership or cut scope."))
    if len(snapshot.decided) > len(owners) and snapshot.current_step.key == OWNERS_STEP:
        found.append(_("More decided initiatives than owners: every decision needs its own DRI."))
    stuck = [i.title for i in snapshot.initiatives if too_often(i.carried_times)]
    if stuck:
        said = _(
            "Carried over again and again: {titles} — carried {times} times or more. "
            "Cut its scope, change its owner, or drop it."
        )
        found.append(said.format(titles="; ".join(stuck), times=CARRY_WARNING))
    rewrites = [i.title for i in snapshot.initiatives if _REWRITE.search(f"{i.title} {i.description}")]
    if rewrites:
        said = _("Big-bang rewrite: {titles}. Favour incremental modernisation.")
        found.append(said.format(titles="; ".join(rewrites)))
    if snapshot.workshop["stage"] == "startup":
        heavy = [i.title for i in snapshot.initiatives if _HEAVY_PROCESS.search(i.title)]
        if heavy:
            said = _("Over-optimising early: heavy process before product-market fit is solid ({titles}).")
            found.append(said.format(titles="; ".join(heavy)))
    return found
