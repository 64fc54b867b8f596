"""Imports: the dry run and the commit of any kind, and the life of an uploaded batch.

The rules of each kind live in `kinds/` (people, organisations); this module is what views, the
API, the command line and background tasks call.

A batch moves  uploaded → checking → checked → committing → committed  (or failed / cancelled).
Every move is a conditional update, so two clicks, two tabs or two workers cannot commit twice.
Files up to QIAO_IMPORT_INLINE_ROWS rows are checked and written while the user waits; larger
ones go to the background worker (`qiao db_worker`), which reports progress through the cache.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import gc
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import scoping
from qiao.core.context import acting
from qiao.text import compact

from . import fields as fields_
from . import headers, readers, worklock
from .errors import FileProblem
from .kinds import KINDS, importer
from .kinds.base import Plan, Progress, problem_text  # noqa: F401  (re-exported for callers)
from .layout import Sheet
from .models import BatchStatus, ImportBatch, ImportKind, ImportRow, SavedMapping

log = logging.getLogger(__name__)
SAMPLE_ROWS = 5


def plan(
    user, sheet: Sheet, mapping: list[str | None], kind: str = "people", progress: Progress = None, **options
) -> Plan:
    """The dry run: every row parsed, checked and linked to the records `user` may see; nothing written.
    `options` are the kind's own (a participants list names its activity)."""
    with collector_paused():
        return importer(kind).plan(user, sheet, mapping, progress, **options)


def commit(
    user, unit, plan: Plan, *, skip_invalid: bool = False, source: str = "", progress: Progress = None, **options
):
    """Write every accepted row of `plan` in one transaction, owned by `unit`; returns the counts."""
    with collector_paused():
        return importer(plan.kind).commit(
            user, unit, plan, skip_invalid=skip_invalid, source=source, progress=progress, **options
        )


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for the block (it stays on if the caller turned it off).

    An import holds its rows, the name dictionaries (millions of objects) and the linkage caches, and allocates
    enough to start a full collection a dozen times per 10,000 rows, each walking all of them: a second of a ten-
    second import (bench/RESULTS.md, issue 3). Almost everything an import drops is freed by reference counting
    anyway; what is left in cycles is collected when the block ends. The import's size is bounded
    (QIAO_IMPORT_MAX_ROWS), and so is what waits."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _options(batch: ImportBatch, *, writing: bool) -> dict:
    """What a kind needs besides the sheet: a participants list's activity, role and status."""
    if batch.kind != ImportKind.PARTICIPATIONS:
        return {}
    options = {"activity": batch.activity}
    if writing:
        options.update(role=batch.options.get("role", "participant"), status=batch.options.get("status", "attended"))
    return options


# ---------------------------------------------------------------- messages


def file_problem_text(problem: FileProblem) -> str:
    """Why a whole file cannot be read, in the user's language."""
    limit = settings.QIAO_IMPORT_MAX_BYTES / 2**20
    messages = {
        "empty": _("The file is empty: it has no rows to import."),
        "corrupt": _("The file is damaged or is not a spreadsheet we can read."),
        "encrypted": _("The file is protected by a password: save it without the password and upload it again."),
        "too_large": _("The file is larger than the limit of %(limit)g MB.") % {"limit": limit},
        "unsupported": _("This kind of file cannot be imported: use xlsx, xls, ods or csv."),
        "encoding": _("The text of this file is in an encoding we cannot recognise: save it as UTF-8 and try again."),
    }
    return messages.get(problem.code, problem.message)


def target_model(kind: str):
    """The model whose records a kind of import creates."""
    if kind == ImportKind.ORGANIZATIONS:
        from qiao.orgs.models import Organization

        return Organization
    from qiao.people.models import Person

    return Person


def reason_label(kind: str, code: str) -> str:
    return str(getattr(importer(kind), "REASONS", {}).get(code, code))


# ---------------------------------------------------------------- progress


def _progress_key(batch_id: int) -> str:
    return f"qiao:import:{batch_id}:progress"


def progress(batch: ImportBatch) -> tuple[int, int]:
    """(rows done, rows in all) of the batch's current check or commit."""
    return tuple(cache.get(_progress_key(batch.pk)) or (0, batch.row_count))


