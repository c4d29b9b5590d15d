"""Article HTML sanitising: the one module that decides what markup a body may hold.

It is also the only module that imports bleach. ``clean_html`` runs in three steps:

1. **Tidy**: parse with html5lib (the copy bundled with bleach) and read the tree back as
   tokens, leaving out comments (Word's conditional ones included) and Word's stand-in
   list bullets; leaving out, with all they hold, the elements whose content is not
   article text (script, style, Word's ``<xml>``, SVG, ...: bleach with ``strip=True``
   would keep their text, which is why this step exists) and images that are not ours;
   turning Word's list paragraphs into real lists; renaming h1, h5, h6, del and strike
   onto the allowlist; unwrapping every other element that is not allowed, and every link
   whose href is refused (their text stays).
2. **Sanitise** (bleach). The allowlist below is the security boundary: whatever step 1
   did or missed, only these tags, attributes and URLs come out.
3. **Finish** (filters on bleach's output stream): every link gets
   ``rel="noopener noreferrer"``; empty paragraphs (Word's ``<p>&nbsp;</p>``) are dropped;
   white space is collapsed as a browser would show it, and newlines starting a <pre>
   dropped (parsers disagree about them).

The allowlist (news article bodies, as written in Trix or pasted from Word):

* blocks: p, div (Trix writes div + br), h2, h3, h4, blockquote, pre, hr, ul, ol, li,
  figure, figcaption, table, caption, thead, tbody, tfoot, tr, th, td;
* inline: br, strong, b, em, i, u, s, sub, sup, code, a, img;
* attributes: a href/title, img src/alt/width/height, td/th colspan/rowspan (numbers only
  for the sizes and spans). Nothing else: no style, class, id, data-*, target or event
  handler attribute;
* h1 becomes h2 (the article's title is the page's h1), h5 and h6 become h4, del and strike
  become s (Trix writes del for strike-through);
* links: http, https, mailto, tel, or a path on this site ("/..." but not "//...");
* images: only our own uploads, a path under "/tep/" (no scheme, host, "//", "..",
  backslash or white space, also once percent-decoded); any other image goes whole.

Output is stable, ``clean_html(clean_html(x)) == clean_html(x)``: clean_html checks so by
cleaning its result again. Time is about linear in the input's length (a few seconds a
megabyte); markup nested deeper than MAX_DEPTH is reduced to its text.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from urllib.parse import unquote
from xml.dom import Node
from xml.dom.minidom import DocumentFragment, Element

import bleach
from bleach import html5lib_shim

# bleach 6 bundles html5lib 1.1; using that copy keeps one HTML parser in the project.
from bleach._vendor import html5lib
from bleach._vendor.html5lib._tokenizer import HTMLTokenizer
from bleach._vendor.html5lib.constants import tokenTypes as _TOKEN
from bleach._vendor.html5lib.constants import voidElements as _VOID
from bleach._vendor.html5lib.serializer import HTMLSerializer

from webapp.text import clean_multiline

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

#: Tags renamed onto the allowlist.
RENAMED_TAGS = {"h1": "h2", "h5": "h4", "h6": "h4", "del": "s", "strike": "s"}

ALLOWED_ATTRIBUTES = {
    "a": ("href", "title"),
    "img": ("src", "alt", "width", "height"),
    "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"),
}

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

#: Where the app serves uploaded files: the only place an article's images may come from.
UPLOADS_PREFIX = "/tep/"

#: Elements whose content is not article text (code, styling, document metadata, embedded
#: objects, SVG and MathML, form controls): dropped with everything inside. Any other
#: element that is not allowed is unwrapped, its content kept.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "xml", "head", "title", "template", "noscript",
        "iframe", "object", "embed", "applet", "frameset", "frame", "noframes", "noembed",
        "svg", "math", "audio", "video", "canvas",
        "button", "select", "datalist", "textarea",
    }
)  # fmt: skip

#: Word's downlevel-revealed blocks (``<![if !cond]>...<![endif]>``) whose content stands
#: in for something Word draws itself: a list item's bullet or number, and a second <br>
#: at the end of a paragraph. Their content is dropped.
WORD_FALLBACKS = frozenset({"!supportlists", "!supportlinebreaknewline"})

#: Elements that end a line: in plain_text, and when an unwrapped one must not glue the
#: words on either side of it together.
BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
        "figure", "figcaption", "caption", "pre", "hr", "ul", "ol", "table", "dl", "dt", "dd",
        "section", "article", "header", "footer", "aside", "address", "main", "nav",
        "center", "details", "summary", "dialog", "fieldset", "legend", "form", "hgroup",
        "dir", "menu", "listing", "xmp",
    }
)  # fmt: skip

#: Blocks dropped by clean_html when they hold no text, <br>, image or rule.
COLLAPSIBLE = frozenset({"p", "div", "h2", "h3", "h4"})

#: html5lib builds trees in time quadratic in how deeply elements nest (a start tag searches
#: the stack of open elements), so 100 000 nested <div>s would hold a worker for hours.
#: Trix and Word nest a few levels; past this many, only the text is kept.
MAX_DEPTH = 400

#: How many times clean_html may clean its own output to reach a fixed point.
_MAX_PASSES = 4

_HTML_NS = html5lib.constants.namespaces["html"]
_BLANK = " \t\n\r\f\v\xa0\u200b\ufeff"  # what an "empty" paragraph may still hold
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
    # NFC first: a body pasted from macOS or some Word versions comes decomposed.
    html_text = clean_multiline(html_text)
    cleaned = _clean_once(html_text)
    # A few trees html5lib builds do not parse back the same once serialized (what a table
    # pushes out, "foster-parented" content), and a second cleaning would change them: so
    # clean the result again until nothing changes. It nearly always is stable at once; an
    # input that was already clean is its own proof and costs one pass.
    for _ in range(_MAX_PASSES - 1):
        if cleaned == html_text:
            break
        html_text, cleaned = cleaned, _clean_once(cleaned)
    return cleaned


def _clean_once(html_text: str) -> str:
    try:
        fragment = _parse(html_text)
    except _TooDeep:
        # Keep the text, a paragraph per block, and clean that (it is shallow).
        lines = _text_lines_by_tokens(html_text)
        return clean_html("".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines))
    tidied = _SERIALIZER.render(_NoNewlineAfterPre(_tidy(fragment)))
    return _cleaner().clean(tidied).strip()


def plain_text(html_text: str | None) -> str:
    """The readable text of a body, for search, duplicate detection and word diffs.

    Tags are removed and entities decoded; block elements (p, div, br, li, headings, table
    rows, ...) end a line, table cells are parted by a space; runs of white space, no-break
    spaces included, become one space; blank lines are dropped. Script, style and the other
    DROPPED_WITH_CONTENT elements, comments and Word's list bullets give no text.
    """
    if not html_text:
        return ""
    try:
        fragment = _parse(html_text)
    except _TooDeep:
        return "\n".join(_text_lines_by_tokens(html_text))
    parts: list[str] = []
    for token in _tidy(fragment):
        kind, name = token["type"], token.get("name")
        if kind == "Characters":
            parts.append(re.sub(r"\s+", " ", token["data"]))  # a newline in text is a space
        elif kind == "SpaceCharacters" or name in BLOCKS:  # the former: an unwrapped block
            parts.append("\n")
        elif name in ("td", "th"):
            parts.append(" ")
    return "\n".join(_lines("".join(parts)))


def is_allowed_href(value: str) -> bool:
    """Whether a link target is http(s), mailto, tel, or a path on this site.

    Entities are decoded and white space and control characters removed first, as a
    browser would (it ignores a tab or newline inside a URL: "jav&#x09;ascript:" is
    "javascript:"). "//host" and "/\\host" are other sites to a browser: refused.
    """
    url = _URL_IGNORED.sub("", html.unescape(value)).lower()
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme.group(1) in LINK_SCHEMES
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def is_upload_src(value: str | None) -> bool:
    """Whether an image src is a path under UPLOADS_PREFIX, and nothing cleverer.

    Judged once entities and percent-escapes are decoded (a browser reads "%2e%2e" as
    ".."): refused if it holds "//", "..", a backslash, white space or a control character.
    """
    if not value:
        return False
    url = unquote(html.unescape(value).strip(_ASCII_SPACE))
    if not url.startswith(UPLOADS_PREFIX) or _URL_IGNORED.search(url):
        return False
    return not any(bad in url for bad in ("//", "..", "\\"))


# --- step 1: tidy ---------------------------------------------------------------------------


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


_SERIALIZER = HTMLSerializer(omit_optional_tags=False, quote_attr_values="always")


def _parse(html_text: str) -> DocumentFragment:
    parser = html5lib.HTMLParser(tree=_TreeBuilder, namespaceHTMLElements=False)
    # scripting=True: read <noscript> as a browser does (raw text), and as bleach does.
    return parser.parseFragment(html_text, container="div", scripting=True)


def _tidy(root: DocumentFragment) -> Iterator[dict]:
    """Step 1: the tree as html5lib tokens, holding only allowed elements.

    The tree is read, never changed: minidom removes and inserts in time proportional to
    the number of siblings, which a long body would make quadratic. Each element is
    dropped with its content (comments, DROPPED_WITH_CONTENT, SVG and MathML, images not
    ours, Word's fallbacks), renamed (RENAMED_TAGS, Word's list paragraphs become <li>
    inside a <ul> or <ol>), unwrapped (not allowed, or a link whose href is refused; an
    unwrapped block leaves a newline each side, a "SpaceCharacters" token, so words do not
    run together) or kept, with its allowed attributes only.

    Unwrapping here rather than leaving it to bleach matters: bleach drops a tag it strips
    in its tokenizer, before tree building, so the same markup would build another tree.
    """
    skip, bullets = _word_fallbacks(root)
    word_lists = _word_lists(root, skip, bullets)
    stack: list[Node | dict] = list(reversed(root.childNodes))  # nodes, and tokens to emit
    while stack:
        node = stack.pop()
        if isinstance(node, dict):  # an end tag or a newline, pushed below
            yield node
            continue
        if node.nodeType == Node.TEXT_NODE and node not in skip:
            yield {"type": "Characters", "data": node.data}
            continue
        if node.nodeType != Node.ELEMENT_NODE or node in skip:
            continue  # comments, and whatever Word's fallbacks hold
        name = _name(node)
        if not name or name in DROPPED_WITH_CONTENT:
            continue
        if name == "img" and not is_upload_src(node.getAttribute("src")):
            continue
        name = RENAMED_TAGS.get(name, name)
        before: list[dict] = []
        after: list[dict] = []
        if node in word_lists:
            list_name, first, last = word_lists[node]
            name = "li"
            if first:
                before.append({"type": "StartTag", "name": list_name, "data": {}})
            if last:
                after.append({"type": "EndTag", "name": list_name})
        if name not in ALLOWED_TAGS or (
            name == "a" and not is_allowed_href(node.getAttribute("href"))
        ):
            if name in BLOCKS:
                before.append({"type": "SpaceCharacters", "data": "\n"})
                after.insert(0, {"type": "SpaceCharacters", "data": "\n"})
        elif name in _VOID:
            before.append({"type": "EmptyTag", "name": name, "data": _attributes(node, name)})
        else:
            before.append({"type": "StartTag", "name": name, "data": _attributes(node, name)})
            after.insert(0, {"type": "EndTag", "name": name})
        yield from before
        stack.extend(reversed(after))
        stack.extend(reversed(node.childNodes))


def _attributes(element: Element, name: str) -> dict[tuple[None, str], str]:
    """The element's allowed attributes, as html5lib tokens hold them; bleach judges them."""
    allowed = ALLOWED_ATTRIBUTES.get(name, ())
    return {(None, key): value for key, value in element.attributes.items() if key in allowed}


