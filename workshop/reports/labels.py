"""Label layout for charts: place text beside points so no two labels (or a label and a point) overlap.

Vega-Lite draws text marks where it is told and has no collision avoidance, so the charts
compute each label's position here, in the chart's own pixels, before the spec is built.
A label that finds no free place is reported as unplaced; the chart then shows a shorter
label or none, and the table beside the chart carries the name. Text width is estimated
from the character count (`CHAR_WIDTH` em per character, on the wide side for the usual
sans-serif fonts), so the estimate errs towards more space, never less.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHAR_WIDTH = 0.62  # em per character: DejaVu/Liberation Sans average, rounded up
LINE_HEIGHT = 1.25  # em
GAP = 4.0  # px kept free around every label


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in chart pixels (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.right + gap <= other.left
            or other.right + gap <= self.left
            or self.bottom + gap <= other.top
            or other.bottom + gap <= self.top
        )

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


@dataclass(frozen=True)
class Placement:
    """Where a label's anchor goes (chart pixels) and how the text is aligned to it."""

    x: float
    y: float
    align: str  # left | right | center (Vega's `align`, with baseline "middle")


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def text_box(x: float, y: float, text: str, size: float, align: str) -> Box:
    """The box a single line of text covers when anchored at (x, y), vertically centred."""
    width, height = text_width(text, size), size * LINE_HEIGHT
    left = {"left": x, "right": x - width, "center": x - width / 2}[align]
    return Box(left, y - height / 2, left + width, y + height / 2)


def point_box(x: float, y: float, radius: float) -> Box:
    return Box(x - radius, y - radius, x + radius, y + radius)


def _candidates(x: float, y: float, radius: float, size: float) -> list[Placement]:
    """Right, left, above, below, then the four diagonals: the usual cartographic order."""
    side, lift = radius + GAP + 2, radius + size * LINE_HEIGHT / 2 + GAP + 1
    return [
        Placement(x + side, y, "left"),
        Placement(x - side, y, "right"),
        Placement(x, y - lift, "center"),
        Placement(x, y + lift, "center"),
        Placement(x + side, y - lift, "left"),
        Placement(x + side, y + lift, "left"),
        Placement(x - side, y - lift, "right"),
        Placement(x - side, y + lift, "right"),
    ]


def place(
    points: Sequence[tuple[float, float]],
    options: Sequence[Sequence[str]],
    *,
    size: float,
    radius: float,
    width: float,
    height: float,
    obstacles: Sequence[Box] = (),
) -> list[tuple[Placement, str] | None]:
    """A free place for one of each point's texts, in the given order (most important first).

    `options` lists, per point, the texts to try, longest first (e.g. the title, then a
    rank number); an empty list means the point carries no label. A label must stay
    inside the plot, clear of every point, of `obstacles` and of the labels placed before it.
    """
    taken: list[Box] = [point_box(x, y, radius) for x, y in points] + list(obstacles)
    out: list[tuple[Placement, str] | None] = []
    for (x, y), texts in zip(points, options):
        out.append(_first_free(x, y, texts, size, radius, width, height, taken))
    return out


def _first_free(
    x: float, y: float, texts: Sequence[str], size: float, radius: float, width: float, height: float, taken: list[Box]
) -> tuple[Placement, str] | None:
    for text in texts:
        for candidate in _candidates(x, y, radius, size):
            box = text_box(candidate.x, candidate.y, text, size, candidate.align)
            if box.inside(width, height) and not any(box.overlaps(t, GAP) for t in taken):
                taken.append(box)
                return candidate, text
    return None


def dodge(ys: Sequence[float], size: float, height: float) -> list[float]:
    """Vertical positions at least one line apart, as close to `ys` as possible, within the plot.

    For labels stacked at one edge of a chart (the latest point of each line): sorted top
    to bottom, each is pushed below the one above, then the stack is pushed back up if
    it runs off the bottom.
    """
    step = size * LINE_HEIGHT + GAP
    order = sorted(range(len(ys)), key=lambda n: ys[n])
    placed = [0.0] * len(ys)
    floor = step / 2
    for n in order:
        placed[n] = max(ys[n], floor)
        floor = placed[n] + step
    ceiling = height - step / 2
    for n in reversed(order):
        placed[n] = min(placed[n], ceiling)
        ceiling = placed[n] - step
    return placed
