"""Spreadsheet import (issue 3): reading files, recognising headers, parsing cell values.

Pure Python, no Django, so all of it is tested without a database:
- `readers`: uploaded bytes → Sheet (header texts, rows with their row numbers), or FileProblem;
  `detect_encoding` for text files.
- `layout`: where the header and the data are in a sheet (title rows, two-row headers, blank rows).
- `headers`: column headers in Simplified, Traditional or English → field codes (`guess_mapping`).
- `values`: cell → value parsers (text, date, gender, region, boolean, documents, phones, e-mails)
  that raise ValueProblem with a code; `check` turns that into (value, code).
- `ole`, `bounds`: checks on OLE2 containers and sheet extents that keep damaged or hostile files
  away from calamine, which would abort the process on them.
- `dates`, `places`, `errors`: parts of the above.
"""