def _word_fallbacks(root: DocumentFragment) -> tuple[set[Node], dict[Element, str]]:
    """The content of Word's fallback blocks, to skip, and the list bullets among it.

    Word's conditional comments come in two kinds. ``<!--[if gte mso 9]>...<![endif]-->``
    is one comment, and goes like any comment with all it holds (Word's <xml>, VML shapes).
    The "downlevel-revealed" kind, ``<![if !supportLists]>bullet<![endif]>``, parses as two
    comments around ordinary content; for WORD_FALLBACKS that content is skipped too.

    Returns the nodes to skip, and the text of each skipped list bullet ("·", "1.", "a)")
    by its paragraph, so that _word_lists can tell bulleted lists from numbered ones.
    """
    skip: set[Node] = set()
    bullets: dict[Element, str] = {}
    for node in _descendants(root):
        if node.nodeType != Node.COMMENT_NODE:
            continue
        condition = re.fullmatch(r"\[if\s+([^\]]*)\]", node.data.strip())
        if not condition or condition.group(1).strip().lower() not in WORD_FALLBACKS:
            continue
        fallback = _siblings_until_endif(node)
        skip.update(fallback)
        paragraph = _ancestor(node, "p")
        if paragraph is not None and "supportlists" in condition.group(1).lower():
            bullets[paragraph] = "".join(_text(n) for n in fallback).strip(_BLANK)
    return skip, bullets


