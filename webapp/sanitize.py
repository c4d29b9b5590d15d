"""Article HTML sanitising: the one module that decides what markup a body may hold.

It is also the only module that imports bleach. ``clean_html`` runs in three steps:

1. **Tidy** (html5lib, the copy bundled with bleach, into a minidom tree). Drop whole the
   elements whose content is not article text (script, style, Word's ``<xml>``, SVG, ...)
   and all comments, including Word's conditional ones; drop Word's fake list bullets and
   turn its list paragraphs into real lists; rename headings and strike-through tags onto
   the allowlist; remove images that are not ours; collapse empty paragraphs. bleach with
   ``strip=True`` would keep the text of a ``<style>`` or ``<script>``, which is why this
   step exists.
2. **Sanitise** (bleach). The allowlist below is the security boundary: whatever step 1
   did or missed, only these tags, attributes and URLs come out.
3. **Finish** (bleach filters, run on bleach's output stream): every link gets
   ``rel="noopener noreferrer"``, a link whose href was refused is unwrapped, an image whose
   src was refused is removed; white space is collapsed as a browser would show it.

The allowlist (news article bodies, as written in Trix or pasted from Word):

* blocks: p, div (Trix writes div + br), h2, h3, h4, blockquote, pre, hr, ul, ol, li,
  figure, figcaption, table, caption, thead, tbody, tfoot, tr, th, td;
* inline: br, strong, b, em, i, u, s, sub, sup, code, a, img;
* attributes: a href/title, img src/alt/width/height, td/th colspan/rowspan. Nothing else:
  no style, class, id, data-*, event handler or target attribute;
* h1 becomes h2 (the article title is the page's h1), h5 and h6 become h4, del and strike
  (Trix writes del) become s;
* links: http, https, mailto, tel, or a site-relative path ("/..." but not "//...");
* images: only our own uploads, a path under "/tep/" (no scheme, host, "//", ".." or
  backslash); any other image is removed whole.

Output is stable: ``clean_html(clean_html(x)) == clean_html(x)``.
"""

from __future__ import annotations

import html
import re
import threading
from urllib.parse import unquote
from xml.dom import Node
from xml.dom.minidom import DocumentFragment, Element

import bleach
from bleach import html5lib_shim

# bleach 6 bundles html5lib 1.1; using that copy keeps one parser in the project.
from bleach._vendor import html5lib
from bleach._vendor.html5lib._tokenizer import HTMLTokenizer
from bleach._vendor.html5lib.constants import tokenTypes as _TOKEN
from bleach._vendor.html5lib.constants import voidElements as _VOID
from bleach._vendor.html5lib.serializer import HTMLSerializer

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "UPLOADS_PREFIX",
    "clean_html",
    "is_allowed_href",
    "is_upload_src",
    "plain_text",
]

ALLOWED_TAGS = frozenset(
    {
        "p", "div", "br", "h2", "h3", "h4", "blockquote", "pre", "hr",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "code",
        "ul", "ol", "li", "a", "img", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

#: Tags renamed onto the allowlist before bleach sees them.
RENAMED_TAGS = {"h1": "h2", "h5": "h4", "h6": "h4", "del": "s", "strike": "s"}

ALLOWED_ATTRIBUTES = {
    "a": ("href", "title"),
    "img": ("src", "alt", "width", "height"),
    "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"),
}

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

#: Where the app serves uploaded files; the only place an article image may come from.
UPLOADS_PREFIX = "/tep/"

#: Elements whose content is not article text (code, styling, document metadata, embedded
#: objects, foreign SVG/MathML markup, form controls): dropped with everything inside.
#: Any other element that is not allowed is unwrapped, its text kept.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "xml", "head", "title", "template", "noscript",
        "iframe", "object", "embed", "applet", "frameset", "frame", "noframes", "noembed",
        "svg", "math", "audio", "video", "canvas",
        "button", "select", "datalist", "textarea",
    }
)  # fmt: skip

