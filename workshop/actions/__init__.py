"""Every change a person can make, each read as AUTH → VALIDATION → CHANGE.

Pages call exactly one of these per action (`actions.add_bottleneck(...)`). Facilitator
actions check the facilitator key here, not in the UI; participant actions check the
participant's token; every change is one transaction that bumps the workshop's version.
The modules split the actions by area: `auth` (who is acting), `room` (creating, joining,
timers, steps, end), `board` (steps 1–2), `plan` (steps 3–5), `followthrough` (leader
links and check-ins). This package's `__all__` is the public surface.
"""

from __future__ import annotations

from .auth import hash_secret, is_leader, is_facilitator, identify
from .room import (CODE_ALPHABET, CODE_LENGTH, Created, Joined, new_code, validate_minutes, create_workshop,
                   SIGN_IN_FAILED, facilitator_token, join, rename, set_locked, start_timer, pause_timer, extend_timer,
                   go_to_step, next_step, previous_step, set_step_minutes, end_workshop, reopen_workshop)
from .board import (add_bottleneck, vote, unvote, votes_left, edit_bottleneck, hide_bottleneck, merge_bottlenecks,
                    set_vote_budget, add_impact, edit_impact, withdraw_impact, delete_impact)
from .plan import (add_initiative, edit_initiative, delete_initiative, score_initiative, set_scoring_method,
                   add_dependency, remove_dependency, set_sequence, adopt_ranking, record_decision, answer_question,
                   pick_choice, assign_owner, volunteer, confirm_observability)
from .followthrough import issue_leader_link, revoke_leader_link, record_checkin, delete_checkin

__all__ = [
    "hash_secret", "is_leader", "is_facilitator", "identify",
    "CODE_ALPHABET", "CODE_LENGTH", "Created", "Joined", "new_code", "validate_minutes", "create_workshop",
    "SIGN_IN_FAILED", "facilitator_token", "join", "rename", "set_locked", "start_timer", "pause_timer", "extend_timer",
    "go_to_step", "next_step", "previous_step", "set_step_minutes", "end_workshop", "reopen_workshop",
    "add_bottleneck", "vote", "unvote", "votes_left", "edit_bottleneck", "hide_bottleneck", "merge_bottlenecks",
    "set_vote_budget", "add_impact", "edit_impact", "withdraw_impact", "delete_impact",
    "add_initiative", "edit_initiative", "delete_initiative", "score_initiative", "set_scoring_method",
    "add_dependency", "remove_dependency", "set_sequence", "adopt_ranking", "record_decision", "answer_question",
    "pick_choice", "assign_owner", "volunteer", "confirm_observability",
    "issue_leader_link", "revoke_leader_link", "record_checkin", "delete_checkin",
]
