"""webapp.sanitize: article bodies keep news markup and lose anything that could run script.

Needs no app and no database. The hostile payloads are in tests/data/xss (see its README);
each must come out inert, judged by parsing the output the way a browser would.
"""

import re
import time
from pathlib import Path

import pytest
from bleach._vendor import html5lib

from webapp.sanitize import clean_html, plain_text

DATA = Path(__file__).parent / "data"
WORD_PASTE = (DATA / "word-paste.html").read_text(encoding="utf-8")


def _payload_lines() -> dict[str, str]:
    """Every payload, by "file:line" (one payload a line; blank and # lines skipped)."""
    payloads = {}
    for path in sorted((DATA / "xss").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if line.strip() and not line.startswith("#"):
                payloads[f"{path.stem}:{number}"] = line
    return payloads


PAYLOAD_LINES = _payload_lines()
PAYLOADS = [pytest.param(line, id=name) for name, line in PAYLOAD_LINES.items()]

# --- what "inert" means ----------------------------------------------------------------------

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "button",
    "base", "link", "meta", "frame", "frameset", "applet", "template",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"style", "class", "id", "srcset", "formaction", "xlink:href"}
FORBIDDEN_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")


def _parse(html: str):
    """Parse as a browser would (scripting on), to an ElementTree fragment."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    return parser.parseFragment(html, container="div", scripting=True)


def _local(name: str) -> str:
    """A tag or attribute name without its namespace; an xlink attribute as xlink:name."""
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + name.split("}", 1)[1]
    return name.split("}", 1)[-1].lower()


def assert_inert(output: str, payload: str = "") -> None:
    context = f"\npayload: {payload!r}\noutput:  {output!r}"
    fragment = _parse(output)
    for element in fragment.iter():
        if element is fragment:
            continue
        if not isinstance(element.tag, str):  # comments
            raise AssertionError(f"comment left in output{context}")
        name = _local(element.tag)
        assert name not in FORBIDDEN_ELEMENTS, f"<{name}> in output{context}"
        assert element.tag == name, f"foreign element {element.tag} in output{context}"
        for raw_name, value in element.attrib.items():
            attr = _local(raw_name)
            assert not attr.startswith("on"), f"event attribute {attr}{context}"
            assert attr not in FORBIDDEN_ATTRIBUTES, f"attribute {attr}{context}"
            if attr in ("href", "src"):
                url = _IGNORED_IN_URL.sub("", value).lower()
                assert not url.startswith(FORBIDDEN_SCHEMES), f"{attr}={value!r}{context}"
        if name == "img":
            assert element.get("src", "").strip().startswith("/tep/"), f"img src{context}"


# --- the payload lists ----------------------------------------------------------------------


def test_payload_lists_are_there():
    assert len(PAYLOAD_LINES) == 199


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert(payload):
    assert_inert(clean_html(payload), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_leaves_markup_before_it_alone(payload):
    before = '<p><b>Trước</b> <a href="/tin/1">tin</a></p>'
    output = clean_html(before + payload + "<p><i>Sau</i></p>")
    assert_inert(output, payload)
    assert output.startswith(
        '<p><b>Trước</b> <a href="/tin/1" rel="noopener noreferrer">tin</a></p>'
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_cleaning_is_stable(payload):
    once = clean_html(payload)
    assert clean_html(once) == once


#: Allowed markup a payload may find itself in: parsing rules differ in each.
CONTEXTS = {
    "pre": "<pre>{}</pre>",
    "table": "<table><tr><td>{}</td></tr></table>",
    "list": "<ul><li>{}</li></ul>",
    "link": '<a href="/tin/1">{}</a>',
    "heading": "<h1>{}</h1>",
    "word list": "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>{}</p>",
    "word bullet": "<p><span lang=VI><![if !supportLists]>·{}<![endif]>x</span></p>",
}


@pytest.mark.parametrize("context", list(CONTEXTS))
def test_payloads_in_context_are_inert_and_stable(context):
    for name, payload in PAYLOAD_LINES.items():
        output = clean_html(CONTEXTS[context].format(payload))
        assert_inert(output, payload)
        assert clean_html(output) == output, name


# --- hand-written hostile cases --------------------------------------------------------------

HOSTILE = {
    "tab in scheme": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "newline in scheme": '<a href="java\nscript:alert(1)">x</a>',
    "entity scheme": '<a href="&#106;avascript:alert(1)">x</a>',
    "colon entity": '<a href="javascript&colon;alert(1)">x</a>',
    "leading control char": '<a href="\x01javascript:alert(1)">x</a>',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "img onerror": "<img src=x onerror=alert(1)>",
    "ours with onerror": '<img src="/tep/a.jpg" onerror="alert(1)">',
    "svg script": "<svg><script>alert(1)</script></svg>",
    "style url": '<div style="background:url(javascript:alert(1))">x</div>',
    "protocol-relative link": '<a href="//evil.example/">x</a>',
    "backslash link": '<a href="/\\evil.example/">x</a>',
    "foreign image": '<img src="https://evil.example/x.png">',
    "protocol-relative image": '<img src="//evil.example/tep/x.png">',
    "dot-dot image": '<img src="/tep/../../etc/passwd">',
    "encoded dot-dot image": '<img src="/tep/%2e%2e/%2e%2e/etc/passwd">',
    "backslash image": '<img src="/tep/..\\x.png">',
    "data image": '<img src="data:image/svg+xml;base64,PHN2Zy8+">',
    "srcset": '<img src="/tep/a.jpg" srcset="https://evil.example/x.png 2x">',
    "math mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "unclosed script": "<script>alert(1)",
    "unclosed script in paragraph": "<p>a<script>alert(1)</p><p>b</p>",
    "nested script tags": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "comment trick": "<!--><script>alert(1)</script>-->",
    "conditional comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "downlevel revealed": "<![if !supportLists]><script>alert(1)</script><![endif]>",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "form action": '<form action="javascript:alert(1)"><button>x</button></form>',
    "formaction": '<button formaction="javascript:alert(1)">x</button>',
    "base": '<base href="javascript:alert(1)//">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "template": "<template><img src=x onerror=alert(1)></template>",
    "svg xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "td background": '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    "target blank": '<a href="https://example.vn/" target="_blank" rel="opener">x</a>',
    "id and class": '<p id="x" class="MsoNormal" title="t">x</p>',
    "xmp": "<xmp><script>alert(1)</script></xmp>",
    "plaintext": "<plaintext><script>alert(1)</script>",
    "textarea breakout": "<textarea></textarea><script>alert(1)</script>",
    "title breakout": "<title><img src=x onerror=alert(1)></title>",
    "style breakout": "<style><img src=x onerror=alert(1)></style>",
    "select": "<select><option><img src=x onerror=alert(1)></option></select>",
}


@pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_case_is_inert(payload):
    output = clean_html(payload)
    assert_inert(output, payload)
    assert "alert" not in _visible_markup(output), output
    assert clean_html(output) == output


def _visible_markup(output: str) -> str:
    """The output's tags and attributes, without its text (where "alert(1)" may be left)."""
    return "".join(re.findall(r"<[^>]*>", output))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', "x"),
        ("<img src=x onerror=alert(1)>", ""),
        ("<svg><script>alert(1)</script></svg>ok", "ok"),
        ('<div style="background:url(javascript:alert(1))">x</div>', "<div>x</div>"),
        ('<a href="//evil.example/">x</a>', "x"),
        ('<img src="https://evil.example/x.png">', ""),
        ('<img src="/tep/../../etc/passwd">', ""),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        # A browser reads <noscript> as raw text up to "</noscript>": the <img> is real (and
        # removed, not ours), the '">' after it is text.
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '"&gt;'),
        ("<p>a<script>alert(1)</p><p>b</p>", "<p>a</p>"),
        ("<p>a</p><script>alert(1)", "<p>a</p>"),
        ('<img src="/tep/a.jpg" onerror="alert(1)">', '<img src="/tep/a.jpg">'),
        ("<p>Trước<style>p{color:red}</style> sau</p>", "<p>Trước sau</p>"),
        ("<p>x<!-- ghi chú --></p>", "<p>x</p>"),
        ("<xml><o:Doc>1</o:Doc></xml><p>x</p>", "<p>x</p>"),
    ],
)
def test_hostile_exact_output(html, expected):
    assert clean_html(html) == expected


