"""The one error every validator in qiao.identity raises."""

from __future__ import annotations

CODES = ("format", "checksum", "unknown_kind", "empty")


class NumberError(ValueError):
    """A number that cannot be accepted.

    `code` says why ("format", "checksum", "unknown_kind", "empty"); the Django layer translates
    by code. `message` is a plain English explanation for logs and the command line.
    """

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown NumberError code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"NumberError({self.code!r}, {self.message!r})"
