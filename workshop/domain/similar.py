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
pairs precision >= 0.6 and no group on the sample.

A big board: every pair is scored, but never as an n x n matrix. Notes with the same words are
scored once. The distinct ones are scored a block of rows at a time against the ones after them:
one matrix product gives the cosine of every pair's sums, which is both measures for two notes that
share no stem; the pairs that share one are corrected from sums over their shared stems. Only pairs
at or above the bar are kept, and for each note only its closest, so memory grows with the notes.
A text's words and vectors are computed once and kept, so a board asked again after a vote, a merge
or a new note only pays for the texts it has not seen. Grouping 3,000 notes takes about 0.5 s,
10,000 notes about 5 s on 2 cores (bench/similar.py).

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
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

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


IntArray = npt.NDArray[np.int64]
# Two consoles grouping at once would each set and restore the process-wide BLAS thread limit.
_ONE_AT_A_TIME = threading.Lock()
# Notes scored per block of rows: a block's work arrays are BLOCK x notes, so memory stays bounded.
BLOCK = 256
# Strengths are compared at this many decimals: the last bits of a float depend on how the matrix
# products were blocked, and two notes with the same words must tie, ranked by position, every time.
DECIMALS = 9
# Pairs at or above the bar held for notes of later blocks before they are cut to each note's closest.
WAITING_MAX = 2_000_000
# Gathered vectors per chunk when dot products are taken pair by pair (CHUNK x dims floats at a time).
CHUNK = 16384


@dataclass(frozen=True)
class _Text:
    """What the engine keeps of one distinct text."""

    stems: tuple[str, ...]  # its content stems
    words: tuple[str, ...]  # the word that carries each stem
    total: FloatArray  # the sum of those words' vectors
    gram: FloatArray  # words x words: their vectors' dot products


@functools.lru_cache(maxsize=32768)
def _features(text: str) -> _Text:
    """A note's words and vectors, computed once per distinct text: a board that grows, or is asked
    again after a vote or a merge, only pays for the notes it has not seen."""
    found = sorted(keys(text).items())  # in one order, so notes with the same words sum to the same bits
    dims = _model()[1].shape[1]
    vectors = np.array([_word_vector(w) for _, w in found]).reshape(len(found), dims)
    return _Text(tuple(s for s, _ in found), tuple(w for _, w in found), vectors.sum(axis=0), vectors @ vectors.T)


@dataclass(frozen=True)
class _Board:
    """The notes in flat arrays: one entry per (note, content stem); stems index their notes' entries."""

    sums: FloatArray  # notes x dims: each note's sum of word vectors
    squares: FloatArray  # notes: |sum|^2
    sizes: FloatArray  # notes: how many stems each note has
    first: IntArray  # note -> its first entry (entries are in note order; n + 1 values)
    note: IntArray  # entry -> its note
    word: IntArray  # entry -> its word
    form: IntArray  # entry -> which of its stem's words it is
    place: IntArray  # entry -> its position among its stem's entries
    postings: IntArray  # entries grouped by stem, in note order
    starts: IntArray  # stem -> its first place in postings (stems + 1 values)
    stem: IntArray  # entry -> its stem
    forms: IntArray  # stem -> how many distinct words carry it
    vectors: FloatArray  # word -> vector
    own: FloatArray  # entry -> its word's vector . its note's sum
    word_squares: FloatArray  # word -> |vector|^2
    reach: FloatArray  # per stem, forms x entries: each form's vector . each entry's note's sum
    reach_at: IntArray  # stem -> offset in reach
    twins: FloatArray  # per stem, forms x forms: dot products of the words that carry it
    twins_at: IntArray  # stem -> offset in twins
    grams: FloatArray  # per note, words x words: its words' dot products
    row_at: IntArray  # entry -> where its word's row of its note's gram starts
    local: IntArray  # entry -> its place among its note's words