# --- allowed markup survives ----------------------------------------------------------------

KEEP = 'rel="noopener noreferrer"'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h2>Tiêu đề</h2><h3>Mục</h3><h4>Ý</h4>", "<h2>Tiêu đề</h2><h3>Mục</h3><h4>Ý</h4>"),
        ("<h1>Tiêu đề</h1>", "<h2>Tiêu đề</h2>"),
        ("<h5>a</h5><h6>b</h6>", "<h4>a</h4><h4>b</h4>"),
        (
            "<p><strong>a</strong><b>b</b><em>c</em><i>d</i><u>e</u><s>f</s>H<sub>2</sub>O"
            " x<sup>2</sup> <code>g</code></p>",
            "<p><strong>a</strong><b>b</b><em>c</em><i>d</i><u>e</u><s>f</s>H<sub>2</sub>O"
            " x<sup>2</sup> <code>g</code></p>",
        ),
        ("<del>cũ</del><strike>bỏ</strike>", "<s>cũ</s><s>bỏ</s>"),
        ("<ul><li>một</li><li>hai</li></ul>", "<ul><li>một</li><li>hai</li></ul>"),
        ("<ol><li>một</li></ol>", "<ol><li>một</li></ol>"),
        (
            '<table><caption>Bảng 1</caption><thead><tr><th colspan="2">Đơn vị</th></tr></thead>'
            '<tbody><tr><td rowspan="2" width="50">A</td><td>1</td></tr></tbody>'
            "<tfoot><tr><td>Σ</td></tr></tfoot></table>",
            '<table><caption>Bảng 1</caption><thead><tr><th colspan="2">Đơn vị</th></tr></thead>'
            '<tbody><tr><td rowspan="2">A</td><td>1</td></tr></tbody>'
            "<tfoot><tr><td>Σ</td></tr></tfoot></table>",
        ),
        ("<blockquote><p>Trích</p></blockquote>", "<blockquote><p>Trích</p></blockquote>"),
        (
            '<figure><img src="/tep/ab/cd.jpg" alt="x"><figcaption>Ảnh: TTVH</figcaption></figure>',
            '<figure><img src="/tep/ab/cd.jpg" alt="x"><figcaption>Ảnh: TTVH</figcaption></figure>',
        ),
        (
            '<img src="/tep/ab/cd.jpg" alt="x" width="800" height="600" title="t">',
            '<img src="/tep/ab/cd.jpg" alt="x" width="800" height="600">',
        ),
        ('<img src="/tep/a.jpg" width="100%">', '<img src="/tep/a.jpg">'),
        ("<pre>a  b\n  c</pre><hr>", "<pre>a  b\n  c</pre><hr>"),
        (
            "<div>Dòng 1<br>Dòng 2</div><div><br></div>",
            "<div>Dòng 1<br>Dòng 2</div><div><br></div>",
        ),
        (
            '<a href="https://dakdoa.gialai.gov.vn/?a=1&amp;b=2" title="Cổng">x</a>',
            f'<a href="https://dakdoa.gialai.gov.vn/?a=1&amp;b=2" title="Cổng" {KEEP}>x</a>',
        ),
        ('<a href="http://a.vn">x</a>', f'<a href="http://a.vn" {KEEP}>x</a>'),
        ('<a href="mailto:bbt@a.vn">x</a>', f'<a href="mailto:bbt@a.vn" {KEEP}>x</a>'),
        ('<a href="tel:+842693831234">x</a>', f'<a href="tel:+842693831234" {KEEP}>x</a>'),
        ('<a href="/tin/12-hoi-nghi">x</a>', f'<a href="/tin/12-hoi-nghi" {KEEP}>x</a>'),
        (
            '<a href="https://a.vn/" target="_blank" rel="opener">x</a>',
            f'<a href="https://a.vn/" {KEEP}>x</a>',
        ),
        ('<a href="tin.html">x</a> <a href="#muc">y</a> <a name="_GoBack"></a>', "x y"),
        ("<p>a &amp; b &lt;c&gt; &nbsp;d</p>", "<p>a &amp; b &lt;c&gt; \xa0d</p>"),
        ("<p>Một\ndòng   dài</p>\n\n<p>Hai</p>", "<p>Một dòng dài</p>\n<p>Hai</p>"),
        ('<p class="x" style="color:red" id="y" onclick="z()">x</p>', "<p>x</p>"),
        ("<span style='font-size:14pt'><font face=Arial>chữ</font></span>", "chữ"),
    ],
)
def test_allowed_markup(html, expected):
    assert clean_html(html) == expected
    assert clean_html(expected) == expected


