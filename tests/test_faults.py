"""A process killed (SIGKILL) in the middle of an import, a merge or a bulletin leaves no partial data and no
half-written file, and the same work can be retried and then succeeds.

Each test runs real `qiao` processes against a real database of its own: SQLite in a temporary QIAO_VAR_DIR,
or, when the suite runs on PostgreSQL (DATABASE_URL), a fresh PostgreSQL database."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("QIAO_FAULTS_ROWS", "12000"))

SETUP = """
from qiao.core.models import Unit, User
from qiao.people.models import Person
from qiao.people.services import save_person
root = User.objects.create_superuser("root", password="Qiao-root-pass-9")
centre = Unit.objects.create(name="中心", kind="centre", code="centre")
Unit.objects.create(name="基地甲", kind="base", parent=centre, code="base-a")
for name, latin, number in [("陳大文", "CHAN Tai Man", "A123456(3)"), ("陈大文", "Tai Man CHAN", "H12345678")]:
    save_person(root, Person(unit=centre, name=name, name_latin=latin, region="HK"),
                documents=[{"kind": "hkid" if number.startswith("A") else "hk_mo_permit", "number": number}])
"""


class Site:
    """A database of its own and the environment that points `qiao` at it."""

    def __init__(self, tmp_path: Path):
        self.folder = tmp_path
        self.env = {**os.environ, "QIAO_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
        self.env.pop("DATABASE_URL", None)
        self.pg_name = None
        if connection.vendor == "postgresql":
            params = connection.settings_dict
            self.pg_name = f"qiao_faults_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            user = params.get("USER") or "postgres"
            password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
            host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
            self.env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{self.pg_name}"
        self.qiao("migrate", "-v0")
        self.script(SETUP)

    def _admin(self, sql: str) -> None:
        raw = connection.Database.connect(**{**connection.get_connection_params(), "dbname": "postgres"})
        raw.autocommit = True
        try:
            raw.execute(sql)
        finally:
            raw.close()

    def drop(self):
        if self.pg_name:
            self._admin(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.pg_name}'"  # noqa: S608
            )
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}"')

    def qiao(self, *args, check=True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "qiao", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=900
        )
        if check:
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        return done

    def start(self, *args) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def script(self, code: str, *, check=True) -> str:
        """Run Python `code` with Django set up against this site's database; what it printed."""
        done = subprocess.run(
            [sys.executable, "-c", PREAMBLE + code], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=900
        )
        if check:
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        return done.stdout

    def query(self, code: str):
        """The JSON value that `code` (an expression) has in this site's database."""
        return json.loads(self.script(f"import json\nprint(json.dumps({code}))").strip().splitlines()[-1])


PREAMBLE = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
django.setup()
from django.utils import translation
translation.activate("en")
"""

COUNTS = """{
    "people": __import__("qiao.people.models", fromlist=["Person"]).Person.all_objects.count(),
    "documents": __import__("qiao.people.models", fromlist=["x"]).IdentityDocument.objects.count(),
    "traces": __import__("qiao.imports.models", fromlist=["x"]).RowTrace.objects.count(),
    "history": __import__("qiao.core.models", fromlist=["x"]).ChangeRecord.objects.count(),
    "actions": __import__("qiao.core.models", fromlist=["x"]).ActionLog.objects.count(),
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        made = Site(tmp_path_factory.mktemp("faults"))
    yield made
    with django_db_blocker.unblock():
        made.drop()


PREFIXES = {"K": 135, "B": 137, "L": 139}  # phone prefixes: the files' people never share a number


def people_file(path: Path, rows: int, tag: str) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["姓名", "英文姓名", "性別", "出生日期", "來源地", "手機", "證件類型", "證件號碼"])
        for number in range(rows):
            writer.writerow(
                [
                    f"测试{tag}{number:06d}",
                    f"TEST {tag} {number}",
                    "男" if number % 2 else "女",
                    f"19{70 + number % 30}-0{1 + number % 9}-1{number % 9}",
                    "香港",
                    f"+86 {PREFIXES.get(tag, 131)} {number // 10000:04d} {number % 10000:04d}",
                    "护照",
                    f"P{tag}{number:07d}",
                ]
            )
    return path


def _wait_for_line(process: subprocess.Popen, marker: str, timeout: float = 600) -> list[str]:
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"never printed {marker!r}: {''.join(lines)[-3000:]}")


def _inside_the_write(site: Site, process: subprocess.Popen, timeout: float = 300) -> None:
    """Wait until the process has begun writing its transaction (and has not finished it)."""
    deadline = time.monotonic() + timeout
    if site.pg_name:
        raw = connection.Database.connect(**{**connection.get_connection_params(), "dbname": site.pg_name})
        raw.autocommit = True
        try:
            while time.monotonic() < deadline and process.poll() is None:
                written = raw.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                ).fetchone()[0]
                if written:
                    time.sleep(0.5)  # well inside: more rows written, none committed
                    return
                time.sleep(0.05)
        finally:
            raw.close()
    else:
        wal = Path(site.env["QIAO_VAR_DIR"]) / "qiao.sqlite3-wal"
        start = wal.stat().st_size if wal.exists() else 0
        while time.monotonic() < deadline and process.poll() is None:
            if wal.exists() and wal.stat().st_size > start + 256 * 1024:  # pages of the open transaction spilled
                return
            time.sleep(0.05)
    output = process.stdout.read() if process.poll() is not None else "(still running)"
    raise AssertionError(f"the process finished or never started writing (QIAO_FAULTS_ROWS larger?): {output[-2000:]}")