def _siblings_until_endif(start: Node, limit: int = 8) -> list[Node]:
    """The few siblings between a downlevel-revealed "[if ...]" and its "[endif]".

    Nothing when no "[endif]" follows within limit siblings (Word puts one or two nodes in
    between): mangled markup then keeps its content, and the search stays short.
    """
    between: list[Node] = []
    node = start.nextSibling
    while node is not None and len(between) <= limit:
        if node.nodeType == Node.COMMENT_NODE and node.data.strip().lower() == "[endif]":
            return between
        between.append(node)
        node = node.nextSibling
    return []


def _word_lists(
    root: DocumentFragment, skip: set[Node], bullets: dict[Element, str]
) -> dict[Element, tuple[str, bool, bool]]:
    """Word's list paragraphs: for each, the list's tag, and whether it is first or last.

    Word writes a list as a run of sibling <p class=MsoListParagraph... style="mso-list:l0
    level1 lfo1">, its bullets or numbers being text in fallbacks (see _word_fallbacks). A
    run, white space between allowed, becomes one list, an <ol> if its first bullet looks
    like "1." or "a)". Nesting levels are flattened.
    """
    parents = {
        node.parentNode
        for node in _descendants(root)
        if node.nodeType == Node.ELEMENT_NODE and _is_word_item(node) and node not in skip
    }
    found: dict[Element, tuple[str, bool, bool]] = {}
    for parent in parents:
        runs: list[list[Element]] = [[]]
        for child in parent.childNodes:
            if child.nodeType == Node.ELEMENT_NODE and _is_word_item(child) and child not in skip:
                runs[-1].append(child)
            elif (
                child in skip
                or child.nodeType == Node.COMMENT_NODE
                or (child.nodeType == Node.TEXT_NODE and not child.data.strip(_ASCII_SPACE))
            ):
                continue  # not emitted, or white space: does not break the run
            elif runs[-1]:
                runs.append([])
        for run in filter(None, runs):
            numbered = _NUMBERED_MARKER.match(bullets.get(run[0], ""))
            list_name = "ol" if numbered else "ul"
            for item in run:
                found[item] = (list_name, item is run[0], item is run[-1])
    return found


