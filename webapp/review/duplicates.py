"""Near-duplicate detection for submitted pieces: shingles, MinHash signatures, a similarity score.

Pure functions, no database. The app stores each piece's ``signature`` (a JSON list of ints) and,
when a piece is submitted, calls ``find_matches`` with the published and pending pieces of the
last 180 days.

Texts are compared after ``fold`` (lower case, no diacritics), so a copy typed without accents
still matches, and as overlapping runs of ``k`` words ("shingles"). Every hash here is derived
from BLAKE2b, never from ``hash()``, whose value changes from one process to the next: a stored
signature must stay comparable with one computed tomorrow by another worker.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from webapp.text import fold

SHINGLE_SIZE = 5
"""Words per shingle: long enough that stock phrases share few shingles, short enough that a
changed word spoils only five of them."""

NUM_PERM = 64
"""Hash functions per MinHash signature; the estimate's standard error is at most 1/16."""

DEFAULT_THRESHOLD = 0.4
"""``similarity`` at or above which a piece is flagged. On tests/data/duplicates the lowest
near-copy scores 0.64 and the highest unrelated pair (same topic, same stock phrases) 0.14;
0.4 sits near the middle: 0.24 above the one, 0.26 below the other."""

PREFILTER_RATIO = 0.5
"""Default prefilter, as a fraction of the threshold: the estimate is noisy (see NUM_PERM),
so a candidate is skipped only when its estimate is far below the threshold."""

MIN_CONTAINED = 80
"""Smallest shingle count the containment is divided by (about 84 words; see ``similarity``)."""

_PRIME = (1 << 61) - 1  # Mersenne prime: hash values are taken modulo it
_EMPTY = _PRIME  # sentinel: no real value (always < _PRIME) can equal it
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits; punctuation separates words


def _hash64(data: str) -> int:
    """A stable 64-bit hash of ``data``."""
    return int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest(), "big")


