"""Similar-note grouping: which bottleneck notes say the same thing, offline and in well under a second.

A room of 300 writes 600–900 short notes, many of them the same point in other words. This engine
scores every pair and proposes groups for the facilitator to merge; it never merges anything itself.

A pair is the same when two measures agree, both on content words (case, punctuation, stop words
and simple suffixes removed) and wordllama's bundled l2_supercat 256-d word vectors (mean-centred):
- overlap(), "shared words + residual": the Dice share of content words both notes use, plus the
  rest of the way by the cosine of what is left of each note ("Deploys slow everyone down" /
  "Our deploys are too slow": shared words count fully). This is what finds rewordings.
- differs(), "compare what differs": only what is left after the shared words, as a cosine (same
  content words: 1; one note's words inside the other's: their Jaccard overlap). This is what
  separates "Deploys are slow" from "Deploys break production too often", which share a word.

Measured by bench/similar_methods.py; every threshold chosen on the tuning part only. Two sets:
pairs file (tuning 184 pairs / held-out 64; positives mostly paraphrases sharing few words,
negatives mostly near-misses sharing most of theirs) and boards (tuning: SaaS + marketplace;
held-out: fintech; 20–30 notes with planted duplicates), "P/R" there being pairs inside suggested
groups against planted pairs. The sample's ten distinct notes must give no group.
                                                  pairs file P/R           boards P/R
                                                  tuning     held-out      tuning     held-out
    this engine: overlap >= 0.40 AND differs >= 0.125
                                                  0.61/0.27  0.85/0.37     0.87/0.72  1.00/0.62
    the earlier rule: whole-note cosine >= 0.35 AND differs >= 0.25
                                                  0.83/0.18  1.00/0.33     0.86/0.33  0.67/0.25
    overlap alone >= 0.38                         0.33/0.34  0.45/0.47     0.82/0.78  1.00/0.88
    all-MiniLM-L6-v2 sentence encoder >= 0.48     0.39/0.37  0.50/0.50     boards groups 11/12, 6/6
The bars: on the tuning part, the highest recall (pairs + boards) with boards precision >= 0.8,
pairs precision >= 0.6 and no group on the sample. Grouping 900 notes: about 0.3 s (bench/similar.py).

Limits: no measure here, a sentence encoder included, reaches recall 0.6 at precision 0.8 on the
pairs file: its positives are paraphrases sharing no word ("SLA penalties eat margin" / "service
credits for missed uptime"), and a bar low enough to find them also joins its near-misses. On
boards the engine finds most duplicates with few wrong groups; groups() keeps only pairs among each
other's closest NEIGHBOURS and requires every member to match every other member.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# A pair is the same when both measures clear their bar (chosen on the tuning part; see bench/similar_methods.py).
OVERLAP = 0.40
DIFFERS = 0.125
# similarity() is the weaker measure's share of its bar, capped at 1: 1 means both bars are cleared.
THRESHOLD = 1.0
# A pair is grouped only if each note is among the other's closest notes (bounds groups at NEIGHBOURS + 1).
NEIGHBOURS = 8
# The most notes one suggested group can hold, and so the most one group action takes.
GROUP_MAX = NEIGHBOURS + 1
# Longer than this a note is not clearer for being longer; the keep-note tie-break stops counting there.
CLEAR_LENGTH = 200

_STOP = frozenset(
    """a an the is are was were be been being am to of in on for at by with from and or but so our we us it its
    this that these those there their they them i you me my your too very much many more most any every each some
    no not nor can can't cannot don't doesn't do does did has have had get gets got than then just also into out
    up down over about after before because since when while which who whom what why how all only same own such
    way really quite always often lot lots ever even still yet again will would should could may might must shall
    let lets it's we're they're there's isn't aren't won't take takes taking took make makes making made give
    gives giving gave keep keeps kept go goes going went need needs needed via during between across through
    other others like nothing anything something everything everyone anyone someone far new find finds know knows
    use uses used using among become becomes feel feels cause causes seem seems end ends put puts want wants come
    comes came thing things stuff well enough almost around within without per""".split()
)
# Workshop shorthand that static word vectors do not connect to the full word.
_ABBREVIATIONS = {
    "prod": "production",
    "db": "database",
    "dbs": "databases",
    "infra": "infrastructure",
    "dev": "developer",
    "devs": "developers",
    "docs": "documentation",
    "k8s": "kubernetes",
    "pm": "product manager",
    "pms": "product managers",
    "eng": "engineering",
}
_SUFFIXES = ("ational", "ation", "ing", "ed", "es", "s", "ic", "al", "ly", "er")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class Note:
    """What the engine needs of a note."""

    id: int
    text: str
    votes: int = 0


@dataclass(frozen=True)
class Group:
    """A suggested merge: `keep` is the note to keep, `members` holds it first, then the others by id."""

    keep: int
    members: tuple[int, ...]


@functools.cache
def _load() -> tuple[Any, Any, FloatArray]:
    """The bundled model, its tokenizer and its mean-centred token table, loaded once per process.

    `cache_dir` is the package's own folder because the library looks for its bundled tokenizer under
    `tokenizer/` while the wheel ships it under `tokenizers/`; with `disable_download` a missing file
    raises instead of fetching. Importing wordllama calls `logging.basicConfig(level=INFO)`, which
    would turn on INFO logging for the whole app: the root logger is put back as it was.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    package = Path(wordllama.__file__).parent
    model = wordllama.WordLlama.load("l2_supercat", cache_dir=package, dim=256, disable_download=True)
    table = np.asarray(model.embedding, dtype=np.float64)
    # Centring removes the direction every token shares, which otherwise makes any two notes look alike.
    return model, model.tokenizer, table - table.mean(axis=0)


