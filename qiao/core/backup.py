"""Backups: the database, the uploaded files (MEDIA_ROOT) and a manifest, in one .tar.gz — and the way back.

A backup is consistent while Qiao keeps running:
  - SQLite: sqlite3's online backup API copies the whole database in one read transaction;
  - PostgreSQL: `pg_dump --format=custom` under an exported snapshot, and the row counts and migration
    state in the manifest are read from that same snapshot.
The archive is written under a temporary name beside the target, synced to disk and renamed, so a
backup file either is complete or does not exist.

Archive members:
  manifest.json          Qiao version, vendor, time, migrations per app, row counts per table, sha256 of members
  database/qiao.sqlite3  or database/qiao.pgdump
  media/...              every file under MEDIA_ROOT

A restore refuses an archive whose manifest or checksums do not match, whose migrations the code does not
know (a backup of a newer Qiao), or whose database vendor is not this installation's (there is no
cross-vendor path: `qiao dumpdata`/`qiao loaddata` can move data between vendors by hand).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, connections

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/qiao.sqlite3", "postgresql": "database/qiao.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the person running it."""


def qiao_version() -> str:
    try:
        from importlib.metadata import version

        return version("qiao")
    except Exception:  # noqa: BLE001 - not installed as a package: the source tree's version is unknown
        return "unknown"


def default_path(now: datetime.datetime | None = None) -> Path:
    now = now or datetime.datetime.now()
    return Path(settings.VAR_DIR) / "backups" / f"qiao-{now:%Y%m%d-%H%M%S}.tar.gz"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


# ---------------------------------------------------------------------------------------------------------
# The database snapshot


def _pg_env(conn) -> tuple[dict[str, str], list[str]]:
    """Environment and arguments that point pg_dump/pg_restore at the same database as `conn`."""
    params = conn.settings_dict
    options = params.get("OPTIONS") or {}
    env = {**os.environ}
    mapping = {
        "PGHOST": params.get("HOST") or options.get("host"),
        "PGPORT": str(params.get("PORT") or options.get("port") or ""),
        "PGUSER": params.get("USER") or options.get("user"),
        "PGPASSWORD": params.get("PASSWORD") or options.get("password"),
        "PGSSLMODE": options.get("sslmode"),
        "PGOPTIONS": options.get("options"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGAPPNAME": "qiao-backup",
    }
    env.update({key: value for key, value in mapping.items() if value})
    name = params.get("NAME") or options.get("dbname") or ""
    return env, ["--dbname", name]


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools.") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.returncode}")


def _snapshot_sqlite(target: Path) -> dict:
    """Copy the live database into `target` with the online backup API; counts read from the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # one step: a consistent copy even while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        tables = [row[0] for row in cursor.fetchall()]
        return {"row_counts": _counts(cursor, tables), "migrations": _migrations(cursor)}
    finally:
        copy.close()


def _snapshot_postgresql(target: Path) -> dict:
    """pg_dump under a snapshot exported by a transaction that also reads the counts and migrations."""
    conn = connection
    raw = conn.Database.connect(**conn.get_connection_params())  # its own connection, never a pooled one
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            env, target_args = _pg_env(conn)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    *target_args,
                ],
                env,
            )
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            meta = {"row_counts": _counts(cursor, tables), "migrations": _migrations(cursor)}
        raw.rollback()
        return meta
    finally:
        raw.close()


def vendor() -> str:
    if connection.vendor not in DB_MEMBER:
        raise BackupError(f"Backups of a {connection.vendor} database are not supported (SQLite and PostgreSQL are).")
    return connection.vendor


# ---------------------------------------------------------------------------------------------------------
# Writing the archive


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _media_files(root: Path):
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create(output: Path | None = None, *, progress=None) -> tuple[Path, dict]:
    """Write a backup archive to `output` (default: var/backups/qiao-<time>.tar.gz); returns (path, manifest)."""
    kind = vendor()
    output = Path(output) if output else default_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    compress = output.name.endswith((".gz", ".tgz"))
    created = datetime.datetime.now(datetime.UTC)
    members: dict[str, dict] = {}
    handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(partial)
    try:
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".qiao-backup-") as work:
            dump = Path(work) / PurePosixPath(DB_MEMBER[kind]).name
            meta = _snapshot_sqlite(dump) if kind == "sqlite" else _snapshot_postgresql(dump)
            if progress:
                progress("database")
            with tarfile.open(partial, "w:gz" if compress else "w", format=tarfile.PAX_FORMAT) as archive:
                members[DB_MEMBER[kind]] = {"sha256": _sha256_file(dump), "size": dump.stat().st_size}
                archive.add(dump, arcname=DB_MEMBER[kind], recursive=False)
                media_count = 0
                for path, relative in _media_files(Path(settings.MEDIA_ROOT)):
                    name = MEDIA_PREFIX + relative
                    with open(path, "rb") as source:
                        info = archive.gettarinfo(fileobj=source, arcname=name)
                        reader = _HashingReader(source)
                        archive.addfile(info, reader)
                    members[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}
                    media_count += 1
                manifest = {
                    "format": FORMAT,
                    "application": "qiao",
                    "qiao_version": qiao_version(),
                    "created": created.isoformat(),
                    "vendor": kind,
                    "database": DB_MEMBER[kind],
                    "migrations": meta["migrations"],
                    "row_counts": meta["row_counts"],
                    "media_files": media_count,
                    "members": members,
                }
                text = json.dumps(manifest, indent=1, sort_keys=True).encode()
                _add_bytes(archive, MANIFEST, text, created.timestamp())
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        partial.chmod(0o600)
        os.replace(partial, output)
        _sync_folder(output.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return output, manifest


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# ---------------------------------------------------------------------------------------------------------
# Reading and checking an archive


@dataclass
class Checked:
    """An archive unpacked into `folder` whose members all match the manifest."""

    manifest: dict
    folder: Path
    media: list[str] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.folder / self.manifest["database"]


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def unpack(path: Path, folder: Path) -> Checked:
    """Unpack `path` into `folder`, checking every member against the manifest; BackupError when anything
    is missing, extra, unsafe or altered."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    try:
        with tarfile.open(path, "r:*") as archive:
            try:
                manifest = json.loads(archive.extractfile(MANIFEST).read())
            except (KeyError, AttributeError, ValueError):
                raise BackupError(f"{path} is not a Qiao backup: it has no readable manifest.") from None
            if not isinstance(manifest, dict) or manifest.get("application") != "qiao":
                raise BackupError(f"{path} is not a Qiao backup: its manifest is not Qiao's.")
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{path} is a backup in format {manifest.get('format')!r}; this Qiao reads {FORMAT}.")
            expected = manifest.get("members") or {}
            if manifest.get("database") not in expected:
                raise BackupError(f"{path}: the manifest names no database member.")
            seen = set()
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"{path}: the member {member.name!r} is not in the manifest.")
                target = folder / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = archive.extractfile(member)
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[member.name].get("sha256"):
                    raise BackupError(f"{path}: the checksum of {member.name} does not match the manifest.")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path} cannot be read as a backup archive: {error}.") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path}: members listed in the manifest are missing: {', '.join(missing[:5])}.")
    media = sorted(name[len(MEDIA_PREFIX) :] for name in seen if name.startswith(MEDIA_PREFIX))
    return Checked(manifest=manifest, folder=folder, media=media)