def _dots(a: FloatArray, rows_a: IntArray, b: FloatArray, rows_b: IntArray) -> FloatArray:
    """a[rows_a[k]] . b[rows_b[k]] for every k, a chunk at a time."""
    out = np.empty(len(rows_a))
    for k in range(0, len(rows_a), CHUNK):
        out[k : k + CHUNK] = np.einsum("ij,ij->i", a[rows_a[k : k + CHUNK]], b[rows_b[k : k + CHUNK]])
    return out


def _within(counts: IntArray) -> IntArray:
    """0..c-1 for each count c, concatenated: the position inside each repeated run."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _board(texts: Sequence[str]) -> _Board:
    """Flat arrays for the notes; only a text not seen before is split into words again."""
    features = [_features(t) for t in texts]
    stem_ids: dict[str, int] = {}
    word_ids: dict[str, int] = {}
    counts = np.array([len(f.stems) for f in features], dtype=np.int64)
    stem = np.array([stem_ids.setdefault(s, len(stem_ids)) for f in features for s in f.stems], dtype=np.int64)
    word = np.array([word_ids.setdefault(w, len(word_ids)) for f in features for w in f.words], dtype=np.int64)
    dims = _model()[1].shape[1]
    vectors = np.array([_word_vector(w) for w in word_ids]).reshape(len(word_ids), dims)
    note = np.repeat(np.arange(len(texts)), counts)
    sums = np.array([f.total for f in features]).reshape(len(texts), dims)
    grams = np.concatenate([f.gram.ravel() for f in features] + [np.zeros(0)])
    postings = np.argsort(stem, kind="stable")
    starts = np.searchsorted(stem[postings], np.arange(len(stem_ids) + 1))
    place = np.empty_like(postings)
    place[postings] = np.arange(len(postings)) - starts[stem[postings]]
    pairs = np.unique(stem * max(len(word_ids), 1) + word)  # (stem, word), by stem then word
    form_stem, form_word = pairs // max(len(word_ids), 1), pairs % max(len(word_ids), 1)
    forms = np.bincount(form_stem, minlength=len(stem_ids))
    forms_at = np.concatenate(([0], np.cumsum(forms)))
    form = np.searchsorted(pairs, stem * max(len(word_ids), 1) + word) - forms_at[stem]
    df = np.diff(starts)
    reach_at = np.concatenate(([0], np.cumsum(forms * df)))[:-1]
    twins_at = np.concatenate(([0], np.cumsum(forms * forms)))[:-1]
    # reach: for each entry, each form of its stem against the entry's note's sum.
    by_entry = np.repeat(np.arange(len(stem)), forms[stem])
    which = _within(forms[stem])
    reach = np.empty(int(forms @ df))
    s = stem[by_entry]
    reach[reach_at[s] + which * df[s] + place[by_entry]] = _dots(
        vectors, form_word[forms_at[s] + which], sums, note[by_entry]
    )
    # twins: for each stem, its forms against each other.
    left = np.repeat(np.arange(len(pairs)), forms[form_stem])
    right = forms_at[form_stem[left]] + _within(forms[form_stem])
    twins = _dots(vectors, form_word[left], vectors, form_word[right])
    squares = np.einsum("ij,ij->i", sums, sums)
    own = _dots(vectors, word, sums, note)
    first = np.concatenate(([0], np.cumsum(counts)))
    grams_at = np.concatenate(([0], np.cumsum(counts * counts)))
    local = np.arange(len(stem)) - first[note]
    return _Board(
        sums, squares, counts.astype(np.float64), first, note, word, form, place, postings, starts, stem, forms,
        vectors, own, np.einsum("ij,ij->i", vectors, vectors), reach, reach_at, twins, twins_at,
        grams, grams_at[note] + local * counts[note], local,
    )  # fmt: skip


@dataclass
class _Shared:
    """The pairs of a block that share a stem (flat positions in the block), with the sums over their
    shared stems that the residual formula needs."""

    at: IntArray  # flat position of each such pair in the block (rows x columns)
    common: FloatArray  # stems both notes have
    x_s: FloatArray  # X . S_j: the row note's shared words against the column note's sum
    s_a: FloatArray  # S_i . A: the row note's sum against the column note's shared words
    x_own: FloatArray  # X . S_i
    a_own: FloatArray  # A . S_j
    x_a: FloatArray  # X . A
    x_x: FloatArray  # |X|^2
    a_a: FloatArray  # |A|^2


def _matches(b: _Board, r0: int, r1: int) -> tuple[IntArray, IntArray]:
    """Every (row entry, column entry) of one stem with the column's note after the row's note."""
    mine = np.arange(b.first[r0], b.first[r1])
    count = b.starts[b.stem[mine] + 1] - b.starts[b.stem[mine]] - b.place[mine] - 1
    left = np.repeat(mine, count)
    right = b.postings[b.starts[b.stem[left]] + b.place[left] + 1 + _within(count)]
    return left, right


def _shared(b: _Board, r0: int, r1: int) -> _Shared:
    """Sums over each pair's shared stems, as weighted counts over the stem matches of the block."""
    left, right = _matches(b, r0, r1)
    key = (b.note[left] - r0) * (len(b.sums) - r0) + b.note[right] - r0
    seen = np.zeros((r1 - r0) * (len(b.sums) - r0), dtype=bool)
    seen[key] = True
    at = np.flatnonzero(seen)
    index = np.zeros(len(seen), dtype=np.int64)
    index[at] = np.arange(len(at))
    pair = index[key]
    stem = b.stem[left]
    df = b.starts[stem + 1] - b.starts[stem]

    def total(weights: FloatArray | None = None) -> FloatArray:
        return np.bincount(pair, weights, minlength=len(at)).astype(np.float64, copy=False)

    out = _Shared(
        at=at,
        common=total(),
        x_s=total(b.reach[b.reach_at[stem] + b.form[left] * df + b.place[right]]),
        s_a=total(b.reach[b.reach_at[stem] + b.form[right] * df + b.place[left]]),
        x_own=total(b.own[left]),
        a_own=total(b.own[right]),
        x_a=total(b.twins[b.twins_at[stem] + b.form[left] * b.forms[stem] + b.form[right]]),
        x_x=total(b.word_squares[b.word[left]]),
        a_a=total(b.word_squares[b.word[right]]),
    )
    _add_cross_terms(b, out, pair, left, right)
    return out


