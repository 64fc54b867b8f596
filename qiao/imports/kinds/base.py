"""What every kind of import shares: a row's plan, the whole plan, and problems in the reader's language.

A kind (people, organisations, later participations) turns a sheet and a column mapping into a
`Plan` — the dry run, which writes nothing — and writes a plan in one transaction with `commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..errors import ValueProblem
from ..layout import Row, Sheet

OUTCOMES = ("new", "same", "review", "error")
Progress = Callable[[int, int], None] | None  # (rows done, rows in all)


def problem_text(code: str) -> str:
    """A value problem in the reader's language."""
    messages = {
        "mojibake": _("the text is garbled (wrong encoding?)"),
        "date_format": _("not a date we can read"),
        "date_range": _("the date is out of range"),
        "gender": _("not a gender we can read"),
        "region": _("not a region of origin we can read"),
        "country_required": _("an overseas person needs the country they live in (a country in 来源地 will do)"),
        "boolean": _("not yes or no"),
        "document_format": _("the number does not have the format of this document"),
        "document_checksum": _("the check digit is wrong"),
        "document_kind": _("unknown document type"),
        "document_ambiguous": _("cannot tell which document this number belongs to; give the document type"),
        "phone": _("not a phone number we can read"),
        "email": _("not an e-mail address"),
        "name": _("a name is required (in Chinese or Latin letters)"),
        "degree": _("not a degree we can read (博士, 硕士, 本科, 大专 …)"),
        "year": _("not a year"),
        "registration_number": _("not a valid registration number"),
        "kind": _("not a kind of organisation we can read"),
        "parent": _("no such organisation in the registry or above in this file"),
        "url": _("not a web address"),
        "parent_ambiguous": _("several organisations have this name: give the parent's registration number"),
        "parent_unresolved": _("the parent organisation's row cannot be imported"),
        "duplicate": _("the same organisation is in a row above"),
        "duplicate_person": _("the same identity document is in a row above: the same person twice?"),
        "too_long": _("the text is too long"),
    }
    return messages.get(code, code)


@dataclass
class Match:
    """A known record a row may be, with how sure we are and why."""

    target: Any
    score: float
    reasons: list[str] = field(default_factory=list)  # codes, as the review queue keeps them
    labels: list[str] = field(default_factory=list)  # the same, in the reader's language


@dataclass
class RowPlan:
    number: int  # the row's number in the file, as the user sees it
    data: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column letter, problem code)
    outcome: str = ""  # new, same, review, error
    matches: list[Match] = field(default_factory=list)  # best first; for "same", the first is the record

    @property
    def target(self):
        """The known record this row is, when it is one."""
        return self.matches[0].target if self.outcome == "same" and self.matches else None

    @property
    def label(self) -> str:
        return self.data.get("name") or self.data.get("name_latin") or ""


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def problems(self) -> list[str]:
        """Every problem as "row N, column X: reason"."""
        return [
            _("row %(row)d, column %(column)s: %(reason)s")
            % {"row": row.number, "column": column, "reason": problem_text(code)}
            for row in self.rows
            for column, code in row.problems
        ]


class Cells:
    """One row's cells by field code, with problems recorded against the cell's column letter."""

    def __init__(self, sheet: Sheet, mapping: list[str | None], row: Row, plan: RowPlan):
        self.sheet, self.plan = sheet, plan
        self.cells = dict(enumerate(row.cells))
        self.columns = {}
        for index, name in enumerate(mapping):
            if name:
                self.columns.setdefault(name, index)
        self.mapping = mapping

    def get(self, name: str):
        return self.cells.get(self.columns[name]) if name in self.columns else None

    def filled(self):
        """(column index, field code, value) of every mapped, non-empty cell, left to right."""
        for index, name in enumerate(self.mapping):
            value = self.cells.get(index)
            if name is not None and value not in (None, ""):
                yield index, name, value

    def attempt(self, index: int, parse, *args):
        """parse(*args), or None with the problem noted against column `index`."""
        try:
            return parse(*args)
        except ValueProblem as problem:
            self.plan.problems.append((self.sheet.column_letter(index), problem.code))
            return None

    def require(self, name: str, code: str) -> None:
        self.plan.problems.append((self.sheet.column_letter(self.columns.get(name, 0)), code))


def report(progress: Progress, done: int, total: int) -> None:
    if progress:
        progress(done, total)