#: Word's downlevel-revealed blocks (``<![if !cond]>...<![endif]>``) whose content is a
#: stand-in for something Word draws itself: the bullet or number of a list item, and a
#: second <br> at the end of a paragraph.
WORD_FALLBACKS = frozenset({"!supportlists", "!supportlinebreaknewline"})

_HTML_NS = html5lib.constants.namespaces["html"]
_BLANK = " \t\n\r\f\v\xa0\u200b\ufeff"
_ASCII_SPACE = " \t\n\r\f"
_SPACES = re.compile(r"[ \t\n\r\f]+")
_NUMBERED_MARKER = re.compile(r"^\(?(\d{1,3}|[a-z]|[ivxlcdm]{1,6})[.)]$", re.IGNORECASE)
_WORD_LIST_STYLE = re.compile(r"mso-list\s*:\s*l\d", re.IGNORECASE)
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_SMALL_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")


# --- public API ---------------------------------------------------------------------------


def clean_html(html_text: str | None) -> str:
    """Sanitise an article body to the news allowlist (see the module docstring)."""
    if not html_text:
        return ""
    try:
        fragment = _parse(html_text)
    except _TooDeep:
        # Keep the text, one paragraph per block, and clean that (it is shallow).
        lines = _text_lines_by_tokens(html_text)
        return clean_html("".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines))
    _tidy(fragment)
    tidied = _SERIALIZER.render(_WALKER(fragment))
    return _cleaner().clean(tidied).strip()


def plain_text(html_text: str | None) -> str:
    """The readable text of a body, for search, duplicate detection and word diffs.

    Tags are removed and entities decoded; block elements (p, div, br, li, headings, table
    rows, ...) end a line; runs of spaces, including no-break spaces, collapse to one; blank
    lines are dropped. Script, style and the other dropped elements contribute nothing.
    """
    if not html_text:
        return ""
    try:
        fragment = _parse(html_text)
    except _TooDeep:
        return "\n".join(_text_lines_by_tokens(html_text))
    _tidy(fragment)
    parts: list[str] = []
    # Iterative walk: hostile input can nest deeper than Python's recursion limit.
    stack: list[Node | str] = [fragment]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif item.nodeType == Node.TEXT_NODE:
            parts.append(re.sub(r"\s+", " ", item.data))  # a newline in text is a space
        elif item.nodeType in (Node.ELEMENT_NODE, Node.DOCUMENT_FRAGMENT_NODE):
            name = _name(item) if item.nodeType == Node.ELEMENT_NODE else ""
            separator = "\n" if name in _TEXT_BLOCKS else " " if name in ("td", "th") else ""
            stack.append(separator)
            stack.extend(reversed(item.childNodes))
            stack.append(separator)
    return "\n".join(_lines("".join(parts)))


_TEXT_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
        "figure", "figcaption", "caption", "pre", "hr", "ul", "ol", "table", "dl", "dt", "dd",
        "section", "article", "header", "footer", "aside", "address", "main", "nav",
    }
)  # fmt: skip


def _lines(text: str) -> list[str]:
    """Non-blank lines, each with its runs of white space (no-break spaces too) made one."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


# --- nesting too deep for html5lib ----------------------------------------------------------

#: html5lib's tree building takes time quadratic in how deeply elements nest (start tags
#: search the stack of open elements), so 100 000 nested <div>s would hold a worker for
#: hours. Trix and Word nest a few levels; beyond this many, only the text is kept.
MAX_DEPTH = 400


class _TooDeep(Exception):
    """The markup nests deeper than MAX_DEPTH."""


class _DepthLimitedStack(list):
    def append(self, element):
        if len(self) >= MAX_DEPTH:
            raise _TooDeep
        super().append(element)


class _TreeBuilder(html5lib.getTreeBuilder("dom")):
    """html5lib's minidom tree builder, giving up past MAX_DEPTH open elements."""

    def reset(self):
        super().reset()
        self.openElements = _DepthLimitedStack()


