"""The quizengine exception tree.

    QuizengineError                 root of everything quizengine raises on purpose
    ├── InputError                  text typed by a person could not be used
    │   ├── ParseError              syntax: the text is not a formula (carries offset)
    │   ├── UnknownNameError        a name is not declared for this question
    │   ├── ForbiddenError          a function or construct the question forbids
    │   └── LimitError              too long, too deep, too big or too slow to read
    ├── CheckError                  an answer could not be checked
    │   └── CheckTimeoutError       the check overran its deadline ("could not be checked")
    ├── TemplateError               a question template is malformed or cannot produce a variant
    └── NotFoundError               a named thing (template, quiz, ...) does not exist

Every error has a stable machine ``code`` and, for input errors, the ``offset`` (0-based character
index into the text) where the problem starts, so the web layer can draw a caret.
"""

from __future__ import annotations

__all__ = [
    "CheckError",
    "CheckTimeoutError",
    "ForbiddenError",
    "InputError",
    "LimitError",
    "NotFoundError",
    "ParseError",
    "QuizengineError",
    "TemplateError",
    "UnknownNameError",
]


class QuizengineError(Exception):
    """Root of the tree; ``code`` is stable and machine-readable, ``message`` is for people."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.offset = offset

    def caret(self, text: str) -> str:
        """Return ``text`` with a caret line under ``offset`` (empty when no offset is known).

        >>> ParseError("missing `)`", offset=4).caret("(x+1")
        '(x+1\\n    ^'
        """
        if self.offset is None:
            return ""
        return f"{text}\n{' ' * min(self.offset, len(text))}^"


class InputError(QuizengineError):
    code = "invalid_input"


class ParseError(InputError):
    code = "syntax"


class UnknownNameError(InputError):
    code = "unknown_name"


class ForbiddenError(InputError):
    code = "forbidden"


class LimitError(InputError):
    code = "limit"


class CheckError(QuizengineError):
    code = "check_failed"


class CheckTimeoutError(CheckError):
    code = "timeout"


class TemplateError(QuizengineError):
    code = "template"


class NotFoundError(QuizengineError):
    code = "not_found"