def _model() -> tuple[Any, FloatArray]:
    """The tokenizer and the centred token table that word vectors are built from."""
    _, tokenizer, table = _load()
    return tokenizer, table


@functools.lru_cache(maxsize=65536)
def _word_vector(word: str) -> FloatArray:
    """A word's vector: the sum of its tokens' vectors, as the model's mean pooling would weigh them."""
    tokenizer, table = _model()
    ids = tokenizer.encode(word, add_special_tokens=False).ids
    return np.asarray(table[ids].sum(axis=0), dtype=np.float64)


def _stem(word: str) -> str:
    """Strip one common suffix so "slows", "slowing" and "slow" count as one word."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def keys(text: str) -> dict[str, str]:
    """A note's content words by stem, each with the first word seen for it: what notes are compared on."""
    lowered = text.lower().replace("’", "'").replace("-", " ").replace("/", " ")
    words = [w for raw in _WORD.findall(lowered) for w in _ABBREVIATIONS.get(raw, raw).split()]
    content = [w.removesuffix("'s") for w in words if w not in _STOP] or words
    found: dict[str, str] = {}
    for word in content:
        found.setdefault(_stem(word), word)
    return found


@dataclass(frozen=True)
class _Batch:
    """The notes as matrices (notes along columns): each note sums the vectors of its own words."""

    words: FloatArray  # words x notes, 1 where the note uses that word (one word per stem and note)
    stems: FloatArray  # stems x notes, 1 where the note has that stem
    forms: list[list[int]]  # stem -> the words that carry it in this batch
    stem_of: list[int]  # word -> its stem
    vectors: FloatArray  # words x dims
    sums: FloatArray  # notes x dims
    gram: FloatArray  # words x notes: each word's vector . each note's sum
    sizes: FloatArray  # notes: how many stems each note has
    squares: FloatArray  # notes: |sum|^2


def _batch(texts: Sequence[str]) -> _Batch:
    """Build the matrices once per call, so every pair costs a few small products."""
    per_note = [keys(t) for t in texts]
    stem_index: dict[str, int] = {}
    word_index: dict[str, int] = {}
    for note in per_note:
        for stem, word in note.items():
            stem_index.setdefault(stem, len(stem_index))
            word_index.setdefault(word, len(word_index))
    words = np.zeros((len(word_index), len(texts)))
    stems = np.zeros((len(stem_index), len(texts)))
    stem_of = [0] * len(word_index)
    for column, note in enumerate(per_note):
        for stem, word in note.items():
            words[word_index[word], column] = stems[stem_index[stem], column] = 1.0
            stem_of[word_index[word]] = stem_index[stem]
    forms: list[list[int]] = [[] for _ in stem_index]
    for column_of_word, column_of_stem in enumerate(stem_of):
        forms[column_of_stem].append(column_of_word)
    dims = _model()[1].shape[1]
    vectors = np.array([_word_vector(w) for w in word_index]).reshape(len(word_index), dims)
    sums = words.T @ vectors
    squares = np.einsum("ij,ij->i", sums, sums)
    return _Batch(words, stems, forms, stem_of, vectors, sums, vectors @ sums.T, words.sum(axis=0), squares)


