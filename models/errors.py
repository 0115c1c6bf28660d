"""One error hierarchy for casecheck: each error knows how every adapter reports it.

The CLI turns an error into an exit status, the HTTP service into a status code, the watched
folder and the batch into a failure kind (`input`: the file's own fault, never retried;
`internal`: ours, retried; `write`: the outputs could not be written, retried later). They map by
class, never by reading the message. Pure Python: every layer may import it.

    CasecheckError                      exit 1, HTTP 500, internal
    ├── InputError                      exit 2, HTTP 422, input   (unusable file: damaged, encrypted…)
    │   ├── NotPdfError                 exit 2, HTTP 415          (not a PDF, empty)
    │   ├── TooLargeError               exit 2, HTTP 413          (over the size or page limit)
    │   ├── TimeLimitError              exit 2, HTTP 422          (over the per-file time limit)
    │   └── models.review.ReviewError   exit 2, HTTP 422          (a review that does not fit its report)
    ├── UsageError                      exit 2, HTTP 400          (bad option, bad rule pack, folder unusable)
    │   └── service.users.UserError     exit 2, HTTP 400          (unknown role, a name taken)
    ├── service.users.AuthError         exit 2, HTTP 401 / 403    (its `status`: no credential fits, not allowed)
    ├── InternalError                   exit 1, HTTP 500, internal (a fault of ours reading a page…)
    ├── SetupError                      exit 1, HTTP 503, internal (an OCR engine missing, …)
    └── OutputWriteError                exit 1, HTTP 507, write   (disk full, permissions)
"""

from __future__ import annotations

from typing import ClassVar, Literal

FailureKind = Literal["input", "internal", "write"]

# One line is at most this many characters wherever an error is shown (terminal, log, JSON).
ONE_LINE_LIMIT = 240


def one_line(error: BaseException | str, limit: int = ONE_LINE_LIMIT) -> str:
    """An error (or a text) as one line of at most `limit` characters: whitespace runs (newlines
    included) become one space and control characters are dropped, so a message quoting a file
    name or a library's multi-line text can neither break a log line nor colour a terminal."""
    text = error if isinstance(error, str) else str(error)
    text = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text)
    text = " ".join(text.split())
    if not text and isinstance(error, BaseException):
        text = type(error).__name__
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


class CasecheckError(Exception):
    """Base of casecheck's errors; the message is one line for the user."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500
    failure: ClassVar[FailureKind] = "internal"

    def __init__(self, message: str = "") -> None:
        super().__init__(one_line(message) if message else "")

    @property
    def message(self) -> str:
        return str(self) or type(self).__name__


class InputError(CasecheckError):
    """The input cannot be used as a case file (damaged, encrypted, no pages, a page MuPDF refuses)."""

    exit_code = 2
    http_status = 422
    failure = "input"


class NotPdfError(InputError):
    """Not a PDF at all, or an empty file."""

    http_status = 415


class TooLargeError(InputError):
    """Over a size or page limit."""

    http_status = 413


class TimeLimitError(InputError):
    """Checking the file took longer than the per-file time limit (the file is failed, not retried)."""


class UsageError(CasecheckError):
    """Bad usage: an option out of range, a rule pack that does not load, an unusable folder."""

    exit_code = 2
    http_status = 400
    failure = "input"


class InternalError(CasecheckError):
    """A fault of ours (the file itself was fine as far as can be told)."""


class SetupError(CasecheckError):
    """The installation lacks something (an OCR engine or its models)."""

    http_status = 503


class OutputWriteError(CasecheckError):
    """The outputs could not be written (disk full, permissions, a share gone away)."""

    http_status = 507
    failure = "write"


def exit_code_of(error: BaseException) -> int:
    return error.exit_code if isinstance(error, CasecheckError) else 1


def http_status_of(error: BaseException) -> int:
    return error.http_status if isinstance(error, CasecheckError) else 500


def failure_of(error: BaseException) -> FailureKind:
    return error.failure if isinstance(error, CasecheckError) else "internal"
