"""Read workbooks in a child process with a memory and a time limit.

calamine (Rust) is fast and reads every format we need, but on damaged files it can panic,
allocate without bound (then abort the process) or loop for ever; fuzzing found all three with
a few changed bytes (see ole.py and bounds.py for the cases caught before it runs). In a web
worker or a task runner any of these would take the whole process down, so workbooks are read
by `python -m qiao.imports.sandbox` and whatever goes wrong there becomes a FileProblem here.
The child starts in about 0.2 s; CSV files never need it.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

from .errors import FileProblem
from .layout import Row, Sheet

TIMEOUT = 120  # seconds
MEMORY = 4 * 2**30  # bytes of address space for the child


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"timedelta": value.total_seconds()}
    return value


_DECODERS = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "timedelta": lambda seconds: datetime.timedelta(seconds=seconds),
}


def _decode(value):
    if isinstance(value, dict):
        ((kind, text),) = value.items()
        return _DECODERS[kind](text)
    return value


def read_workbook(
    data: bytes, file_format: str, max_rows: int, *, timeout: float = TIMEOUT, memory: int = MEMORY
) -> Sheet:
    """The first table of an xlsx, xls or ods file, read in a child process; FileProblem when
    the file is unreadable, or when reading it crashes, runs out of memory or out of time."""
    command = [sys.executable, "-m", "qiao.imports.sandbox", file_format, str(max_rows), str(memory)]
    environment = {**os.environ, "RUST_BACKTRACE": "0"}
    try:
        result = subprocess.run(command, input=data, capture_output=True, timeout=timeout, env=environment)
    except subprocess.TimeoutExpired as error:
        raise FileProblem("corrupt", "Reading the file took too long: it is damaged or far too large.") from error
    if result.returncode != 0 or not result.stdout:
        # A crash: calamine panicked twice or could not allocate what the file claims (a sound
        # file within the upload limit needs far less than the child's memory).
        raise FileProblem("corrupt", f"The file is damaged: it cannot be opened as .{file_format}.")
    answer = json.loads(result.stdout)
    if "problem" in answer:
        raise FileProblem(*answer["problem"])
    sheet = answer["sheet"]
    rows = [Row(number, [_decode(cell) for cell in cells]) for number, cells in sheet.pop("rows")]
    return Sheet(rows=rows, **sheet)


def main() -> None:
    """The child: the workbook's bytes on standard input, one JSON answer on standard output."""
    file_format, max_rows, memory = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):  # no limit where the system has none to set
        pass
    from .readers import read_workbook_here

    data = sys.stdin.buffer.read()
    try:
        sheet = read_workbook_here(data, file_format, max_rows)
    except FileProblem as problem:
        answer = {"problem": [problem.code, problem.message]}
    except MemoryError:
        answer = {"problem": ["too_large", "Reading the file needs more memory than allowed: split it."]}
    else:
        fields = {field: getattr(sheet, field) for field in ("name", "header_row", "headers", "first_column", "format")}
        rows = [[row.number, [_encode(cell) for cell in row.cells]] for row in sheet.rows]
        answer = {"sheet": {**fields, "encoding": None, "rows": rows}}
    sys.stdout.write(json.dumps(answer))  # ASCII: the child's locale may not be UTF-8


if __name__ == "__main__":
    main()
