"""Tokenizer: student text -> a list of ``Token`` with offsets into the original text.

Unicode is folded here, one character at a time so that offsets stay exact: ``×·⋅`` are ``*``,
``−`` is ``-``, ``÷`` is ``/``, ``≤ ≥`` are ``<= >=``, superscripts ``x²`` and ``x⁻¹`` become
``^2`` and ``^-1``, ``π`` is ``pi``, Greek letters are their names, and mathematical or
full-width letters fold by NFKC. Anything else outside the grammar (quotes, ``;``, ``.`` outside a
number, backslashes) is refused here, so nothing odd ever reaches the parser.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from quizengine.core.errors import LimitError, ParseError

__all__ = ["Token", "tokenize", "column"]


class Token(NamedTuple):
    """One token: ``kind`` is "num", "name", "op" or "end"; ``text`` is canonical."""

    kind: str
    text: str
    start: int
    end: int
    space: bool  # whitespace right before this token
    source: str  # what the student typed (for messages), e.g. "**" or "×"


_ASCII = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<num>(?P<mant>\d+(?:\.\d+)?|\.\d+)(?P<exp>[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|<=|>=|=<|=>|==|!=|<>|[-+*/^!=<>()\[\]{},|])"
)

_MAXIMA = re.compile(r"%(e|pi|i)(?![A-Za-z0-9_])")
_UNICODE_OPS = {
    "×": "*", "·": "*", "⋅": "*", "∙": "*", "✕": "*", "∗": "*",
    "−": "-", "–": "-", "⁒": "-", "‐": "-", "‑": "-", "÷": "/", "∕": "/",
    "≤": "<=", "≦": "<=", "≥": ">=", "≧": ">=", "√": "√", "∣": "|",
    "（": "(", "）": ")", "［": "[", "］": "]", "｛": "{", "｝": "}",
}
_UNICODE_NAMES = {"π": "pi", "ℼ": "pi", "∞": "oo", "ℯ": "e", "ς": "sigma", "∅": "emptyset",
                  "⦰": "emptyset"}
_SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
    "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+",
}
_SUBSCRIPTS = {chr(0x2080 + k): str(k) for k in range(10)}
_BAD_CHARS = {
    "'": "quotes are not part of a formula",
    '"': "quotes are not part of a formula",
    "`": "backticks are not part of a formula",
    ";": "a `;` is not part of a formula: give one answer",
    ":": "a `:` is not part of a formula",
    "\\": "this looks like LaTeX: type sqrt(x), x^2, a/b instead",
    "%": "percent signs are not read: write 52/100 or 0.52",
    "&": "`&` is not an operator here",
    "#": "`#` is not an operator here",
    "$": "`$` is not part of a formula",
    "@": "`@` is not part of a formula",
    "?": "`?` is not part of a formula",
    "~": "`~` is not an operator here",
}
_BAD_OPS = {
    "=<": "write `<=` for less than or equal",
    "=>": "write `>=` for greater than or equal",
    "==": "write a single `=` in an equation",
    "!=": "`!=` is not supported: give an equation or an inequality",
    "<>": "`<>` is not supported: give an equation or an inequality",
}
_OPENERS = "([{"
_CLOSERS = ")]}"


_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")

def column(offset: int) -> int:
    """1-based column of a 0-based offset, as people count."""
    return offset + 1


@lru_cache(maxsize=512)
def _fold(char: str) -> tuple[str, str]:
    """Classify one non-ASCII character: ("op", text) | ("name", text) | ("bad", "")."""
    if char in _UNICODE_OPS:
        return "op", _UNICODE_OPS[char]
    if char in _UNICODE_NAMES:
        return "name", _UNICODE_NAMES[char]
    info = unicodedata.name(char, "")
    for prefix, upper in (("GREEK SMALL LETTER ", False), ("GREEK CAPITAL LETTER ", True)):
        if info.startswith(prefix) and " " not in info[len(prefix):]:
            word = info[len(prefix):].lower()
            word = {"lamda": "lambda"}.get(word, word)
            return "name", word.capitalize() if upper else word
    if info.startswith("SUPERSCRIPT") or info.startswith("SUBSCRIPT"):
        return "bad", ""
    folded = unicodedata.normalize("NFKC", char)
    if folded != char and len(folded) == 1:
        if folded.isascii() and (folded.isalpha() or folded in "()[]{}+-*/^=<>,|!"):
            return ("name" if folded.isalpha() else "op"), folded
        return _fold(folded) if not folded.isascii() else ("bad", "")
    if char in _BIDI_CONTROLS:  # Trojan Source: what people see would differ from what is read
        return "bad", ""
    if char.isspace() or unicodedata.category(char) == "Cf":  # incl. zero-width spaces
        return "ws", ""
    return "bad", ""


def tokenize(text: str, *, max_depth: int, max_nodes: int, e_is_name: bool = False
             ) -> list[Token]:
    """Split ``text`` into tokens ending with an "end" token; refuse odd characters.

    ``2e-3`` is scientific notation unless ``e_is_name`` (a question declaring ``e``).

    >>> [t.text for t in tokenize("2x²−1", max_depth=50, max_nodes=100)]
    ['2', 'x', '^', '2', '-', '1', '']
    """
    tokens: list[Token] = []
    i, n, space, depth = 0, len(text), False, 0
    while i < n:
        match = _ASCII.match(text, i)
        if match is not None:
            kind = match.lastgroup
            if kind == "ws":
                space, i = True, match.end()
                continue
            if kind == "mant" or kind == "exp":  # lastgroup reports the innermost group
                kind = "num"
            end = match.end()
            if kind == "op":
                _check_op(match.group(), i)
            elif kind == "num" and e_is_name and match.group("exp") \
                    and match.group("exp").startswith("e"):
                end = match.end("mant")
            tokens.append(Token(kind or "", text[i:end], i, end, space, text[i:end]))
            i = end
        else:
            count = len(tokens)
            i = _unicode_token(text, i, space, tokens)
            if len(tokens) == count:  # an invisible character (zero-width space)
                space = True
                continue
        space = False
        last = tokens[-1]
        if last.kind == "op" and last.text in _OPENERS:
            depth += 1
            if depth > max_depth:
                raise LimitError(f"brackets nested more than {max_depth} deep", offset=last.start)
        elif last.kind == "op" and last.text in _CLOSERS:
            depth -= 1
        if len(tokens) > max_nodes:
            raise LimitError(f"too many symbols (more than {max_nodes})", offset=last.start)
    tokens.append(Token("end", "", n, n, space, ""))
    return tokens


def _check_op(op: str, offset: int) -> None:
    if op in _BAD_OPS:
        raise ParseError(f"{_BAD_OPS[op]} (column {column(offset)})", offset=offset)


def _unicode_token(text: str, i: int, space: bool, tokens: list[Token]) -> int:
    """Append the token starting at a character the ASCII pattern refused; return next index."""
    char = text[i]
    if char in _SUPERSCRIPTS:
        j = i
        while j < len(text) and text[j] in _SUPERSCRIPTS:
            j += 1
        digits = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
        tokens.append(Token("op", "^", i, i + 1, space, char))
        for k, sym in enumerate(digits):
            kind = "num" if sym.isdigit() else "op"
            if kind == "num" and tokens[-1].kind == "num":  # extend ¹⁰ into one number
                prev = tokens.pop()
                tokens.append(prev._replace(text=prev.text + sym, end=i + k + 1,
                                            source=prev.source + text[i + k]))
            else:
                tokens.append(Token(kind, sym, i + k, i + k + 1, False, text[i + k]))
        return j
    if char == "%":  # Maxima's %e, %pi, %i
        match = _MAXIMA.match(text, i)
        if match is not None:
            tokens.append(Token("name", match.group(1), i, match.end(), space, match.group()))
            return match.end()
    if char in _SUBSCRIPTS and tokens and tokens[-1].kind == "name" and tokens[-1].end == i:
        j = i  # x₁₂ is the name x_12
        while j < len(text) and text[j] in _SUBSCRIPTS:
            j += 1
        name = tokens.pop()
        digits = "".join(_SUBSCRIPTS[c] for c in text[i:j])
        tokens.append(name._replace(text=f"{name.text}_{digits}", end=j,
                                    source=name.source + text[i:j]))
        return j
    if char.isascii():
        raise ParseError(_bad_ascii_message(text, i), offset=i)
    kind, canonical = _fold(char)
    if kind == "ws":
        return i + 1
    if kind == "bad":
        raise ParseError(f"unexpected character `{char}` at column {column(i)}", offset=i)
    tokens.append(Token(kind, canonical, i, i + 1, space, char))
    return i + 1


def _bad_ascii_message(text: str, i: int) -> str:
    char = text[i]
    if char == ".":
        if text[i + 1:i + 2] == ".":
            return f"`..` is not an operator (column {column(i)})"
        if i > 0 and text[i - 1].isdigit():
            return f"a decimal point needs digits after it (column {column(i)})"
        return (f"a `.` must be part of a number like 0.5 (column {column(i)}); "
                "for a product write `*`")
    reason = _BAD_CHARS.get(char)
    if reason is None:
        return f"unexpected character `{char}` at column {column(i)}"
    return f"{reason} (column {column(i)})"
