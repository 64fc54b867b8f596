"""The kinds of record a spreadsheet can bring in, each a module with `plan()` and `commit()`."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

KINDS = ("people", "organizations", "participations")


def importer(kind: str) -> ModuleType:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    return import_module(f"{__name__}.{kind}")