def test_trix_document():
    trix = (
        "<div><!--block-->Tin <strong>nóng</strong><br><br>Đoạn hai</div>"
        '<figure data-trix-attachment="{&quot;url&quot;:&quot;/tep/ab/cd.jpg&quot;}"'
        ' data-trix-content-type="image/jpeg" class="attachment attachment--preview">'
        '<img src="/tep/ab/cd.jpg" width="800" height="600">'
        '<figcaption class="attachment__caption">Toàn cảnh hội nghị</figcaption></figure>'
        "<h1><!--block-->Mục</h1><blockquote><!--block-->Trích dẫn</blockquote>"
        "<ul><li><!--block-->một</li></ul><div><!--block--><del>cũ</del></div>"
    )
    assert clean_html(trix) == (
        "<div>Tin <strong>nóng</strong><br><br>Đoạn hai</div>"
        '<figure><img src="/tep/ab/cd.jpg" width="800" height="600">'
        "<figcaption>Toàn cảnh hội nghị</figcaption></figure>"
        "<h2>Mục</h2><blockquote>Trích dẫn</blockquote>"
        "<ul><li>một</li></ul><div><s>cũ</s></div>"
    )


def test_pre_keeps_its_spaces_and_loses_only_leading_newlines():
    assert clean_html("<pre>\n\n  a  b\n\n  c\n</pre>") == "<pre>  a  b\n\n  c\n</pre>"
    assert clean_html("<table><tr><td><pre><span></span>\n\nx</pre>") == (
        "<table><tbody><tr><td><pre>x</pre></td></tr></tbody></table>"
    )


