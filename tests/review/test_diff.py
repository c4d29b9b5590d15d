"""The word-level diff editors read between two revisions of a piece."""

import unicodedata

import pytest
from markupsafe import Markup

from webapp.review.diff import render_html, stats, word_diff

P1 = "Sáng 5/6/2021, Huyện Đoàn Đak Đoa ra quân Chiến dịch Thanh niên tình nguyện hè."
P2 = "Hơn 300 đoàn viên, thanh niên đã phát quang bụi rậm, nạo vét mương thoát nước."
P3 = "Chiến dịch kéo dài đến hết tháng 8."


def _new_from(ops):
    return "".join(text for kind, text in ops if kind != "delete")


def _old_from(ops):
    return "".join(text for kind, text in ops if kind != "insert")


def test_a_changed_word():
    old = "Công an huyện đã lập biên bản 412 trường hợp vi phạm."
    new = "Công an huyện đã lập biên bản 415 trường hợp vi phạm."
    ops = word_diff(old, new)
    assert ops == [
        ("equal", "Công an huyện đã lập biên bản "),
        ("delete", "412 "),
        ("insert", "415 "),
        ("equal", "trường hợp vi phạm."),
    ]
    assert render_html(ops) == (
        "Công an huyện đã lập biên bản <del>412</del> <ins>415</ins> trường hợp vi phạm."
    )
    assert stats(ops) == (1, 1)


def test_a_replaced_phrase_reads_old_words_then_new_words():
    ops = word_diff("tổ chức lễ ra quân tại xã Ia Pết", "tổ chức lễ khởi động ở thị trấn")
    assert ops == [
        ("equal", "tổ chức lễ "),
        ("delete", "ra quân tại xã Ia Pết"),
        ("insert", "khởi động ở thị trấn"),
    ]
    assert stats(ops) == (6, 5)


def test_an_inserted_sentence():
    old = f"{P1} {P3}"
    new = f"{P1} {P2} {P3}"
    ops = word_diff(old, new)
    assert ops == [("equal", P1 + " "), ("insert", P2 + " "), ("equal", P3)]
    html = render_html(ops)
    assert f"<ins>{P2}</ins> " in html and "<del>" not in html
    assert stats(ops) == (0, len(P2.replace(",", " ").replace("/", " ").split()))
    assert _new_from(ops) == new


def test_a_deleted_paragraph():
    old = f"{P1}\n\n{P2}\n\n{P3}"
    new = f"{P1}\n\n{P3}"
    ops = word_diff(old, new)
    assert ops == [("equal", P1 + "\n\n"), ("delete", P2 + "\n\n"), ("equal", P3)]
    html = render_html(ops)
    # The paragraph is struck through; the line breaks after it stay outside the tag.
    assert html == f"{P1}<br><br><del>{P2}</del><br><br>{P3}"
    assert "<ins>" not in html
    assert stats(ops) == (16, 0)
    assert _old_from(ops) == old


def test_deleting_the_last_word_keeps_it_apart_from_the_previous_one():
    ops = word_diff("tỉnh Gia Lai", "tỉnh Gia")
    assert render_html(ops) == "tỉnh Gia <del>Lai</del>"
    assert _new_from(ops) == "tỉnh Gia"


def test_identical_texts_have_no_changes():
    text = f"{P1}\n\n{P2}"
    ops = word_diff(text, text)
    assert ops == [("equal", text)]
    html = render_html(ops)
    assert "<del>" not in html and "<ins>" not in html
    assert stats(ops) == (0, 0)
    assert word_diff("", "") == []
    assert render_html([]) == ""


def test_whitespace_changes_alone_are_not_changes():
    ops = word_diff("Đak Đoa  là huyện\r\nphía đông", "Đak Đoa là huyện phía\nđông ")
    assert [kind for kind, _ in ops] == ["equal"]


def _only_our_tags(html: str) -> bool:
    for tag in ("<del>", "</del>", "<ins>", "</ins>", "<br>"):
        html = html.replace(tag, "")
    return "<" not in html and ">" not in html


def test_markup_in_the_texts_is_escaped():
    old = "Xem thông báo tại trụ sở."
    new = 'Xem thông báo <script>alert("x")</script> tại trụ sở & nhà văn hóa.'
    html = render_html(word_diff(old, new))
    assert isinstance(html, Markup)
    assert "<ins>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</ins>" in html
    assert "<ins>&amp; nhà văn hóa</ins>" in html
    assert _only_our_tags(html)


def test_markup_changed_inside_a_tag_is_escaped_too():
    # "<", "b" and ">" are separate tokens, so a changed tag is escaped piece by piece.
    html = render_html(word_diff("Xem <b>thông báo</b>", "Xem <script>thông báo</script>\n"))
    assert html.startswith("Xem &lt;<del>b</del><ins>script</ins>&gt;")
    assert _only_our_tags(html)


def test_vietnamese_words_stay_whole():
    ops = word_diff("huyện Đak Đoa, tỉnh Gia Lai", "huyện Đắk Đoa, tỉnh Gia Lai")
    assert ops == [
        ("equal", "huyện "),
        ("delete", "Đak "),
        ("insert", "Đắk "),
        ("equal", "Đoa, tỉnh Gia Lai"),
    ]
    assert render_html(ops) == "huyện <del>Đak</del> <ins>Đắk</ins> Đoa, tỉnh Gia Lai"


def test_decomposed_diacritics_compare_equal_to_precomposed_ones():
    # Some Vietnamese keyboards type combining marks; the text looks the same.
    text = "Người dân đến điểm tiêm vắc xin phòng bệnh"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert word_diff(decomposed, text) == [("equal", text)]
    ops = word_diff(decomposed, text.replace("phòng", "chữa"))
    assert ("delete", "phòng ") in ops and ("insert", "chữa ") in ops


def test_punctuation_changes_do_not_strike_the_word():
    ops = word_diff("Xin chào bạn", "Xin chào, bạn")
    assert ops == [("equal", "Xin chào"), ("insert", ", "), ("equal", "bạn")]
    assert render_html(ops) == "Xin chào<ins>,</ins> bạn"
    assert stats(ops) == (0, 0)  # no word changed


def test_newlines_are_kept_and_rendered():
    old = f"{P1}\r\n{P3}"
    new = f"{P1}\n{P3}\n\nTin: Huyện Đoàn"
    ops = word_diff(old, new)
    assert _new_from(ops) == new
    assert ops[-1] == ("insert", "Tin: Huyện Đoàn")
    html = render_html(ops)
    assert html == f"{P1}<br>{P3}<br><br><ins>Tin: Huyện Đoàn</ins>"
    assert "\n" not in html and "\r" not in html


def test_a_whole_text_added_or_removed():
    assert word_diff("", "Thông báo mới") == [("insert", "Thông báo mới")]
    assert word_diff("Thông báo cũ", "") == [("delete", "Thông báo cũ")]
    assert stats(word_diff("Thông báo cũ", "")) == (3, 0)


def test_unknown_operations_are_refused():
    with pytest.raises(ValueError):
        render_html([("replace", "x")])