# The MinHash functions h(x) = (a*x + b) mod p. Their parameters come from BLAKE2b rather than
# the random module, so they are fixed by this code alone, whatever the Python version.
_PERMUTATIONS = [
    (1 + _hash64(f"minhash-a-{i}") % (_PRIME - 1), _hash64(f"minhash-b-{i}") % _PRIME)
    for i in range(NUM_PERM)
]


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def shingles(text: str, k: int = SHINGLE_SIZE) -> set[int]:
    """The hashed word ``k``-shingles of ``fold(text)``, punctuation ignored.

    A text of fewer than ``k`` words gives one shingle of all its words; no words, no shingles.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    words = _words(text)
    if len(words) <= k:
        return {_hash64(" ".join(words))} if words else set()
    return {_hash64(" ".join(words[i : i + k])) for i in range(len(words) - k + 1)}


def _signature_of(hashes: set[int]) -> list[int]:
    if not hashes:
        return [_EMPTY] * NUM_PERM
    return [min((a * x + b) % _PRIME for x in hashes) for a, b in _PERMUTATIONS]


def signature(text: str) -> list[int]:
    """The MinHash signature of ``text``'s shingles: ``NUM_PERM`` ints, JSON-serialisable.

    An empty text gives a signature of sentinels, which ``estimate`` never counts as similar.
    """
    return _signature_of(shingles(text))


def _is_empty(sig: list[int]) -> bool:
    return not sig or all(v == _EMPTY for v in sig)


def estimate(sig_a: list[int], sig_b: list[int]) -> float:
    """The MinHash estimate of the Jaccard similarity: the fraction of equal positions.

    0.0 when either signature is empty. Signatures of different lengths (made with another
    ``NUM_PERM``) cannot be compared: ``ValueError``.
    """
    if _is_empty(sig_a) or _is_empty(sig_b):
        return 0.0
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures of different lengths: {len(sig_a)} and {len(sig_b)}")
    return sum(x == y for x, y in zip(sig_a, sig_b, strict=True)) / len(sig_a)


def jaccard(a: set, b: set) -> float:
    """|A∩B| / |A∪B|; 0.0 if either is empty (two empty texts are not copies of each other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _containment(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / max(min(len(a), len(b)), MIN_CONTAINED)


def _score(a: set[int], b: set[int]) -> float:
    return max(jaccard(a, b), _containment(a, b))


def similarity(text_a: str, text_b: str) -> float:
    """How much of one text is in the other, from 0.0 to 1.0: the score shown to editors.

    It is ``max(jaccard, containment)`` over the texts' shingles, where containment is
    |A∩B| / min(|A|, |B|). Jaccard alone punishes size differences: a piece that copies a
    whole shorter piece and adds as much again of its own, or keeps only half of a longer one,
    scores 0.5 at most, though every word of the smaller text is copied. Containment asks "how
    much of the shorter text is copied", which is what an editor wants to know; like Jaccard it
    is symmetric, and it is never below it (except under the floor below).

    The one refinement: containment divides by at least ``MIN_CONTAINED`` shingles (about 84
    words, a short news piece). Otherwise a few lines (a title, the stock opening "Trong những
    năm qua, được sự quan tâm của Huyện ủy, UBND huyện, sự vào cuộc của cả hệ thống chính
    trị...") would be "fully contained" in every piece that uses them; with the floor that
    30-word paragraph alone scores 0.31, while a 60-word brief copied whole still scores 0.7.
    Identical short texts still score 1.0 through the Jaccard term.
    """
    return _score(shingles(text_a), shingles(text_b))


@dataclass
class Match:
    """A candidate piece similar to the submitted text."""

    piece_id: int
    score: float


def _estimated_score(jaccard_estimate: float, size_a: int, size_b: int) -> float:
    """``max(jaccard, containment)`` estimated from a Jaccard estimate and the two set sizes.

    With J = |A∩B| / |A∪B| and |A∪B| = |A| + |B| - |A∩B|, the intersection is
    J (|A| + |B|) / (1 + J).
    """
    shared = jaccard_estimate * (size_a + size_b) / (1 + jaccard_estimate)
    containment = shared / max(min(size_a, size_b), MIN_CONTAINED)
    return max(jaccard_estimate, min(containment, 1.0))


def find_matches(
    text: str,
    candidates: Iterable[tuple[int, list[int], str]],
    threshold: float = DEFAULT_THRESHOLD,
    prefilter: float | None = None,
) -> list[Match]:
    """The candidates whose ``similarity`` with ``text`` is at least ``threshold``, best first.

    ``candidates`` are ``(piece_id, stored signature, text)``. The stored signature gives a
    cheap estimate first; only candidates estimated at ``prefilter`` or more (by default
    ``threshold * PREFILTER_RATIO``) get the exact comparison. MinHash estimates Jaccard, which
    is low when one text contains a much shorter one, so the estimate is turned into a
    containment estimate with the two texts' sizes (the candidate's approximated from its word
    count, to avoid shingling it). A candidate with a missing or outdated signature (made with
    another ``NUM_PERM``) is always compared exactly.
    """
    if prefilter is None:
        prefilter = threshold * PREFILTER_RATIO
    mine = shingles(text)
    if not mine:
        return []
    my_signature = _signature_of(mine)
    matches = []
    for piece_id, stored, candidate in candidates:
        if stored and len(stored) == NUM_PERM:
            # Word count minus k - 1 approximates the shingle count, without hashing anything.
            size = max(len(candidate.split()) - (SHINGLE_SIZE - 1), 1)
            guess = _estimated_score(estimate(my_signature, stored), len(mine), size)
            if guess < prefilter:
                continue
        score = _score(mine, shingles(candidate))
        if score >= threshold:
            matches.append(Match(piece_id, score))
    matches.sort(key=lambda m: (-m.score, m.piece_id))
    return matches
