"""Amounts in words as Vietnamese payment sheets write them ("linh", "không trăm", "mốt", "lăm")."""

import pytest

from webapp.royalties.words import amount_in_words

CASES = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (55, "Năm mươi lăm đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (1_000, "Một nghìn đồng"),
    (1_005, "Một nghìn không trăm linh năm đồng"),
    (1_014, "Một nghìn không trăm mười bốn đồng"),
    (2_501_000, "Hai triệu năm trăm linh một nghìn đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (10_500_000, "Mười triệu năm trăm nghìn đồng"),
    (21_000_000, "Hai mươi mốt triệu đồng"),
    (54_896_000, "Năm mươi bốn triệu tám trăm chín mươi sáu nghìn đồng"),
    (
        1_234_567_890,
        "Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng",
    ),
    (2_000_000_000, "Hai tỷ đồng"),
    (1_000_000_000_005, "Một nghìn tỷ không trăm linh năm đồng"),
    (-150_000, "Âm một trăm năm mươi nghìn đồng"),
]


@pytest.mark.parametrize("amount, words", CASES)
def test_amount_in_words_follows_the_accounting_conventions(amount, words):
    assert amount_in_words(amount) == words


def test_the_words_never_use_le_or_tu():
    # num2words writes "lẻ" (105 → "một trăm lẻ năm"); vouchers write "linh" and "bốn".
    for amount in (104, 105, 1_004, 1_000_004, 24, 34_024):
        words = amount_in_words(amount).split()
        assert "lẻ" not in words and "tư" not in words