def _is_word_item(element: Element) -> bool:
    if _name(element) != "p":
        return False
    css_class = element.getAttribute("class").lower()
    style = element.getAttribute("style")
    return css_class.startswith("msolistparagraph") or bool(_WORD_LIST_STYLE.search(style))


# small minidom helpers


def _name(element: Element) -> str:
    """The element's tag name; "" for SVG and MathML elements, which are never kept.

    tagName, not localName: minidom splits Word's "o:p" into prefix "o" and localName "p".
    """
    if element.namespaceURI not in (None, _HTML_NS):
        return ""
    return element.tagName.lower()


def _descendants(root: Node) -> list[Node]:
    """All nodes under root, in document order.

    Iterative: hostile input may nest deeper than Python's recursion limit.
    """
    found: list[Node] = []
    stack = list(reversed(root.childNodes))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.childNodes))
    return found


def _text(node: Node) -> str:
    if node.nodeType == Node.TEXT_NODE:
        return node.data
    return "".join(n.data for n in _descendants(node) if n.nodeType == Node.TEXT_NODE)


def _ancestor(node: Node, name: str) -> Element | None:
    node = node.parentNode
    while node is not None and node.nodeType == Node.ELEMENT_NODE:
        if _name(node) == name:
            return node
        node = node.parentNode
    return None


# --- step 2: bleach -----------------------------------------------------------------------


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
            # Run in this order on bleach's sanitised token stream.
            filters=[_LinksAndImages, _DropEmptyBlocks, _CollapseWhitespace, _NoNewlineAfterPre],
        )
    return cleaner