def test_content_a_table_pushes_out_is_stable():
    # html5lib builds <li> inside <li> here, which parses back as two siblings.
    html = "<form><ul><li><table><p><li><caption> x <link href=/a>&nbsp;"
    once = clean_html(html)
    assert once == "<ul><li></li><li></li><table><caption> x \xa0</caption></table></ul>"
    assert clean_html(once) == once


def test_unwrapped_blocks_do_not_glue_words():
    assert clean_html("<center>một</center>hai<section>ba</section>") == "một hai ba"
    assert plain_text("<center>một</center>hai<section>ba</section>") == "một\nhai\nba"


def test_empty_paragraphs_collapse():
    html = "<p>a</p><p>&nbsp;</p><p><o:p></o:p></p><p><span> </span></p><div></div><p>b</p>"
    assert clean_html(html) == "<p>a</p><p>b</p>"


def test_empty_input():
    assert clean_html(None) == ""
    assert clean_html("") == ""
    assert clean_html("   ") == ""
    assert plain_text(None) == ""
    assert plain_text("") == ""


def test_nesting_within_the_limit_is_kept():
    html = "<div>" * 300 + "<p>sâu</p>" + "</div>" * 300
    assert clean_html(html) == "<div>" * 300 + "<p>sâu</p>" + "</div>" * 300
    assert plain_text(html) == "sâu"


def test_nesting_beyond_the_limit_keeps_only_text_and_is_quick():
    # html5lib is quadratic in nesting depth: 5000 levels would take seconds, 100 000 hours.
    html = (
        "<p>Đầu &amp; đuôi</p>"
        + "<div>" * 100_000
        + "<h2>Giữa</h2><script>alert(1)</script><style>p{}</style><svg><text>s</text></svg>"
        + "<span>" * 5000
        + "<b>Cuối</b>"
    )
    started = time.monotonic()
    assert clean_html(html) == "<p>Đầu &amp; đuôi</p><p>Giữa</p><p>Cuối</p>"
    assert plain_text(html) == "Đầu & đuôi\nGiữa\nCuối"
    assert time.monotonic() - started < 10


# --- a paste from Word ----------------------------------------------------------------------


def test_word_paste_loses_word_markup():
    output = clean_html(WORD_PASTE)
    assert_inert(output)
    for junk in ("mso", "Mso", "{", "}", "<o:p", "<span", "<font", "<xml", "<style", "lang=",
                 "file:", "v:shape", "WordDocument", "Cambria", "supportLists", "endif",
                 "·", "Tin hội nghị"):  # fmt: skip
        assert junk not in output, junk


