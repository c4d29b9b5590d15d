"""A word-level diff between two revisions of a piece, for editors to read.

Pure functions, no database. ``word_diff`` gives the operations, ``render_html`` shows them with
``<del>`` and ``<ins>``, ``stats`` counts the words each side.
"""

import re
import unicodedata
from difflib import SequenceMatcher

from markupsafe import Markup, escape

Op = tuple[str, str]
"""``("equal" | "delete" | "insert", text)``."""

# A token is a word (letters and digits) or a run of punctuation, with the whitespace after it.
# Punctuation stands apart so that a changed comma does not strike through the word before it.
_TOKEN = re.compile(r"(\w+|[^\w\s]+)(\s*)")
_WORD = re.compile(r"\w+")


def _tokens(text: str) -> tuple[str, list[str], list[str]]:
    """The text's leading whitespace, its tokens, and each token's trailing whitespace."""
    lead = text[: len(text) - len(text.lstrip())]
    words, spaces = [], []
    for match in _TOKEN.finditer(text, len(lead)):
        words.append(match.group(1))
        spaces.append(match.group(2))
    return lead, words, spaces


def _normalise(text: str) -> str:
    # NFC: some Vietnamese keyboards type "ế" as e + two combining marks, which \w splits and
    # which would differ from the same letter typed precomposed. Textareas send \r\n.
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def word_diff(old: str, new: str) -> list[Op]:
    """The word-level operations turning ``old`` into ``new``.

    Words are compared exactly (case and diacritics count); whitespace is kept with the words
    so the ops read like the text, but is not compared: equal words carry ``new``'s whitespace,
    so a re-flowed paragraph shows no change. Joining the "equal" and "insert" texts gives
    ``new`` back. Between two equal runs, all deleted words come first, then all inserted
    ones, so a replaced phrase reads "old words" then "new words".
    """
    old, new = _normalise(old), _normalise(new)
    _, old_words, old_spaces = _tokens(old)
    new_lead, new_words, new_spaces = _tokens(new)

    def old_text(i: int, j: int) -> str:
        return "".join(w + s for w, s in zip(old_words[i:j], old_spaces[i:j], strict=True))

    def new_text(i: int, j: int) -> str:
        return "".join(w + s for w, s in zip(new_words[i:j], new_spaces[i:j], strict=True))

    ops: list[Op] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == kind:
            ops[-1] = (kind, ops[-1][1] + text)
        else:
            ops.append((kind, text))

    add("equal", new_lead)
    # autojunk=False: the heuristic would treat frequent words ("của", "và") as junk and
    # produce odd diffs on long pieces.
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    deleted, inserted = "", ""
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("delete", deleted)
            add("insert", inserted)
            deleted, inserted = "", ""
            add("equal", new_text(j1, j2))
        else:  # replace, delete, insert: gather until the next equal run
            if not deleted and i2 > i1 and j1 > 0 and not new_spaces[j1 - 1]:
                # The new text ends right before this deletion ("a b" -> "a"): keep the old
                # separator, or the deleted word would be glued to the previous one.
                deleted = old_spaces[i1 - 1]
            deleted += old_text(i1, i2)
            inserted += new_text(j1, j2)
    add("delete", deleted)
    add("insert", inserted)
    return ops


def _split_space(text: str) -> tuple[str, str, str]:
    """(leading whitespace, body, trailing whitespace)."""
    body = text.strip()
    start = len(text) - len(text.lstrip())
    return text[:start], body, text[start + len(body) :]


def _html(text: str) -> str:
    return str(escape(text)).replace("\n", "<br>")


def render_html(ops: list[Op]) -> Markup:
    """The ops as HTML: changes in ``<del>`` and ``<ins>``, all text escaped, newlines as <br>.

    Whitespace around a change goes outside the tag: no struck-through spaces or line breaks.
    """
    parts = []
    for kind, text in ops:
        if kind == "equal":
            parts.append(_html(text))
            continue
        if kind not in ("delete", "insert"):
            raise ValueError(f"unknown diff operation: {kind!r}")
        tag = "del" if kind == "delete" else "ins"
        lead, body, trail = _split_space(text)
        parts.append(f"{_html(lead)}<{tag}>{_html(body)}</{tag}>{_html(trail)}")
    return Markup("".join(parts))


def stats(ops: list[Op]) -> tuple[int, int]:
    """(words deleted, words inserted); a word is a run of letters and digits, not punctuation."""
    deleted = sum(len(_WORD.findall(text)) for kind, text in ops if kind == "delete")
    inserted = sum(len(_WORD.findall(text)) for kind, text in ops if kind == "insert")
    return deleted, inserted