def _add_cross_terms(b: _Board, out: _Shared, pair: IntArray, left: IntArray, right: IntArray) -> None:
    """Pairs sharing two or more stems: X . A, |X|^2 and |A|^2 also hold the products across stems,
    read from each note's own gram (and, where the two notes spell a stem differently, computed)."""
    several = out.common[pair] >= 2
    order = np.argsort(pair[several], kind="stable")
    pair, left, right = pair[several][order], left[several][order], right[several][order]
    if not len(pair):
        return
    begins = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    lengths = np.diff(np.r_[begins, len(pair)])
    per = np.repeat(lengths, lengths)  # each match, with its pair's match count
    a = np.repeat(np.arange(len(pair)), per)
    other = np.repeat(np.repeat(begins, lengths), per) + _within(per)
    a, other = a[a != other], other[a != other]
    into = pair[a]
    mine = b.grams[b.row_at[left[a]] + b.local[left[other]]]
    out.x_x += np.bincount(into, mine, minlength=len(out.x_x))
    out.a_a += np.bincount(into, b.grams[b.row_at[right[a]] + b.local[right[other]]], minlength=len(out.a_a))
    spelt = b.word[right[other]] != b.word[left[other]]
    if spelt.any():  # the other note carries stem u with another word: its vector, not ours
        width = len(b.vectors)
        unique, inverse = np.unique(b.word[left[a][spelt]] * width + b.word[right[other][spelt]], return_inverse=True)
        mine[spelt] = _dots(b.vectors, unique // width, b.vectors, unique % width)[inverse]
    out.x_a += np.bincount(into, mine, minlength=len(out.x_a))


def _cosines(dot: FloatArray, norm_i: FloatArray, norm_j: FloatArray, usable: npt.NDArray[np.bool_]) -> FloatArray:
    """The residuals' cosine in [0, 1] (0 where a residual is empty)."""
    both = np.sqrt(np.clip(norm_i, 0.0, None) * np.clip(norm_j, 0.0, None))
    return np.clip(np.divide(dot, both, out=np.zeros_like(dot), where=usable & (both > 1e-9)), 0.0, 1.0)


@dataclass(frozen=True)
class _Block:
    """Notes r0..r1 (rows) against notes r0..n-1 (columns)."""

    cosine: FloatArray  # rows x columns: the cosine of the two notes' sums, in [0, 1]
    at: IntArray  # flat positions of the pairs that share a stem
    overlaps: FloatArray  # overlap() of those pairs
    differences: FloatArray  # differs() of those pairs


def _block(b: _Board, r0: int, r1: int) -> _Block:
    """Two notes that share no stem have their whole sums as residuals: both measures are the sums'
    cosine, one matrix product for the block. Only pairs that share a stem need the rest, where the
    residuals' dot product and norms expand into sums over the shared stems."""
    rows, columns = slice(r0, r1), slice(r0, None)
    present = (b.sizes[rows, None] > 0) & (b.sizes[None, columns] > 0)
    products = b.sums[rows] @ b.sums[columns].T
    both = np.sqrt(b.squares[rows, None] * b.squares[None, columns])
    cosine = np.divide(products, both, out=np.zeros_like(products), where=present & (both > 1e-9))
    np.clip(cosine, 0.0, 1.0, out=cosine)
    s = _shared(b, r0, r1)
    i, j = np.divmod(s.at, len(b.sums) - r0)
    size, sizes, common = b.sizes[i + r0], b.sizes[j + r0], s.common
    norm_i = b.squares[i + r0] - 2 * s.x_own + s.x_x
    norm_j = b.squares[j + r0] - 2 * s.a_own + s.a_a
    dot = products.ravel()[s.at] - s.x_s - s.s_a + s.x_a
    # A note whose every stem is shared has no residual: its norm is a rounding error, never a cosine.
    residual = _cosines(dot, norm_i, norm_j, (common < size) & (common < sizes))
    dice = 2 * common / (size + sizes)
    jaccard = common / (size + sizes - common)
    differ = np.where((common == size) | (common == sizes), jaccard, residual)
    differ = np.where((common == size) & (common == sizes), 1.0, differ)
    return _Block(cosine, s.at, dice + (1 - dice) * residual, differ)


def _scores(b: _Board, r0: int, r1: int) -> tuple[FloatArray, FloatArray]:
    """overlap() and differs() of notes r0..r1 (rows) against notes r0..n-1 (columns)."""
    block = _block(b, r0, r1)
    overlaps, differences = block.cosine, block.cosine.copy()
    overlaps.ravel()[block.at] = block.overlaps
    differences.ravel()[block.at] = block.differences
    diagonal = np.arange(r1 - r0)  # a note against itself: every stem shared
    overlaps[diagonal, diagonal] = differences[diagonal, diagonal] = np.where(b.sizes[r0:r1] > 0, 1.0, 0.0)
    return overlaps, differences


def _block_strength(b: _Board, r0: int, r1: int) -> FloatArray:
    """_strength_of() for a block, the pairs that share no stem taken straight from their cosine
    (both measures are that cosine, and the overlap's bar is the higher one)."""
    block = _block(b, r0, r1)
    strength = np.round(np.divide(block.cosine, OVERLAP, out=block.cosine), DECIMALS, out=block.cosine)
    strength.ravel()[block.at] = _strength_of(block.overlaps, block.differences)
    return strength


def _both(texts: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    """overlap() and differs() for all notes at once (n x n: for the tests and the bench's small sets)."""
    n = len(texts)
    overlaps, differences = np.zeros((n, n)), np.zeros((n, n))
    if n:
        board = _board(texts)
        for r0 in range(0, n, BLOCK):
            r1 = min(n, r0 + BLOCK)
            overlaps[r0:r1, r0:], differences[r0:r1, r0:] = _scores(board, r0, r1)
    return _symmetric(overlaps), _symmetric(differences)


def _symmetric(upper: FloatArray) -> FloatArray:
    return np.triu(upper) + np.triu(upper, k=1).T


def differs(texts: Sequence[str]) -> FloatArray:
    """ "Compare what differs" for all notes at once (n x n, symmetric, in [0, 1], diagonal 1 for non-empty notes)."""
    return _both(texts)[1]


def overlap(texts: Sequence[str]) -> FloatArray:
    """ "Shared words + residual" for all notes at once (n x n, symmetric, in [0, 1])."""
    return _both(texts)[0]


def _strength_of(overlaps: FloatArray, differences: FloatArray) -> FloatArray:
    """How far past its own bar the weaker of the two measures is (1 = exactly at both bars)."""
    return np.round(np.clip(np.minimum(overlaps / OVERLAP, differences / DIFFERS), 0.0, None), DECIMALS)


def _strength(texts: Sequence[str]) -> FloatArray:
    return _strength_of(*_both(texts))


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


def _link(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Complete linkage over candidate pairs, best first: two clusters join only if every cross pair qualifies."""
    allowed = set(pairs)
    label = list(range(n))
    members: dict[int, list[int]] = {k: [k] for k in range(n)}
    for i, j in pairs:
        a, b = label[i], label[j]
        if a == b or not all((min(x, y), max(x, y)) in allowed for x in members[a] for y in members[b]):
            continue
        for k in members[b]:
            label[k] = a
        members[a] += members.pop(b)
    return [sorted(m) for m in members.values() if len(m) > 1]


def cluster(scores: FloatArray, threshold: float, blocked: npt.NDArray[np.bool_] | None = None) -> list[list[int]]:
    """Groups of row indexes for any pair-score matrix (the bench compares measures with it)."""
    n = len(scores)
    blocked = np.zeros((n, n), dtype=bool) if blocked is None else blocked
    return _link(n, _candidates(scores, threshold, blocked))


Entries = tuple[IntArray, IntArray, FloatArray]  # rows, others, values: pairs at or above the bar


def _closest(
    rows: IntArray, others: IntArray, values: FloatArray, weight: IntArray | None = None, reach: int = 0
) -> Entries:
    """Each row's best entries, ties to the lower index (as a stable sort ranks them): its first
    NEIGHBOURS, or, with a weight per other (how many notes it stands for), every entry until those
    weigh `reach` and every entry tied with the last of them."""
    order = np.lexsort((others, -values, rows))
    rows, others, values = rows[order], others[order], values[order]
    begins = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else np.zeros(0, dtype=np.int64)
    lengths = np.diff(np.r_[begins, len(rows)])
    if weight is None:
        keep = np.arange(len(rows)) - np.repeat(begins, lengths) < NEIGHBOURS
        return rows[keep], others[keep], values[keep]
    heavy = np.cumsum(weight[others])
    before = heavy - weight[others] - np.repeat(heavy[begins] - weight[others[begins]], lengths)
    full = before < reach  # the entries needed to reach the weight, and ties with the last
    last = np.maximum.reduceat(np.where(full, np.arange(len(rows)), -1), begins) if len(rows) else begins
    keep = values >= np.repeat(values[last], lengths)
    return rows[keep], others[keep], values[keep]


def _signature_pairs(board: _Board, weight: IntArray, reach: int) -> Entries:
    """The closest entries of each distinct note (see `_close_pairs`), a block of rows at a time."""
    n = len(board.sums)
    empty = np.zeros(0, dtype=np.int64)
    waiting: Entries = (empty, empty, np.zeros(0))
    done: list[Entries] = []
    itself = float(_strength_of(np.ones(1), np.ones(1))[0])  # every stem shared
    for r0 in range(0, n, BLOCK):
        r1 = min(n, r0 + BLOCK)
        strength = _block_strength(board, r0, r1)
        strength[np.tril_indices(r1 - r0)] = -1.0  # itself, and notes before it (scored in their own rows)
        i, j = np.nonzero(strength >= THRESHOLD)
        found = strength[i, j]
        copies = np.flatnonzero(board.sizes[r0:r1] > 0) + r0  # its own copies, when it has words
        rows = np.r_[waiting[0], i + r0, j + r0, copies]
        others = np.r_[waiting[1], j + r0, i + r0, copies]
        values = np.r_[waiting[2], found, found, np.full(len(copies), itself)]
        ready = rows < r1
        done.append(_closest(rows[ready], others[ready], values[ready], weight, reach))
        waiting = (rows[~ready], others[~ready], values[~ready])
        if len(waiting[0]) > WAITING_MAX:  # bounded memory: only each note's closest can still count
            waiting = _closest(*waiting, weight, reach)
    rows, others, values = (np.concatenate(part) for part in zip(*done, strict=True))
    return rows, others, values


def _close_pairs(texts: Sequence[str], blocked_pairs: Collection[tuple[int, int]]) -> list[tuple[int, int]]:
    """The candidates of `_candidates` without an n x n matrix.

    Notes with the same words score alike, so each distinct one is scored once, a block of rows at
    a time, and only pairs at or above the bar are kept: a note's rank counts only notes scored at
    least as high, so no pair below the bar changes a rank that matters. Each distinct note keeps
    the closest distinct notes until they stand for enough notes; each note then takes its
    NEIGHBOURS closest notes from those, ties to the lower position, leaving out dismissed pairs.
    """
    n = len(texts)
    seen: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    kind = np.array([seen.setdefault((f.stems, f.words), len(seen)) for f in map(_features, texts)], dtype=np.int64)
    firsts = np.unique(kind, return_index=True)[1]
    blocked = np.array(sorted(blocked_pairs), dtype=np.int64).reshape(-1, 2)
    refused = np.bincount(blocked.ravel(), minlength=n)
    taken = NEIGHBOURS + 1 + int(refused.max(initial=0))  # the most notes of one kind a note can need
    order = np.argsort(kind, kind="stable")
    kind_starts = np.searchsorted(kind[order], np.arange(len(seen) + 1))
    weight = np.minimum(np.diff(kind_starts), taken)
    kinds = _signature_pairs(_board([texts[k] for k in firsts]), weight, taken)
    rows, others, values = _expand(kind, order, kind_starts, weight, kinds)
    keep = ~np.isin(rows * n + others, blocked[:, 0] * n + blocked[:, 1]) & ~np.isin(
        rows * n + others, blocked[:, 1] * n + blocked[:, 0]
    )
    rows, others, values = _closest(rows[keep], others[keep], values[keep])
    lower = rows < others
    mutual = lower & np.isin(rows * n + others, others * n + rows)
    i, j, found = rows[mutual], others[mutual], values[mutual]
    best_first = np.lexsort((j, i, -found))
    return [(int(i[k]), int(j[k])) for k in best_first]


def _expand(kind: IntArray, order: IntArray, kind_starts: IntArray, weight: IntArray, kinds: Entries) -> Entries:
    """From distinct notes to notes: each note gets, for every entry of its kind, the first notes
    (by position) of the other kind, itself left out."""
    rows, others, values = kinds
    by_row = np.argsort(rows, kind="stable")
    rows, others, values = rows[by_row], others[by_row], values[by_row]
    starts = np.searchsorted(rows, np.arange(len(kind_starts)))
    count = starts[kind + 1] - starts[kind]
    note = np.repeat(np.arange(len(kind)), count)
    entry = np.repeat(starts[kind], count) + _within(count)
    other, value = others[entry], values[entry]
    many = weight[other]
    note, value = np.repeat(note, many), np.repeat(value, many)
    partner = order[np.repeat(kind_starts[other], many) + _within(many)]
    keep = partner != note
    return note[keep], partner[keep], value[keep]


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
    votes change which note to keep, never the groups.

    The matrix products run on one thread: a second one made them no faster here, and its threads
    spinning between products starved the server's other threads (live-channel polls waited 2x).
    """
    # Neighbours are ranked on the unclipped strength, so a clear duplicate outranks one just at the bars.
    with _ONE_AT_A_TIME, threadpool_limits(limits=1, user_api="blas"):  # the limit is process-wide
        return tuple(tuple(c) for c in _link(len(texts), _close_pairs(texts, blocked_pairs)))
