"""The views' one table of steps, built from `workshop.domain.vocabulary.STEPS`.

Each step gets its console page (`step_<number>_<key>.py`, served at `/<key>`) and its
projector content (`projector_steps.show_<key>`). Navigation, the projector and the tests
read this table, so adding a step means adding its page and its renderer, nothing else;
a step without either fails here, at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from views.kit import projector_steps
from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import STEPS, Step

HERE = Path(__file__).resolve().parent.parent  # views/, where the pages are


@dataclass(frozen=True)
class StepView:
    """What the views show for one step: the facilitator's console page and the projector's content."""

    step: Step
    page: Path
    project: Callable[[Snapshot], None]

    @property
    def url(self) -> str:
        """The page's address (`/bottlenecks`, …): the step's key, so links never change."""
        return self.step.key

    @property
    def title(self) -> str:
        return f"{self.step.number}. {self.step.title}"

    @property
    def board(self) -> bool:
        """This step's content is the live board (drawn by the live element, not by a rerun)."""
        return self.project in projector_steps.LIVE_BOARD


def _view(step: Step) -> StepView:
    page = HERE / f"step_{step.number}_{step.key}.py"
    if not page.is_file():
        raise LookupError(f"step {step.key!r} has no page {page.name}")
    return StepView(step=step, page=page, project=getattr(projector_steps, f"show_{step.key}"))


VIEWS: tuple[StepView, ...] = tuple(_view(step) for step in STEPS)
_BY_KEY: dict[str, StepView] = {view.step.key: view for view in VIEWS}
_BY_PAGE: dict[Path, StepView] = {view.page: view for view in VIEWS}


def view(step_key: str) -> StepView:
    """The views of one step; an unknown key is a programming error (KeyError)."""
    return _BY_KEY[step_key]


def of_page(file: str) -> StepView:
    """The step a page script shows, found from its own `__file__`."""
    return _BY_PAGE[Path(file).resolve()]
