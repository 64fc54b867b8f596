"""Imports: the dry run and the commit of any kind, and the life of an uploaded batch.

The rules of each kind live in `kinds/` (people, organisations); this module is what views, the
API, the command line and background tasks call.
"""

from __future__ import annotations

from .kinds import importer
from .kinds.base import Plan, Progress, problem_text  # noqa: F401  (re-exported for callers)
from .layout import Sheet


def plan(user, sheet: Sheet, mapping: list[str | None], kind: str = "people", progress: Progress = None) -> Plan:
    """The dry run: every row parsed, checked and linked to the records `user` may see; nothing written."""
    return importer(kind).plan(user, sheet, mapping, progress)


def commit(user, unit, plan: Plan, *, skip_invalid: bool = False, source: str = "", progress: Progress = None):
    """Write every accepted row of `plan` in one transaction, owned by `unit`; returns the counts."""
    return importer(plan.kind).commit(user, unit, plan, skip_invalid=skip_invalid, source=source, progress=progress)