def _text_lines_by_tokens(html_text: str) -> list[str]:
    """The text of markup too deep to build a tree of, from html5lib's tokenizer (linear).

    Like plain_text, but cruder: a block tag ends a line and the content of the elements in
    DROPPED_WITH_CONTENT is skipped; the tokenizer is switched into raw text after <script>,
    <style> etc. the way html5lib's parser does it.
    """
    tokenizer = HTMLTokenizer(html_text)
    raw_text_states = {
        "script": tokenizer.scriptDataState,
        "style": tokenizer.rawtextState, "xmp": tokenizer.rawtextState,
        "iframe": tokenizer.rawtextState, "noembed": tokenizer.rawtextState,
        "noframes": tokenizer.rawtextState, "noscript": tokenizer.rawtextState,
        "textarea": tokenizer.rcdataState, "title": tokenizer.rcdataState,
        "plaintext": tokenizer.plaintextState,
    }  # fmt: skip
    parts: list[str] = []
    skipping = 0  # how many DROPPED_WITH_CONTENT elements are open
    for token in tokenizer:
        kind, name = token["type"], token.get("name", "").lower()
        if kind in (_TOKEN["Characters"], _TOKEN["SpaceCharacters"]) and not skipping:
            parts.append(token["data"])
        elif kind == _TOKEN["StartTag"]:
            if name in raw_text_states:
                tokenizer.state = raw_text_states[name]
            if name in DROPPED_WITH_CONTENT and name not in _VOID and not token["selfClosing"]:
                skipping += 1
        elif kind == _TOKEN["EndTag"] and name in DROPPED_WITH_CONTENT and skipping:
            skipping -= 1
        if kind in (_TOKEN["StartTag"], _TOKEN["EndTag"]) and name in _TEXT_BLOCKS:
            parts.append("\n")
    return _lines("".join(parts))


# --- step 1: tidy the tree ----------------------------------------------------------------

_SERIALIZER = HTMLSerializer(omit_optional_tags=False, quote_attr_values="always")
_WALKER = html5lib.getTreeWalker("dom")


def _parse(html_text: str) -> DocumentFragment:
    parser = html5lib.HTMLParser(tree=_TreeBuilder, namespaceHTMLElements=False)
    # scripting=True parses <noscript> the way browsers do (as raw text), as bleach does.
    return parser.parseFragment(html_text, container="div", scripting=True)


def _name(element: Element) -> str:
    """The element's tag name; "" for SVG and MathML elements, which are never kept.

    Uses tagName, not localName: minidom splits Word's "o:p" into prefix "o", localName "p".
    """
    if element.namespaceURI not in (None, _HTML_NS):
        return ""
    return element.tagName.lower()


def _descendants(root: Node) -> list[Node]:
    """All nodes under root in document order, as a list so the tree can change meanwhile."""
    found: list[Node] = []
    stack = list(reversed(root.childNodes))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.childNodes))
    return found


def _tidy(root: DocumentFragment) -> None:
    markers = _drop_comments(root)
    for node in _descendants(root):
        if node.nodeType != Node.ELEMENT_NODE or node.parentNode is None:
            continue
        name = _name(node)
        if not name or name in DROPPED_WITH_CONTENT:
            _remove(node)
        elif name == "img" and not is_upload_src(node.getAttribute("src")):
            _remove(node)
        elif name in RENAMED_TAGS:
            _rename(node, RENAMED_TAGS[name])
    _make_word_lists(root, markers)
    _drop_empty_blocks(root)


def _drop_comments(root: DocumentFragment) -> dict[Element, str]:
    """Remove every comment, and the content of Word's fallback blocks.

    Word's conditional comments come in two kinds. ``<!--[if gte mso 9]>...<![endif]-->``
    is one comment and goes with all it holds (Word's <xml>, VML shapes). The
    "downlevel-revealed" kind, ``<![if !supportLists]>bullet<![endif]>``, parses as two
    comments around ordinary content; for WORD_FALLBACKS that content goes too.

    Returns the text of each removed list bullet ("·", "1.", "a)") by its paragraph, so that
    _make_word_lists can tell bulleted lists from numbered ones.
    """
    markers: dict[Element, str] = {}
    for node in _descendants(root):
        if node.nodeType != Node.COMMENT_NODE or node.parentNode is None:
            continue
        condition = re.fullmatch(r"\[if\s+([^\]]*)\]", node.data.strip())
        if condition and condition.group(1).strip().lower() in WORD_FALLBACKS:
            fallback = _siblings_until_endif(node)
            text = "".join(_text(n) for n in fallback).strip(_BLANK)
            for sibling in fallback:
                _remove(sibling)
            paragraph = _ancestor(node, "p")
            if paragraph is not None and "supportlists" in condition.group(1).lower():
                markers[paragraph] = text
        _remove(node)
    return markers