# --- step 3: finishing filters, on bleach's output ----------------------------------------

_TEXT_TOKENS = ("Characters", "SpaceCharacters")


class _LinksAndImages(html5lib_shim.Filter):
    """rel on every link; no link or image left without its URL.

    bleach drops a refused href or src but keeps the element: such a link is unwrapped
    here (its text stays), such an image removed. Step 1 already did both by the same
    rules; this is the backstop, should bleach's reading of a URL ever differ.
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


class _DropEmptyBlocks(html5lib_shim.Filter):
    """Drop COLLAPSIBLE blocks with no text, <br>, image or rule, e.g. Word's <p>&nbsp;</p>.

    A block's tokens are held until it ends, then passed on, or dropped if nothing in them
    fills it. Trix's blank line, <div><br></div>, stays.
    """

    def __iter__(self):
        held: list[list[dict]] = []  # tokens of each open block, outermost first
        filled: list[bool] = []
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if kind == "StartTag" and name in COLLAPSIBLE:
                held.append([token])
                filled.append(False)
                continue
            if not held:
                yield token
                continue
            held[-1].append(token)
            if (
                (kind in _TEXT_TOKENS and token["data"].strip(_BLANK))
                or kind == "Entity"
                or (kind == "EmptyTag" and name in ("br", "img", "hr"))
            ):
                filled[-1] = True
            if kind == "EndTag" and name in COLLAPSIBLE:
                tokens, kept = held.pop(), filled.pop()
                if kept and held:
                    held[-1].extend(tokens)
                    filled[-1] = True
                elif kept:
                    yield from tokens
        for tokens in held:  # only if the stream ended inside a block
            yield from tokens


class _CollapseWhitespace(html5lib_shim.Filter):
    """White space collapsed as a browser shows it, except in <pre>.

    Word breaks its source lines mid-sentence. White space holding a newline becomes one
    newline when it is all the text between two tags (as between blocks); otherwise each
    run becomes one space. No-break spaces stay. Done on bleach's output, where text left
    side by side by removed tags comes as one, so that a second cleaning changes nothing.
    """

    def __iter__(self):
        text: list[str] = []  # text since the last tag or entity
        in_pre = 0
        for token in super().__iter__():
            if token["type"] in _TEXT_TOKENS:
                text.append(token["data"])
                continue
            if text:
                yield self._text("".join(text), in_pre)
                text = []
            if token.get("name") == "pre" and token["type"] in ("StartTag", "EndTag"):
                in_pre += 1 if token["type"] == "StartTag" else -1
            yield token
        if text:
            yield self._text("".join(text), in_pre)

    @staticmethod
    def _text(text: str, in_pre: int) -> dict:
        if not in_pre:
            whitespace_only = not text.strip(_ASCII_SPACE)
            text = "\n" if whitespace_only and "\n" in text else _SPACES.sub(" ", text)
        return {"type": "Characters", "data": text}


class _NoNewlineAfterPre(html5lib_shim.Filter):
    """Drop the newlines a <pre>'s text starts with (on step 1's output and bleach's).

    A parser drops one newline right after <pre> (html5lib not inside a table cell, though),
    so that a second cleaning would lose another one; a <pre>'s text never starts so.
    """

    def __iter__(self):
        fresh = False  # nothing but newlines since a <pre> started
        for token in super().__iter__():
            if fresh and token["type"] in _TEXT_TOKENS:
                token = {**token, "data": token["data"].lstrip("\n")}
                if not token["data"]:
                    continue
            fresh = token["type"] == "StartTag" and token["name"] == "pre"
            yield token


# --- markup nested too deep for a tree ----------------------------------------------------


def _text_lines_by_tokens(html_text: str) -> list[str]:
    """The text of markup too deep to build a tree of, from html5lib's tokenizer (linear).

    Like plain_text, only cruder: a BLOCKS tag ends a line; the content of the
    DROPPED_WITH_CONTENT elements is skipped; after <script>, <style> and the like the
    tokenizer is switched to raw text, as html5lib's parser does.
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
        if kind in (_TOKEN["StartTag"], _TOKEN["EndTag"]) and name in BLOCKS:
            parts.append("\n")
    return _lines("".join(parts))


def _lines(text: str) -> list[str]:
    """The non-blank lines, each with its runs of white space (no-break too) made one space."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]
