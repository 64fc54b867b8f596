"""The errors of reading a file: FileProblem for the whole file, ValueProblem for one cell."""

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


VALUE_PROBLEM_CODES = (
    "mojibake", "date_format", "date_range", "gender", "region", "boolean",
    "document_format", "document_checksum", "document_kind", "document_ambiguous", "phone", "email",
    "degree", "year", "registration_number", "kind", "url",
)  # fmt: skip


class ValueProblem(ValueError):
    """A cell that cannot be accepted; `code` is one of VALUE_PROBLEM_CODES."""

    def __init__(self, code: str, message: str) -> None:
        if code not in VALUE_PROBLEM_CODES:
            raise ValueError(f"unknown ValueProblem code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ValueProblem({self.code!r}, {self.message!r})"