def _reporter(batch_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        cache.set(_progress_key(batch_id), (done, total), 24 * 3600)

    return report


# ---------------------------------------------------------------- the batch's life


def _plain(value):
    """A cell as JSON can keep it (for the sample rows shown beside the mapping)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def _read(data: bytes, filename: str) -> Sheet:
    try:
        return readers.read_table(
            data,
            filename,
            max_bytes=settings.QIAO_IMPORT_MAX_BYTES,
            max_rows=settings.QIAO_IMPORT_MAX_ROWS,
        )
    except FileProblem as problem:
        raise ValidationError(file_problem_text(problem), code=problem.code) from problem


def saved_mappings(user, kind: str):
    return SavedMapping.objects.restrict(user).filter(kind=kind).select_related("unit")


def apply_saved(saved: SavedMapping, header_texts: list[str]) -> list[str | None]:
    """The saved mapping's field for each header it knows (by folded text, "" = ignored); a guess for others."""
    guessed = headers.guess_mapping(header_texts, saved.kind)
    mapping = []
    for text, guess in zip(header_texts, guessed, strict=True):
        key = compact(text)
        mapping.append((saved.columns[key] or None) if key in saved.columns else guess)
    return mapping


def _best_saved(user, kind: str, header_texts: list[str]) -> SavedMapping | None:
    """A saved mapping made for exactly these headers, if the user may see one."""
    wanted = {compact(text) for text in header_texts if text}
    for saved in saved_mappings(user, kind).order_by("-created_at"):
        if set(saved.columns) == wanted:
            return saved
    return None


def upload(
    user, unit, kind: str, filename: str, data: bytes, *, activity=None, options: dict | None = None
) -> ImportBatch:
    """Read an uploaded file and keep it as a batch whose columns the user confirms next.

    Raises ValidationError (a message for the user) when the file cannot be read, and
    PermissionDenied when the user may not add records to `unit`. Nothing is kept then.
    A list of participants belongs to `activity`; its new people belong to the activity's unit."""
    if kind not in KINDS:
        raise ValidationError(_("Unknown kind of import."), code="kind")
    if kind == ImportKind.PARTICIPATIONS:
        from qiao.activities.models import Activity

        if activity is None or not Activity.objects.restrict(user, "change").filter(pk=activity.pk).exists():
            raise ValidationError(_("Choose an activity you may change for this list."), code="activity")
        unit = activity.unit
    if not scoping.may(user, "add", unit.pk):
        raise PermissionDenied(_("You may not keep records for this unit."))
    sheet = _read(data, filename)
    if not sheet.rows:
        raise ValidationError(_("The file has a header but no rows below it."), code="empty")
    saved = _best_saved(user, kind, sheet.headers)
    mapping = apply_saved(saved, sheet.headers) if saved else headers.guess_mapping(sheet.headers, kind)
    return ImportBatch.objects.create(
        unit=unit,
        kind=kind,
        created_by=user,
        filename=filename[:255],
        size=len(data),
        content=data,
        sheet_name=sheet.name[:255],
        file_format=sheet.format,
        encoding=sheet.encoding or "",
        header_row=sheet.header_row,
        first_column=sheet.first_column,
        headers=sheet.headers,
        sample=[[_plain(cell) for cell in row.cells] for row in sheet.rows[:SAMPLE_ROWS]],
        mapping=mapping,
        row_count=len(sheet.rows),
        activity=activity if kind == ImportKind.PARTICIPATIONS else None,
        options=options or {},
    )


def column_letters(batch: ImportBatch) -> list[str]:
    return [readers.column_letter(batch.first_column + index) for index in range(len(batch.headers))]


def clean_mapping(batch: ImportBatch, mapping: list) -> list[str | None]:
    """Check a mapping chosen by the user: one entry per column, known fields, each single-valued
    field on one column only, and a name column."""
    fields = headers.fields(batch.kind)
    if not isinstance(mapping, list) or len(mapping) != len(batch.headers):
        raise ValidationError(
            _("The mapping must have one entry for each of the %(count)d columns.") % {"count": len(batch.headers)},
            code="mapping",
        )
    cleaned = []
    for value in mapping:
        value = value or None
        if value is not None and value not in fields:
            raise ValidationError(_("Unknown field: %(field)s.") % {"field": value}, code="mapping")
        cleaned.append(value)
    for name in set(cleaned) - {None} - headers.MULTI_VALUED:
        columns = [batch.headers[i] or str(i + 1) for i, v in enumerate(cleaned) if v == name]
        if len(columns) > 1:
            raise ValidationError(
                _("%(field)s is chosen for more than one column: %(columns)s.")
                % {"field": fields_.label(batch.kind, name), "columns": "、".join(columns)},
                code="mapping",
            )
    if "name" not in cleaned and "name_latin" not in cleaned:
        raise ValidationError(_("Choose the column that holds the name."), code="mapping")
    return cleaned


def save_mapping(user, batch: ImportBatch, name: str) -> SavedMapping:
    name = name.strip()[:100]
    if not name:
        raise ValidationError(_("Give the mapping a name."), code="mapping_name")
    # every header is kept, an ignored one as "", so that a file with the same headers matches exactly
    columns = {compact(text): field or "" for text, field in zip(batch.headers, batch.mapping, strict=True) if text}
    saved, _created = SavedMapping.objects.update_or_create(
        unit=batch.unit, kind=batch.kind, name=name, defaults={"columns": columns, "created_by": user}
    )
    return saved


def _move(batch: ImportBatch, allowed: tuple[str, ...], to: str, **fields) -> bool:
    """Move the batch to status `to` if it is in one of `allowed` now; False when another request won."""
    moved = ImportBatch.objects.filter(pk=batch.pk, status__in=allowed).update(status=to, **fields)
    if moved:
        batch.status = to
        for name, value in fields.items():
            setattr(batch, name, value)
    return bool(moved)


def _require(user, batch: ImportBatch) -> None:
    if not scoping.may(user, "add", batch.unit_id):
        raise PermissionDenied(_("You may not keep records for this unit."))


OPEN = (BatchStatus.UPLOADED, BatchStatus.CHECKED, BatchStatus.FAILED)  # see ImportBatch.is_open


def _busy() -> ValidationError:
    return ValidationError(_("This import is already being written or is finished."), code="state")


def _run(batch: ImportBatch, here, task) -> ImportBatch:
    """Do a batch's next step now (a small file) or in the background worker (a large one)."""
    _reporter(batch.pk)(0, batch.row_count)
    if batch.row_count <= settings.QIAO_IMPORT_INLINE_ROWS:
        here(batch.pk)
    else:
        task.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def visible_targets(user, batch: ImportBatch, rows) -> set[int]:
    """Ids of the known records proposed for `rows` that `user` may see: only those are named."""
    ids = {match["id"] for row in rows for match in row.matches}
    model = target_model(batch.kind)
    return set(model.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def check(user, batch: ImportBatch, mapping: list | None = None) -> ImportBatch:
    """Run the dry run with `mapping` (or the batch's own): at once for a small file, else in the background."""
    _require(user, batch)
    if not batch.is_open:
        raise _busy()
    cleaned = clean_mapping(batch, batch.mapping if mapping is None else mapping)
    if not _move(batch, OPEN, BatchStatus.CHECKING, mapping=cleaned, error=""):
        raise _busy()
    from .tasks import check_batch

    return _run(batch, run_check, check_batch)


def commit_batch(user, batch: ImportBatch, *, skip_invalid: bool = False) -> ImportBatch:
    """Write a checked batch: at once for a small file, else in the background."""
    _require(user, batch)
    if batch.status != BatchStatus.CHECKED:
        raise ValidationError(_("Only a checked import can be committed."), code="state")
    blocking = batch.counts.get("error", 0) + (batch.counts.get("review", 0) if batch.kind == "organizations" else 0)
    if blocking and not skip_invalid:
        raise ValidationError(_("Some rows have problems: fix the file, or skip those rows."), code="problems")
    if not _move(batch, (BatchStatus.CHECKED,), BatchStatus.COMMITTING, committed_by=user, skip_invalid=skip_invalid):
        raise _busy()
    from .tasks import commit_batch as task

    return _run(batch, run_commit, task)


def cancel(user, batch: ImportBatch) -> ImportBatch:
    _require(user, batch)
    if not _move(batch, OPEN, BatchStatus.CANCELLED, content=None):
        raise _busy()
    ImportRow.objects.filter(batch=batch).delete()
    return batch


def _sheet_of(batch: ImportBatch) -> Sheet:
    if batch.kind != ImportKind.ORGANIZATIONS:  # people, or an activity's participants: rows linked to people
        from qiao.people import linkage

        linkage.prepare_soon()  # the name dictionaries load while the file is read in its sandbox
    return _read(bytes(batch.content), batch.filename)


def _store_rows(batch: ImportBatch, report: Plan) -> None:
    ImportRow.objects.filter(batch=batch).delete()
    ImportRow.objects.bulk_create(
        (
            ImportRow(
                batch=batch,
                number=row.number,
                outcome=row.outcome,
                label=row.label[:200],
                problems=[list(p) for p in row.problems],
                matches=[
                    {"id": m.target.pk, "label": str(m.target)[:200], "score": m.score, "reasons": list(m.reasons)}
                    for m in row.matches[:5]
                ],
            )
            for row in report.rows
        ),
        batch_size=1000,
    )


def run_check(batch_id: int) -> None:
    """The dry run of a batch (inline or in the worker): its report is stored row by row."""
    with worklock.hold(batch_id):  # released when this process ends, however: see recover_stale()
        _run_check(batch_id)


def _run_check(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("created_by", "unit").get(pk=batch_id)
    if batch.status != BatchStatus.CHECKING:
        return
    try:
        with acting(user=batch.created_by, source="import"):
            report = plan(
                batch.created_by,
                _sheet_of(batch),
                batch.mapping,
                batch.kind,
                _reporter(batch.pk),
                **_options(batch, writing=False),
            )
            with transaction.atomic():
                _store_rows(batch, report)
                counts = report.counts()
                _move(
                    batch,
                    (BatchStatus.CHECKING,),
                    BatchStatus.CHECKED,
                    counts=counts,
                    problem_count=sum(len(row.problems) for row in report.rows),
                    checked_at=timezone.now(),
                )
    except ValidationError as error:
        _move(batch, (BatchStatus.CHECKING,), BatchStatus.FAILED, error=" ".join(error.messages))
    except Exception:
        log.exception("import %s: the check failed", batch_id)
        _move(batch, (BatchStatus.CHECKING,), BatchStatus.FAILED, error=_("The check stopped with an internal error."))


def run_commit(batch_id: int) -> None:
    """Write a batch (inline or in the worker), as the user who committed it. All or nothing."""
    with worklock.hold(batch_id):
        _run_commit(batch_id)


def _run_commit(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("committed_by", "unit").get(pk=batch_id)
    if batch.status != BatchStatus.COMMITTING:
        return
    user = batch.committed_by
    report_progress = _reporter(batch.pk)
    try:
        with acting(user=user, source="import"):
            sheet = _sheet_of(batch)
            # the registry may have changed since the dry run: link again, then write what is true now
            report = plan(
                user,
                sheet,
                batch.mapping,
                batch.kind,
                lambda done, total: report_progress(done // 2, total),
                **_options(batch, writing=False),
            )
            written = commit(
                user,
                batch.unit,
                report,
                skip_invalid=batch.skip_invalid,
                source=batch.filename,
                progress=lambda done, total: report_progress(total // 2 + done // 2, total),
                **_options(batch, writing=True),
            )
    except (ValidationError, ValueError, PermissionDenied) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _move(batch, (BatchStatus.COMMITTING,), BatchStatus.CHECKED, error=message)
        return
    except Exception:
        log.exception("import %s: the commit failed", batch_id)
        _move(
            batch,
            (BatchStatus.COMMITTING,),
            BatchStatus.FAILED,
            error=_("Writing stopped with an internal error; nothing was written."),
        )
        return
    _move(
        batch,
        (BatchStatus.COMMITTING,),
        BatchStatus.COMMITTED,
        written=written,
        committed_at=timezone.now(),
        content=None,
        error="",
    )
    report_progress(batch.row_count, batch.row_count)


# ---------------------------------------------------------------- a worker that died


def _queued(batch: ImportBatch) -> bool:
    """Whether the batch's next step waits in the database task queue (not started yet)."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing to look at
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path__startswith="qiao.imports.tasks.",
        args_kwargs__args=[batch.pk],
    ).exists()


def recover_stale(batch: ImportBatch) -> ImportBatch:
    """A batch left "checking" or "writing" by a process that ended mid-way (killed, out of memory, the machine
    restarted) goes back to where it can be retried: nothing of it was written, as every write is one
    transaction. A batch whose work lock is held, or whose task still waits in the queue, is left alone."""
    if not batch.is_busy or worklock.held(batch.pk) or _queued(batch):
        return batch
    if batch.status == BatchStatus.COMMITTING:
        message = _(
            "Writing stopped before it finished (the process doing it ended); nothing was written. Commit again."
        )
        moved = _move(batch, (BatchStatus.COMMITTING,), BatchStatus.CHECKED, error=message)
    else:
        message = _("The check stopped before it finished (the process doing it ended). Check the file again.")
        moved = _move(batch, (BatchStatus.CHECKING,), BatchStatus.FAILED, error=message)
    if moved:
        log.warning("import %s: abandoned while %s, made retryable", batch.pk, batch.status)
        # the abandoned task is failed in the queue too, so that no worker runs it later
        try:
            from django_tasks.base import TaskResultStatus
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING,
                task_path__startswith="qiao.imports.tasks.",
                args_kwargs__args=[batch.pk],
            ).update(status=TaskResultStatus.FAILED, finished_at=timezone.now())
        except ImportError:
            pass
    else:
        batch.refresh_from_db()
    return batch
