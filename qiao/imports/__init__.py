"""Spreadsheet import (issue 3): reading files, recognising headers, parsing cell values.

The modules here are pure Python and do not import Django, so they are tested without a
database: `readers` (file → table), `layout` (header and data rows in a sheet), `headers`
(column headers → field codes), `values` (cell → value or ValueProblem).
"""