@dataclass(frozen=True)
class _Residual:
    """Note i against notes i..n-1: the cosine of what each pair does not share, and how much it does."""

    cosine: FloatArray  # raw cosine of the residuals (0 where either residual is empty)
    common: FloatArray  # stems both notes have
    size: int  # note i's stems
    sizes: FloatArray  # the other notes' stems


def _residual(i: int, b: _Batch) -> _Residual:
    """X is the sum of i's vectors for the stems it shares with j, A the same for j; the residuals are
    S_i - X and S_j - A, and their dot product and norms expand into small matrix products."""
    mine = np.flatnonzero(b.words[:, i])
    my_stems = [b.stem_of[w] for w in mine]
    theirs = [w for stem in my_stems for w in b.forms[stem]]
    p, q = b.stems[my_stems, i:], b.words[theirs, i:]
    u, w, s = b.vectors[mine], b.vectors[theirs], b.sums[i]
    gram_p, gram_q = b.gram[mine, i:], b.gram[theirs, i:]
    dot = b.sums[i:] @ s - (w @ s) @ q - (p * gram_p).sum(axis=0) + (p * ((u @ w.T) @ q)).sum(axis=0)
    norm_i = s @ s - 2 * ((u @ s) @ p) + (p * ((u @ u.T) @ p)).sum(axis=0)
    norm_j = b.squares[i:] - 2 * (q * gram_q).sum(axis=0) + (q * ((w @ w.T) @ q)).sum(axis=0)
    both = np.sqrt(np.clip(norm_i, 0.0, None) * np.clip(norm_j, 0.0, None))
    cosine = np.divide(dot, both, out=np.zeros_like(dot), where=both > 1e-9)
    return _Residual(cosine, p.sum(axis=0), len(mine), b.sizes[i:])


def _differs_row(r: _Residual) -> FloatArray:
    """Compare what differs; one note's words inside the other's score their Jaccard overlap."""
    common, size, sizes = r.common, r.size, r.sizes
    overlap = np.divide(common, size + sizes - common, out=np.zeros_like(common), where=sizes > 0)
    score = np.clip(r.cosine, 0.0, 1.0)
    score = np.where((common == size) | (common == sizes), overlap, score)
    score = np.where((common == size) & (common == sizes), 1.0, score)
    return np.where((sizes > 0) & (size > 0), score, 0.0)


def _overlap_row(r: _Residual) -> FloatArray:
    """Shared words count fully (their Dice share), the rest by the residuals' cosine."""
    total = r.size + r.sizes
    dice = np.divide(2 * r.common, total, out=np.zeros_like(r.common), where=total > 0)
    score = dice + (1 - dice) * np.clip(r.cosine, 0.0, 1.0)
    return np.where((r.sizes > 0) & (r.size > 0), score, 0.0)


