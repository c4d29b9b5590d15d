"""Amounts in words as Vietnamese payment sheets and vouchers write them.

num2words (lang="vi") cannot be configured to the accounting conventions: it writes
"lẻ" where vouchers write "linh" (105 → "một trăm lẻ năm"), and it drops the "không
trăm" of a zero hundreds digit inside the number (1.005.000 → "một triệu năm nghìn"
instead of "một triệu không trăm linh năm nghìn"). So the sheet uses this function.

The conventions:

- groups of three digits, named nghìn, triệu, tỷ; beyond tỷ the count of tỷ is itself read
  (1.000.000.000.000 → "một nghìn tỷ"); a group of three zeros is left out;
- a group after the first says its hundreds even when zero: "không trăm";
- a zero tens digit after hundreds is "linh": 105 → "một trăm linh năm";
- 10 to 19 is "mười …", 20 and above "… mươi …";
- 1 after "mươi" is "mốt" (21 → "hai mươi mốt"), but "mười một" (11);
- 5 after "mười"/"mươi" is "lăm" (15 → "mười lăm", 25 → "hai mươi lăm"), but "linh năm";
- 4 is always "bốn" ("tư" is not used on vouchers);
- the first letter is capitalised and the text ends with "đồng": 0 → "Không đồng".
"""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")  # below tỷ; tỷ is handled by reading the count of tỷ
BILLION = 1_000_000_000


def _group(value: int, full: bool) -> list[str]:
    """Words of a number 0..999; ``full`` when it follows another group (says "không trăm")."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(value: int, full: bool) -> list[str]:
    """Words of 0..999.999.999 (nothing for 0); ``full`` when a higher part came before."""
    groups = []
    for _scale in SCALES:
        value, group = divmod(value, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _group(group, full or bool(words))
        if SCALES[index]:
            words.append(SCALES[index])
    return words


def _words(value: int, full: bool = False) -> list[str]:
    if value >= BILLION:
        billions, rest = divmod(value, BILLION)
        return [*_words(billions, full), "tỷ", *_below_billion(rest, True)]
    return _below_billion(value, full)


def number_in_words(value: int) -> str:
    """A whole number in lower-case Vietnamese words: 105 → "một trăm linh năm"."""
    value = int(value)
    if value == 0:
        return DIGITS[0]
    words = _words(abs(value))
    if value < 0:
        words.insert(0, "âm")
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """A sum of money as a voucher writes it: 1.005.000 → "Một triệu không trăm linh năm nghìn
    đồng"."""
    text = number_in_words(amount) + " đồng"
    return text[:1].upper() + text[1:]
