"""Near-copy detection, checked against the labelled pieces in tests/data/duplicates."""

import itertools
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from webapp.review.duplicates import (
    DEFAULT_THRESHOLD,
    NUM_PERM,
    estimate,
    find_matches,
    jaccard,
    shingles,
    signature,
    similarity,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests/data/duplicates"
PAIRS = json.loads((DATA / "pairs.json").read_text(encoding="utf-8"))
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.txt"))}
DUPLICATES = [p for p in PAIRS if p["duplicate"]]
UNRELATED = [p for p in PAIRS if not p["duplicate"]]
STOCK_OPENING = (
    "Trong những năm qua, được sự quan tâm của Huyện ủy, UBND huyện, sự vào cuộc của cả hệ "
    "thống chính trị và sự đồng thuận của Nhân dân,"
)


def _strip_marks(text: str) -> str:
    """Text as typed without diacritics, capitals kept."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def _copies_of() -> dict[str, set[str]]:
    """For each text, the other texts labelled (directly or through another) as its copies."""
    group = {name: {name} for name in TEXTS}
    for pair in DUPLICATES:
        merged = group[pair["a"]] | group[pair["b"]]
        for name in merged:
            group[name] = merged
    return {name: group[name] - {name} for name in TEXTS}


def test_the_labelled_set_is_as_described():
    assert len(DUPLICATES) >= 8 and len(UNRELATED) >= 8
    for pair in PAIRS:
        assert pair["a"] in TEXTS and pair["b"] in TEXTS, pair["note"]
    assert all(len(text.split()) >= 80 for text in TEXTS.values())


@pytest.mark.parametrize("pair", DUPLICATES, ids=[p["note"] for p in DUPLICATES])
def test_near_copies_score_at_or_above_the_threshold(pair):
    assert similarity(TEXTS[pair["a"]], TEXTS[pair["b"]]) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("pair", UNRELATED, ids=[p["note"] for p in UNRELATED])
def test_unrelated_pieces_score_below_the_threshold(pair):
    assert similarity(TEXTS[pair["a"]], TEXTS[pair["b"]]) < DEFAULT_THRESHOLD


def test_the_threshold_keeps_a_margin_on_both_sides():
    # If new labelled pieces squeeze the margin, the threshold needs another look.
    lowest_copy = min(similarity(TEXTS[p["a"]], TEXTS[p["b"]]) for p in DUPLICATES)
    copies = _copies_of()
    highest_other = max(
        similarity(TEXTS[a], TEXTS[b])
        for a, b in itertools.combinations(TEXTS, 2)
        if b not in copies[a]
    )
    assert lowest_copy - DEFAULT_THRESHOLD >= 0.15
    assert DEFAULT_THRESHOLD - highest_other >= 0.15


def _pool() -> tuple[dict[str, int], list[tuple[int, list[int], str]]]:
    ids = {name: number for number, name in enumerate(TEXTS, start=1)}
    return ids, [(ids[name], signature(text), text) for name, text in TEXTS.items()]


@pytest.mark.parametrize("prefilter", [None, 0.0], ids=["default prefilter", "no prefilter"])
def test_find_matches_finds_each_copy_and_nothing_else(prefilter):
    ids, pool = _pool()
    copies = _copies_of()
    for name, text in TEXTS.items():
        others = [c for c in pool if c[0] != ids[name]]
        found = find_matches(text, others, DEFAULT_THRESHOLD, prefilter=prefilter)
        assert {m.piece_id for m in found} == {ids[c] for c in copies[name]}, name
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_a_short_piece_inside_a_long_round_up_is_found_despite_a_low_jaccard():
    short = TEXTS["vesinh-habau.txt"]
    round_up = "\n\n".join(
        [TEXTS["atgt-tet.txt"], TEXTS["caphe-taicanh.txt"], short, TEXTS["khaigiang.txt"]]
    )
    # MinHash estimates Jaccard, well under the threshold here: the prefilter must not use it
    # as such.
    assert jaccard(shingles(short), shingles(round_up)) < 0.15
    assert similarity(short, round_up) == 1.0
    assert [m.piece_id for m in find_matches(short, [(7, signature(round_up), round_up)])] == [7]
    assert [m.piece_id for m in find_matches(round_up, [(3, signature(short), short)])] == [3]


def test_a_copy_typed_without_diacritics_still_matches():
    original = TEXTS["caphe-taicanh.txt"]
    plain = _strip_marks(original)
    assert plain != original
    assert shingles(plain) == shingles(original)
    assert similarity(plain, original) == 1.0
    assert shingles("Đak Đoa") == shingles("DAK DOA") == shingles("dak, doa.")
    found = find_matches(plain, [(1, signature(original), original)])
    assert [(m.piece_id, m.score) for m in found] == [(1, 1.0)]


def test_a_stock_paragraph_alone_is_not_a_copy_but_a_short_brief_is():
    # Containment would be 1.0 for both; dividing by at least MIN_CONTAINED shingles tells
    # a shared stock phrase from a copied brief.
    assert similarity(STOCK_OPENING, TEXTS["ntm-tanbinh.txt"]) < DEFAULT_THRESHOLD
    assert similarity(STOCK_OPENING, STOCK_OPENING) == 1.0
    brief = " ".join(TEXTS["vesinh-habau.txt"].split()[:60])
    assert similarity(brief, TEXTS["vesinh-habau-them.txt"]) >= DEFAULT_THRESHOLD


def test_short_texts_give_one_shingle():
    assert len(shingles("Đak Đoa")) == 1
    assert len(shingles("một hai ba bốn năm sáu", k=5)) == 2
    with pytest.raises(ValueError):
        shingles("một hai", k=0)


def test_signatures_are_the_same_in_another_process():
    # A different PYTHONHASHSEED changes hash(); the signature must not change with it.
    text = TEXTS["tinhnguyen-he.txt"]
    code = (
        "import json, sys; from webapp.review.duplicates import signature; "
        "print(json.dumps(signature(sys.stdin.read())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=text.encode(),
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    assert json.loads(result.stdout) == signature(text)


def test_signatures_are_pinned():
    # Stored signatures are compared with new ones: changing the shingles or the hash
    # functions would silently break the prefilter for every stored piece.
    assert signature("Huyện Đak Đoa")[:3] == [
        2115390188613006730,
        2000199780710135122,
        708634087766877337,
    ]


def test_signatures_survive_a_json_round_trip():
    sig = signature(TEXTS["baucu-thongbao.txt"])
    assert len(sig) == NUM_PERM
    assert all(type(v) is int and 0 <= v < 2**63 for v in sig)  # fits a BIGINT too
    stored = json.loads(json.dumps(sig))
    assert stored == sig
    assert estimate(sig, stored) == 1.0


def test_estimate_is_close_to_jaccard():
    a, b = TEXTS["tinhnguyen-he.txt"], TEXTS["tinhnguyen-he-sua.txt"]
    exact = jaccard(shingles(a), shingles(b))
    assert abs(estimate(signature(a), signature(b)) - exact) < 0.15


def test_empty_texts():
    assert shingles("") == set()
    assert shingles(" ,.; – ") == set()
    empty = signature("")
    assert len(empty) == NUM_PERM and len(set(empty)) == 1
    text = TEXTS["khaigiang.txt"]
    assert estimate(empty, empty) == 0.0
    assert estimate(signature(text), empty) == 0.0
    assert estimate([], signature(text)) == 0.0
    assert jaccard(set(), set()) == 0.0
    assert similarity("", "") == 0.0
    assert similarity(text, "") == 0.0
    assert find_matches("", [(1, signature(text), text)]) == []
    assert find_matches(text, [(1, empty, "")]) == []
    assert find_matches(text, []) == []


def test_signatures_of_another_length_are_refused_by_estimate_and_bypassed_by_find_matches():
    text = TEXTS["khaigiang.txt"]
    with pytest.raises(ValueError):
        estimate(signature(text), signature(text)[:32])
    # A missing or outdated stored signature: the candidate is compared exactly.
    found = find_matches(text, [(1, [], text), (2, signature(text)[:32], text)])
    assert [m.piece_id for m in found] == [1, 2]