def test_word_paste_keeps_the_article():
    output = clean_html(WORD_PASTE)
    assert output.startswith(
        "<h2>Huyện Đak Đoa tổng kết công tác thông tin tuyên truyền 6 tháng đầu năm</h2>"
    )
    assert "<i>(Đak Đoa, ngày 29/7/2021)</i> – Sáng nay, Ban Biên tập" in output
    assert "<b>hội nghị sơ kết</b>" in output
    assert "<i>“Mỗi cơ quan, đơn vị phải coi việc cung cấp thông tin" in output
    assert (
        "<ul><li>Một số đơn vị chưa gửi tin đúng định mức 2 tin/tháng;</li>\n"
        "<li>Chất lượng ảnh minh họa còn hạn chế;</li>\n"
        "<li>Việc chi trả <i>nhuận bút</i> có lúc còn chậm.</li></ul>"
    ) in output
    assert (
        "<ol><li>Nâng cao chất lượng tin, bài phản ánh hoạt động ở cơ sở;</li>\n"
        "<li>Đôn đốc các đơn vị gửi tin đúng hạn.</li></ol>"
    ) in output
    assert "<table>" in output and "<td>" in output
    assert "<p>Phòng Nông nghiệp và PTNT</p>" in output
    assert (
        '<a href="https://dakdoa.gialai.gov.vn/" rel="noopener noreferrer">'
        "Cổng thông tin điện tử huyện</a>.<br>"
    ) in output
    assert output.count("<br>") == 1  # Word's second, fallback <br> is gone
    assert "<b><i>Minh Châu (Trung tâm VH-TT&amp;TT)</i></b>" in output
    assert "<img" not in output  # the picture pointed at the author's disk
    assert "<p></p>" not in output and "<p>\xa0</p>" not in output


def test_word_lists_become_lists():
    html = (
        "<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'>"
        "<![if !supportLists]><span>a)<span>&nbsp;</span></span><![endif]>Một</p>\n"
        "<!--x--><p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'>"
        "<![if !supportLists]>b)<![endif]>Hai</p><p>Sau</p>"
        "<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><![if !supportLists]>"
        "<span style='font-family:Symbol'>·</span><![endif]>Ba"
    )
    assert clean_html(html) == "<ol><li>Một</li>\n<li>Hai</li></ol><p>Sau</p><ul><li>Ba</li></ul>"
    assert plain_text(html) == "Một\nHai\nSau\nBa"


def test_mangled_word_fallback_keeps_its_text():
    # No "[endif]" among the next few siblings: nothing is skipped.
    assert clean_html("<p><![if !supportLists]>Giữ <b>lại</b></p>") == "<p>Giữ <b>lại</b></p>"


def test_word_paste_cleaning_is_stable():
    once = clean_html(WORD_PASTE)
    assert clean_html(once) == once


# --- plain_text -----------------------------------------------------------------------------


def test_plain_text_lines_and_entities():
    html = (
        "<h2>Tiêu&nbsp;đề</h2><p>Một &amp; hai &lt;ba&gt;</p><div>Dòng 1<br>Dòng 2</div>"
        "<ul><li>a</li><li>b</li></ul><p>c <b>đậm</b>   và\n<i>nghiêng</i></p>"
    )
    assert plain_text(html) == ("Tiêu đề\nMột & hai <ba>\nDòng 1\nDòng 2\na\nb\nc đậm và nghiêng")


def test_plain_text_drops_code_and_styling():
    html = (
        "<p>a<script>alert(1)</script></p><style>p{color:red}</style><!-- ghi chú -->"
        "<p>b<noscript>bật JS</noscript></p><template>t</template><svg><text>s</text></svg>"
    )
    assert plain_text(html) == "a\nb"


def test_plain_text_tables_and_quotes():
    html = (
        "<table><tr><th>Đơn vị</th><th>Số tin</th></tr><tr><td>Công an</td><td>14</td></tr>"
        "</table><blockquote>Trích</blockquote><figure><img src='/tep/a.jpg'>"
        "<figcaption>Ảnh</figcaption></figure>"
    )
    assert plain_text(html) == "Đơn vị Số tin\nCông an 14\nTrích\nẢnh"


def test_plain_text_of_word_paste_matches_its_cleaned_body():
    text = plain_text(WORD_PASTE)
    assert text == plain_text(clean_html(WORD_PASTE))
    assert "mso" not in text and "{" not in text and "·" not in text
    assert text.splitlines()[0] == (
        "Huyện Đak Đoa tổng kết công tác thông tin tuyên truyền 6 tháng đầu năm"
    )
    assert "Một số đơn vị chưa gửi tin đúng định mức 2 tin/tháng;" in text.splitlines()
    assert "Minh Châu (Trung tâm VH-TT&TT)" in text.splitlines()


# --- the module boundary --------------------------------------------------------------------


def test_only_sanitize_imports_bleach():
    webapp = Path(__file__).parents[1] / "webapp"
    importers = [
        str(path.relative_to(webapp))
        for path in webapp.rglob("*.py")
        if re.search(r"^\s*(import|from)\s+bleach\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importers == ["sanitize.py"]