def _wait_for(marker: Path, process: subprocess.Popen, seconds: float = 300) -> None:
    """Wait until the process has written `marker` (it is then inside the step to interrupt)."""
    deadline = time.monotonic() + seconds
    while not marker.exists():
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    assert process.poll() is None, "the process had already finished"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_killed_import_writes_nothing_and_can_be_run_again(site, tmp_path):
    """Guards all-or-nothing imports: `qiao import people` killed mid-commit leaves no person, document, trace
    or history row of the file; the same command run again imports every row."""
    source = people_file(tmp_path / "people.csv", ROWS, "K")
    before = site.query(COUNTS)
    process = site.start("-m", "qiao", "import", "people", str(source), "--unit", "base-a")
    try:
        _wait_for_line(process, "rows:")  # the dry run is done; the commit starts now
        _inside_the_write(site, process)
        _kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert site.query(COUNTS) == before
    assert site.query("__import__('qiao.people.models', fromlist=['x']).Person.all_objects"
                      ".filter(name__startswith='测试K').count()") == 0  # fmt: skip

    done = site.qiao("import", "people", str(source), "--unit", "base-a")
    assert "committed:" in done.stdout
    after = site.query(COUNTS)
    assert after["people"] == before["people"] + ROWS
    assert after["documents"] == before["documents"] + ROWS


MERGE = """
import os, sys, time
from pathlib import Path
from qiao.core.context import acting
from qiao.core.models import User
from qiao.imports.models import RowTrace
from qiao.people import merging
from qiao.people.models import Person

marker = Path(sys.argv[1])
if os.environ.get("QIAO_TEST_HOLD") == "1":
    original = RowTrace.before_merge.__func__

    def held(cls, survivor, other):
        original(cls, survivor, other)
        marker.write_text("inside")  # the survivor is saved, documents moved: the merge is half done
        time.sleep(600)

    RowTrace.before_merge = classmethod(held)
root = User.objects.get(username="root")
survivor, other = Person.objects.filter(name_latin__in=["CHAN Tai Man", "Tai Man CHAN"]).order_by("pk")
with acting(user=root, source="command"):
    merging.merge(root, survivor, other, {"name": "other"})
print("merged", survivor.pk, other.pk)
"""

STATE = """{
    "people": [[p.pk, p.name, p.deleted_at is not None, p.merged_into_id]
               for p in __import__("qiao.people.models", fromlist=["x"]).Person.all_objects
               .filter(name_latin__in=["CHAN Tai Man", "Tai Man CHAN"]).order_by("pk")],
    "documents": sorted([d.person_id, d.number] for d in __import__("qiao.people.models", fromlist=["x"])
                        .IdentityDocument.objects.filter(number__in=["A123456(3)", "H12345678"])),
    "merged": __import__("qiao.core.models", fromlist=["x"]).ActionLog.objects
              .filter(action="qiao.person.merged").count(),
}"""


def test_killed_merge_changes_nothing_and_can_be_run_again(site, tmp_path):
    """Guards the merge's single transaction: killed after the survivor was saved and links were moved, both
    records, their documents and names are as before; run again, the merge completes."""
    script = tmp_path / "merge.py"
    script.write_text(PREAMBLE + MERGE)
    marker = tmp_path / "inside"
    before = site.query(STATE)
    assert [row[2] for row in before["people"]] == [False, False]

    site.env["QIAO_TEST_HOLD"] = "1"
    try:
        process = site.start(str(script), str(marker))
    finally:
        site.env.pop("QIAO_TEST_HOLD")
    try:
        _wait_for(marker, process)
        _kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert site.query(STATE) == before

    merge = site.start(str(script), str(marker))
    output, _ = merge.communicate(timeout=600)
    assert merge.returncode == 0, output
    after = site.query(STATE)
    (survivor, _name, survivor_deleted, _into), (other, _other_name, other_deleted, into) = after["people"]
    assert not survivor_deleted and other_deleted and into == survivor
    assert {person for person, _number in after["documents"]} == {survivor}
    assert after["merged"] == before["merged"] + 1


BULLETIN_HELD = """
import os, sys, time
from pathlib import Path
from django.core.management import call_command

real_replace = os.replace

def held_replace(source, target):
    Path(sys.argv[2]).write_text(str(source))  # the whole document is in the temporary file, not yet renamed
    time.sleep(600)
    real_replace(source, target)

os.replace = held_replace
call_command("bulletin", "--unit", "centre", "--from", "2025-01-01", "--to", "2025-12-31", "-o", sys.argv[1])
"""


def _valid_docx(path: Path) -> bool:
    with zipfile.ZipFile(path) as document:
        return document.testzip() is None and "word/document.xml" in document.namelist()