def _siblings_until_endif(start: Node) -> list[Node]:
    """The siblings between a downlevel-revealed "[if ...]" and its "[endif]".

    Returns nothing when the "[endif]" is not a sibling (the markup was mangled), so that a
    broken block never eats the rest of a paragraph.
    """
    between: list[Node] = []
    node = start.nextSibling
    while node is not None:
        if node.nodeType == Node.COMMENT_NODE and node.data.strip().lower() == "[endif]":
            return between
        between.append(node)
        node = node.nextSibling
    return []


def _make_word_lists(root: DocumentFragment, markers: dict[Element, str]) -> None:
    """Turn Word's list paragraphs into <ul>/<ol> with <li> items.

    Word writes a list as a run of <p class=MsoListParagraph... style="mso-list:l0 level1
    lfo1"> whose bullet or number is plain text (removed by _drop_comments). Consecutive
    such paragraphs become one list, ordered when the first marker looks like "1." or "a)".
    Nesting levels are flattened.
    """
    current: Element | None = None
    for node in _descendants(root):
        if node.nodeType != Node.ELEMENT_NODE or _name(node) != "p" or not _is_word_item(node):
            continue
        if current is None or _previous_element(node) is not current:
            numbered = bool(_NUMBERED_MARKER.match(markers.get(node, "")))
            current = node.ownerDocument.createElement("ol" if numbered else "ul")
            node.parentNode.insertBefore(current, node)
        item = _rename(node, "li")
        current.appendChild(item)


def _is_word_item(paragraph: Element) -> bool:
    css_class = paragraph.getAttribute("class").lower()
    return css_class.startswith("msolistparagraph") or bool(
        _WORD_LIST_STYLE.search(paragraph.getAttribute("style"))
    )


def _drop_empty_blocks(root: DocumentFragment) -> None:
    """Remove paragraphs, divs and headings with no text, such as Word's <p>&nbsp;</p>.

    A block holding a <br> or an image stays: Trix writes a blank line as <div><br></div>.
    Walked in reverse document order, children before their parents, so a block emptied by
    removing its children goes too, in one linear pass.
    """
    filled: set[Node] = set()  # nodes with text, a <br>, <img> or <hr> inside
    for node in reversed(_descendants(root)):
        if node.nodeType == Node.TEXT_NODE:
            if node.data.strip(_BLANK):
                filled.add(node)
        elif node.nodeType == Node.ELEMENT_NODE:
            name = _name(node)
            if name in ("br", "img", "hr") or any(c in filled for c in node.childNodes):
                filled.add(node)
            elif name in ("p", "div", "h2", "h3", "h4"):
                _remove(node)


# small minidom helpers


def _text(node: Node) -> str:
    if node.nodeType == Node.TEXT_NODE:
        return node.data
    return "".join(n.data for n in _descendants(node) if n.nodeType == Node.TEXT_NODE)


def _remove(node: Node) -> None:
    node.parentNode.removeChild(node)


def _rename(element: Element, name: str) -> Element:
    """Replace element by a new, attribute-less one called name, holding its children."""
    renamed = element.ownerDocument.createElement(name)
    while element.firstChild is not None:
        renamed.appendChild(element.firstChild)
    element.parentNode.replaceChild(renamed, element)
    return renamed


def _ancestor(node: Node, name: str) -> Element | None:
    node = node.parentNode
    while node is not None and node.nodeType == Node.ELEMENT_NODE:
        if _name(node) == name:
            return node
        node = node.parentNode
    return None