def newer_migrations(manifest: dict) -> list[str]:
    """Migrations applied in the backup that this code does not have (the backup comes from a newer Qiao)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known
    ]


def check_compatible(manifest: dict) -> None:
    here = vendor()
    if manifest.get("vendor") != here:
        raise BackupError(
            f"This backup is of a {manifest.get('vendor')} database and this Qiao uses {here}: a backup is restored "
            "into the same kind of database only (to move between SQLite and PostgreSQL, use `qiao dumpdata` and "
            "`qiao loaddata`)."
        )
    newer = newer_migrations(manifest)
    if newer:
        raise BackupError(
            "This backup was made by a newer Qiao: its database has migrations this code does not know "
            f"({', '.join(newer[:5])}{' …' if len(newer) > 5 else ''}). Upgrade Qiao, then restore."
        )


def summary(manifest: dict) -> str:
    counts = manifest.get("row_counts", {})
    people = counts.get("people_person")
    parts = [
        f"made {manifest.get('created')} by Qiao {manifest.get('qiao_version')}",
        f"{manifest.get('vendor')} database, {len(counts)} tables, {sum(counts.values())} rows",
        f"{manifest.get('media_files', 0)} uploaded files",
    ]
    if people is not None:
        parts.append(f"{people} people")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Restoring


def current_counts(tables) -> dict[str, int]:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found = _counts(cursor, [table for table in tables if table in existing])
    return {table: found.get(table) for table in tables}


def _restore_sqlite(dump: Path) -> None:
    """Replace the live database's content with the backup's, in one SQLite transaction (the backup API
    into the live database: other connections wait, then see the restored data; a crash leaves the old)."""
    connections.close_all()
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connections.close_all()  # the next query opens a fresh connection (WAL mode, foreign keys on)


def _restore_postgresql(dump: Path) -> None:
    """pg_restore --clean --if-exists --single-transaction into the configured database: all or nothing."""
    connections.close_all()
    env, target_args = _pg_env(connection)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            *target_args,
            str(dump),
        ],
        env,
    )
    connections.close_all()


def _restore_media(unpacked: Path) -> None:
    """Put the backup's files in place of MEDIA_ROOT: the new folder is built beside it, then swapped in."""
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.restore-"))
    if unpacked.is_dir():
        shutil.copytree(unpacked, fresh, dirs_exist_ok=True)
    old = None
    if root.exists():
        old = root.with_name(f".{root.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        try:
            os.replace(root, old)
        except OSError:  # a mount point (a container volume) cannot be renamed: update it in place
            _sync_in_place(fresh, root)
            shutil.rmtree(fresh, ignore_errors=True)
            return
    try:
        os.replace(fresh, root)
    except OSError:
        if old is not None:
            os.replace(old, root)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _sync_in_place(source: Path, root: Path) -> None:
    """Make `root` hold exactly the files of `source`: each file replaced atomically, extra files removed."""
    wanted = {relative for _path, relative in _media_files(source)}
    for path, relative in list(_media_files(root)):
        if relative not in wanted:
            path.unlink()
    for path, relative in _media_files(source):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.restore")
        shutil.copy2(path, temporary)
        os.replace(temporary, target)


def restore(checked: Checked) -> dict[str, tuple]:
    """Restore a checked archive: database, then media; returns tables whose row counts differ from the
    manifest ({table: (expected, found)}), empty when everything matches."""
    check_compatible(checked.manifest)
    if checked.manifest["vendor"] == "sqlite":
        _restore_sqlite(checked.database)
    else:
        _restore_postgresql(checked.database)
    _restore_media(checked.folder / MEDIA_PREFIX.rstrip("/"))
    expected = checked.manifest.get("row_counts", {})
    found = current_counts(expected)
    return {table: (count, found[table]) for table, count in expected.items() if found[table] != count}
