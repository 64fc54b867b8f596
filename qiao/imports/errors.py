"""The error a whole file can raise while it is read."""

from __future__ import annotations

FILE_PROBLEM_CODES = ("empty", "corrupt", "encrypted", "too_large", "unsupported", "encoding")


class FileProblem(Exception):
    """The file as a whole cannot be read; `code` is one of FILE_PROBLEM_CODES, `message` plain English."""

    def __init__(self, code: str, message: str) -> None:
        if code not in FILE_PROBLEM_CODES:
            raise ValueError(f"unknown FileProblem code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"FileProblem({self.code!r}, {self.message!r})"