def _previous_element(node: Node) -> Node | None:
    """The previous sibling, skipping whitespace-only text."""
    node = node.previousSibling
    while node is not None and node.nodeType == Node.TEXT_NODE and not node.data.strip(_BLANK):
        node = node.previousSibling
    return node


# --- step 2: the allowlist, and URL rules -------------------------------------------------


def is_allowed_href(value: str) -> bool:
    """Whether a link target is http(s), mailto, tel, or a path on this site.

    Entities are decoded and whitespace and control characters removed first, as a browser
    would (it ignores tabs and newlines inside a URL: "jav&#x09;ascript:" is "javascript:").
    "//host" and "/\\host" are other sites to a browser, so they are refused.
    """
    url = _URL_IGNORED.sub("", html.unescape(value)).lower()
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme.group(1) in LINK_SCHEMES
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def is_upload_src(value: str | None) -> bool:
    """Whether an image src is a path under UPLOADS_PREFIX, and nothing cleverer.

    Refused: any whitespace or control character inside, "//", "..", a backslash, also once
    percent-decoded (browsers read "%2e%2e" as "..").
    """
    if not value:
        return False
    url = unquote(html.unescape(value).strip(" \t\n\r\f"))
    if not url.startswith(UPLOADS_PREFIX) or _URL_IGNORED.search(url):
        return False
    return not any(bad in url for bad in ("//", "..", "\\"))


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """bleach's attribute callback: the allowlist, plus the URL and number rules."""
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if tag == "a" and name == "href":
        return is_allowed_href(value)
    if tag == "img" and name == "src":
        return is_upload_src(value)
    if name in ("width", "height", "colspan", "rowspan"):
        return bool(_SMALL_NUMBER.match(value))
    return True


class _LinksAndImages(html5lib_shim.Filter):
    """On bleach's output: rel on every link; no link or image left without its URL.

    bleach drops a refused href or src but keeps the element; here such a link is unwrapped
    (its text stays) and such an image removed.
    """

    def __iter__(self):
        kept_links: list[bool] = []  # one entry per open <a>: was its start tag kept?
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if name == "img" and kind in ("StartTag", "EmptyTag"):
                if (None, "src") not in token["data"]:
                    continue
            elif name == "a" and kind == "StartTag":
                keep = (None, "href") in token["data"]
                kept_links.append(keep)
                if not keep:
                    continue
                token["data"][(None, "rel")] = "noopener noreferrer"
            elif name == "a" and kind == "EndTag":
                if not (kept_links.pop() if kept_links else False):
                    continue
            yield token


class _CollapseWhitespace(html5lib_shim.Filter):
    """On bleach's output: white space collapsed as a browser shows it, except in <pre>.

    Word breaks its source lines mid-sentence. White space holding a newline becomes one
    newline when it is all the text between two tags (as between blocks), otherwise every
    run becomes one space. No-break spaces stay. Done here, after bleach has unwrapped the
    tags it strips, so that text then side by side is collapsed as one, and a second
    cleaning finds nothing more to do.
    """

    def __iter__(self):
        text: list[str] = []  # text tokens since the last tag or entity
        in_pre = 0
        for token in super().__iter__():
            if token["type"] in ("Characters", "SpaceCharacters"):
                text.append(token["data"])
                continue
            if text:
                yield {"type": "Characters", "data": self._collapse("".join(text), in_pre)}
                text = []
            if token.get("name") == "pre" and token["type"] in ("StartTag", "EndTag"):
                in_pre += 1 if token["type"] == "StartTag" else -1
            yield token
        if text:
            yield {"type": "Characters", "data": self._collapse("".join(text), in_pre)}

    @staticmethod
    def _collapse(text: str, in_pre: int) -> str:
        if in_pre:
            return text
        if "\n" in text and not text.strip(_ASCII_SPACE):
            return "\n"
        return _SPACES.sub(" ", text)


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    """One bleach Cleaner per thread: a Cleaner holds parser state and is not thread-safe."""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allow_attribute,
            protocols=LINK_SCHEMES,
            strip=True,
            strip_comments=True,
            filters=[_LinksAndImages, _CollapseWhitespace],
        )
    return cleaner