def test_killed_bulletin_leaves_no_half_written_file(site, tmp_path):
    """Guards temp-file-and-rename: a bulletin killed after writing its document but before the rename leaves
    the previous file untouched (or none); killed at any moment of a real run, the target is either the old
    file or a complete document; run again, it is written in full."""
    target = tmp_path / "out" / "bulletin.docx"
    target.parent.mkdir()
    target.write_bytes(b"the previous bulletin")
    script, marker = tmp_path / "bulletin.py", tmp_path / "written"
    script.write_text(PREAMBLE + BULLETIN_HELD)
    process = site.start(str(script), str(target), str(marker))
    try:
        _wait_for(marker, process)
        temporary = Path(marker.read_text())
        assert temporary.parent == target.parent and temporary.stat().st_size > 0
        _kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert target.read_bytes() == b"the previous bulletin"

    # the real command, killed at growing moments of its run: never a partial target
    command = ["-m", "qiao", "bulletin", "--unit", "centre", "--from", "2025-01-01", "--to", "2025-12-31",
               "-o", str(target)]  # fmt: skip
    started = time.monotonic()
    full = site.start(*command)
    full.communicate(timeout=600)
    assert full.returncode == 0 and _valid_docx(target)
    duration = time.monotonic() - started
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.95):
        target.write_bytes(b"the previous bulletin")
        process = site.start(*command)
        time.sleep(duration * fraction)
        if process.poll() is None:
            process.kill()
        process.wait()
        assert target.read_bytes() == b"the previous bulletin" or _valid_docx(target)

    assert site.qiao(*command[2:]).returncode == 0
    assert _valid_docx(target)


COMMIT_HELD = """
import sys, time
from pathlib import Path
from qiao.core.models import Unit, User
from qiao.imports import services

marker = Path(sys.argv[2])
root = User.objects.get(username="root")
batch = services.upload(root, Unit.objects.get(code="base-a"), "people", "list.csv", Path(sys.argv[1]).read_bytes())
services.check(root, batch)
batch.refresh_from_db()
assert batch.status == "checked", (batch.status, batch.error)

real_commit = services.commit

def commit(*args, progress=None, **options):
    def held(done, total):
        if progress:
            progress(done, total)
        if done > 0:  # people of the file written inside the commit's transaction, not committed
            marker.write_text(str(batch.pk))
            time.sleep(600)

    return real_commit(*args, progress=held, **options)

services.commit = commit
services.commit_batch(root, batch)
"""


def test_an_import_batch_abandoned_mid_commit_can_be_committed_again(site, tmp_path):
    """Guards recovery of a dead worker: a batch left "writing" by a killed process (its work lock gone) is
    made retryable with a clear message when it is next looked at; nothing of it was written; committed
    again, it succeeds."""
    source = people_file(tmp_path / "batch.csv", 40, "B")
    script, marker = tmp_path / "commit.py", tmp_path / "batch-id"
    script.write_text(PREAMBLE + COMMIT_HELD)
    before = site.query(COUNTS)
    process = site.start(str(script), str(source), str(marker))
    try:
        _wait_for(marker, process)
        batch_id = int(marker.read_text())
        _kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    batch = f"__import__('qiao.imports.models', fromlist=['x']).ImportBatch.objects.get(pk={batch_id})"
    assert site.query(f"{batch}.status") == "committing"  # what the dead process left
    counts = site.query(COUNTS)
    assert {key: counts[key] for key in ("people", "documents", "traces")} == {
        key: before[key] for key in ("people", "documents", "traces")
    }

    recovered = site.script(
        f"from qiao.imports import services\nbatch = services.recover_stale({batch})\n"
        "print(batch.status, '|', batch.error)"
    )
    assert recovered.startswith("checked |") and "nothing was written" in recovered

    site.script(
        "from qiao.core.models import User\nfrom qiao.imports import services\n"
        f"services.commit_batch(User.objects.get(username='root'), {batch})"
    )
    assert site.query(f"[{batch}.status, {batch}.written, {batch}.error]")[0] == "committed"
    assert site.query(COUNTS)["people"] == before["people"] + 40, site.query(f"[{batch}.written, {batch}.counts]")


def test_a_running_batch_is_not_taken_for_abandoned(site, tmp_path):
    """Guards the other side of recovery: while the process holding the batch's work lock lives, the batch
    stays "writing" (no second commit can start)."""
    source = people_file(tmp_path / "live.csv", 20, "L")
    script, marker = tmp_path / "commit.py", tmp_path / "live-id"
    script.write_text(PREAMBLE + COMMIT_HELD)
    process = site.start(str(script), str(source), str(marker))
    try:
        _wait_for(marker, process)
        batch_id = int(marker.read_text())
        batch = f"__import__('qiao.imports.models', fromlist=['x']).ImportBatch.objects.get(pk={batch_id})"
        status = site.script(f"from qiao.imports import services\nprint(services.recover_stale({batch}).status)")
        assert status.strip() == "committing"
    finally:
        process.kill()
        process.wait()
