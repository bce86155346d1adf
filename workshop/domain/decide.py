"""Build / Buy / Partner: the questionnaire, its rules and the risk flags.

The rules follow the workshop's principle: build what is core to the moat, buy when speed
matters more than uniqueness, partner when scale or network effects are better reached
with allies. Every recommendation carries the reasons that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workshop.domain.errors import InvalidInput, Phrase
from workshop.domain.language import N_, _

CHOICES: tuple[str, ...] = ("build", "buy", "partner")
CHOICE_TITLES: dict[str, str] = {"build": N_("Build"), "buy": N_("Buy"), "partner": N_("Partner")}
CHOICE_HINTS: dict[str, str] = {
    "build": N_("when it is core to the moat"),
    "buy": N_("when speed matters more than uniqueness"),
    "partner": N_("when scale or network effects are better reached with allies"),
}


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire with its allowed answers (key → label)."""

    key: str
    text: str
    options: dict[str, str]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "core",
        N_("Is this core to our moat or competitive advantage?"),
        {"yes": N_("Yes, it is how we win"), "partly": N_("Partly"), "no": N_("No, it is a commodity")},
    ),
    Question(
        "speed",
        N_("What matters more here: speed or uniqueness?"),
        {"speed": N_("Speed to market"), "balanced": N_("Both equally"), "uniqueness": N_("Uniqueness")},
    ),
    Question(
        "network",
        N_("Do scale or network effects favour working with allies?"),
        {"yes": N_("Yes, an ally brings reach, scale or an ecosystem"), "no": N_("No")},
    ),
    Question(
        "capability",
        N_("Do we have the capability to build and run it?"),
        {"yes": N_("Yes"), "partly": N_("Partly, we would need to hire"), "no": N_("No")},
    ),
    Question(
        "cost",
        N_("Over three years, which is cheaper?"),
        {
            "build": N_("Building"),
            "similar": N_("About the same"),
            "buy": N_("Buying or partnering"),
            "unknown": N_("We don't know yet"),
        },
    ),
)
QUESTION_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)


@dataclass(frozen=True)
class Recommendation:
    """A suggested choice with the reasons and warnings behind it."""

    choice: str
    reasons: tuple[str, ...]
    cautions: tuple[str, ...]


def validate_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """Every question answered with one of its options, or a clear refusal."""
    clean: dict[str, str] = {}
    for question in QUESTIONS:
        answer = answers.get(question.key)
        if not isinstance(answer, str) or answer not in question.options:
            raise InvalidInput(N_("Answer the question \u201c{question}\u201d."), question=Phrase(question.text))
        clean[question.key] = str(answer)
    return clean


def recommend(answers: Mapping[str, str]) -> Recommendation:
    """Apply the rules in order of strength: moat, then allies, then speed."""
    a = validate_answers(answers)
    reasons: list[str] = []
    cautions: list[str] = []
    if a["core"] == "yes":
        choice = "build"
        reasons.append(_("It is core to the moat: owning it keeps the competitive advantage."))
        if a["network"] == "yes":
            reasons.append(
                _(
                    "Allies could add reach, but partnering on the moat hands it to someone else; "
                    "partner around it, not on it."
                )
            )
    elif a["network"] == "yes":
        choice = "partner"
        reasons.append(_("Scale or network effects are easier to reach with allies."))
    elif a["core"] == "no" or a["speed"] == "speed":
        choice = "buy"
        if a["core"] == "no":
            reasons.append(_("It is not core to the moat, so uniqueness buys little."))
        if a["speed"] == "speed":
            reasons.append(_("Speed matters more than uniqueness here."))
    elif a["speed"] == "uniqueness" and a["capability"] != "no":
        choice = "build"
        reasons.append(_("Partly core and uniqueness matters more than speed."))
    else:
        choice = "buy"
        reasons.append(_("Only partly core and uniqueness does not outweigh speed: buy and adapt."))

    if a["cost"] == "build" and choice != "build":
        cautions.append(_("Building looks cheaper over three years: check the estimate includes running it."))
    if a["cost"] == "buy" and choice == "build":
        cautions.append(_("Buying looks cheaper over three years: the moat must be worth the difference."))
    if a["cost"] == "unknown":
        cautions.append(_("The three-year cost is unknown: estimate it before committing."))
    if choice == "build" and a["capability"] == "no":
        cautions.append(_("We lack the capability: hiring ahead of need is part of the cost."))
    if choice == "build" and a["capability"] == "partly":
        cautions.append(_("We only partly have the capability: plan the hiring and ramp time."))
    return Recommendation(choice=choice, reasons=tuple(reasons), cautions=tuple(cautions))


@dataclass(frozen=True)
class Standing:
    """A recorded decision beside the guide: the recommendation it was made against and the one
    the answers give now (None while they are incomplete).

    Answers can change after a decision. Every surface words the decision from here, so none
    calls a choice an overrule of a recommendation that was never made.
    """

    choice: str
    made_against: str
    now_says: str | None

    @property
    def overruled(self) -> bool:
        """The team chose otherwise than the guide said when it decided."""
        return self.choice != self.made_against

    @property
    def moved(self) -> bool:
        """The guide has changed its recommendation since the decision."""
        return self.now_says is not None and self.now_says != self.made_against

    @property
    def note(self) -> str:
        """The one wording of the decision against the guide, to follow its choice."""
        choice, then = _(CHOICE_TITLES[self.choice]), _(CHOICE_TITLES[self.made_against])
        if self.now_says is not None and self.moved:
            now = _(CHOICE_TITLES[self.now_says])
            if self.overruled:
                said = _("decided {choice} when the guide said {then}; the guide now says {now}")
            else:
                said = _("decided {choice} as the guide said; the guide now says {now}")
            return said.format(choice=choice, then=then, now=now)
        if self.overruled:
            return _("overrules the recommendation to {then}").format(then=then.lower())
        return _("as recommended")


def standing(decision: Mapping[str, Any], answers: Mapping[str, str]) -> Standing:
    """How a recorded decision stands against the guide's recommendation for `answers` today."""
    complete = all(isinstance(answers.get(key), str) for key in QUESTION_KEYS)
    try:
        now = recommend(answers).choice if complete else None
    except InvalidInput:
        now = None
    return Standing(choice=str(decision["choice"]), made_against=str(decision["recommendation"]), now_says=now)


_REWRITE = re.compile(
    r"\b(rewrite|re-write|rebuild from scratch|from scratch|big[- ]bang|"
    r"replatform|re-platform|rewrite everything)\b",
    re.IGNORECASE,
)


def risk_flags(choice: str, answers: Mapping[str, str], title: str, description: str = "") -> list[str]:
    """Choices the room should think twice about, whatever the recommendation said."""
    flags: list[str] = []
    if choice == "build" and answers.get("core") == "no":
        flags.append(_("Building a commodity: the team will maintain something customers do not choose us for."))
    if choice == "partner" and answers.get("core") == "yes":
        flags.append(_("Partnering on the moat: the ally learns and may own what makes us win."))
    if _REWRITE.search(f"{title} {description}"):
        flags.append(_("Looks like a big-bang rewrite: these stall progress; favour incremental modernisation."))
    return flags