def _both(texts: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    """overlap() and differs() for all notes at once, from one pass over the pairs."""
    n = len(texts)
    overlaps, differences = np.zeros((n, n)), np.zeros((n, n))
    if n:
        batch = _batch(texts)
        for i in range(n):
            residual = _residual(i, batch)
            overlaps[i, i:], differences[i, i:] = _overlap_row(residual), _differs_row(residual)
    return _symmetric(overlaps), _symmetric(differences)


def _symmetric(upper: FloatArray) -> FloatArray:
    return np.triu(upper) + np.triu(upper, k=1).T


def differs(texts: Sequence[str]) -> FloatArray:
    """ "Compare what differs" for all notes at once (n x n, symmetric, in [0, 1], diagonal 1 for non-empty notes)."""
    return _both(texts)[1]


def overlap(texts: Sequence[str]) -> FloatArray:
    """ "Shared words + residual" for all notes at once (n x n, symmetric, in [0, 1])."""
    return _both(texts)[0]


def _strength(texts: Sequence[str]) -> FloatArray:
    """How far past its own bar the weaker of the two measures is (1 = exactly at both bars)."""
    overlaps, differences = _both(texts)
    return np.clip(np.minimum(overlaps / OVERLAP, differences / DIFFERS), 0.0, None)


def matrix(texts: Sequence[str]) -> FloatArray:
    """Pair scores in [0, 1] for all notes at once; 1 (THRESHOLD) means both measures clear their bars."""
    return np.minimum(_strength(texts), 1.0)


def similarity(a: str, b: str) -> float:
    """How alike two notes are, in [0, 1]; the same figure groups() uses for that pair."""
    return float(matrix([a, b])[0, 1])


def same(a: str, b: str) -> bool:
    """Whether two notes say the same thing: enough in common AND what differs alike."""
    return similarity(a, b) >= THRESHOLD


def _candidates(scores: FloatArray, threshold: float, blocked: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Pairs worth grouping, best first: at or above `threshold`, not dismissed, and mutual close neighbours."""
    n = len(scores)
    usable = np.where(blocked, -1.0, scores)
    np.fill_diagonal(usable, -1.0)
    # Rank of j among i's neighbours (0 = closest); ties broken by index so the result is deterministic.
    order = np.argsort(-usable, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(n)[:, None], order] = np.arange(n)[None, :]
    close = (rank < NEIGHBOURS) & (rank.T < NEIGHBOURS) & (usable >= threshold)
    i, j = np.nonzero(np.triu(close, k=1))
    best_first = np.lexsort((j, i, -usable[i, j]))
    return [(int(i[k]), int(j[k])) for k in best_first]


def cluster(scores: FloatArray, threshold: float, blocked: npt.NDArray[np.bool_] | None = None) -> list[list[int]]:
    """Groups of row indexes for any pair-score matrix (the bench compares measures with it).

    Complete linkage over the candidate pairs: two clusters join only if every cross pair qualifies.
    """
    n = len(scores)
    blocked = np.zeros((n, n), dtype=bool) if blocked is None else blocked
    allowed = np.zeros((n, n), dtype=bool)
    pairs = _candidates(scores, threshold, blocked)
    for i, j in pairs:
        allowed[i, j] = allowed[j, i] = True
    label = list(range(n))
    members: dict[int, list[int]] = {k: [k] for k in range(n)}
    for i, j in pairs:
        a, b = label[i], label[j]
        if a == b or not allowed[np.ix_(members[a], members[b])].all():
            continue
        for k in members[b]:
            label[k] = a
        members[a] += members.pop(b)
    return [sorted(m) for m in members.values() if len(m) > 1]


def _keep(notes: Sequence[Note]) -> Note:
    """The note to keep: most voted, then the clearest (longest up to CLEAR_LENGTH), then lowest id."""
    return min(notes, key=lambda n: (-n.votes, -min(len(n.text.strip()), CLEAR_LENGTH), n.id))


def groups(notes: Sequence[Note], dismissed: Collection[frozenset[int]] = ()) -> list[Group]:
    """Suggested merges among `notes`: groups of two or more, largest first, then by keep id.

    A pair in `dismissed` (a facilitator said "not the same") never ends up in one group. A repeated
    id counts once (its first note). Only the texts' content matters, not the order of `notes`.
    """
    unique = sorted({n.id: n for n in reversed(notes)}.values(), key=lambda n: n.id)
    if len(unique) < 2:
        return []
    position = {n.id: k for k, n in enumerate(unique)}
    blocked = set()
    for pair in dismissed:
        ends = sorted(position[i] for i in pair if i in position)
        if len(ends) == 2:
            blocked.add((ends[0], ends[1]))
    found = []
    for members in _clusters(tuple(n.text for n in unique), frozenset(blocked)):
        chosen = _keep([unique[k] for k in members])
        others = sorted(unique[k].id for k in members if unique[k].id != chosen.id)
        found.append(Group(keep=chosen.id, members=(chosen.id, *others)))
    return sorted(found, key=lambda g: (-len(g.members), g.keep))


def clear_cache() -> None:
    """Forget the cached groups (the benchmark times grouping from cold)."""
    _clusters.cache_clear()


@functools.lru_cache(maxsize=16)
def _clusters(texts: tuple[str, ...], blocked_pairs: frozenset[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
    """The groups as positions in `texts`, cached: the console asks again after every vote, and
    votes change which note to keep, never the groups."""
    blocked = np.zeros((len(texts), len(texts)), dtype=bool)
    for i, j in blocked_pairs:
        blocked[i, j] = blocked[j, i] = True
    # Neighbours are ranked on the unclipped strength, so a clear duplicate outranks one just at the bars.
    return tuple(tuple(c) for c in cluster(_strength(texts), THRESHOLD, blocked))
