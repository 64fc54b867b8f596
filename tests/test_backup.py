"""`qiao backup` / `qiao restore`: a round trip gives back every row and every uploaded byte, on SQLite and
on PostgreSQL (run with DATABASE_URL); a damaged, foreign or newer backup is refused and nothing is touched."""

import datetime
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def table_dump() -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two databases with equal dumps hold the same data."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        dump = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump[table] = sorted(tuple(map(repr, row)) for row in cursor.fetchall())
    return dump


def media_dump(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def world(network, make_user, make_person, media):
    """People with documents, an activity with an attached photo, history rows from real edits."""
    from qiao.activities import services as activity_services
    from qiao.activities.models import Activity, ActivityKind, Attachment
    from qiao.people.models import Person
    from qiao.people.services import save_person

    root = make_user("root", is_superuser=True)
    chan = make_person(
        network["a"],
        "陳大文",
        user=root,
        documents=[{"kind": "hkid", "number": "A123456(3)"}],
        phones=["+852 9123 4567"],
    )
    lee = make_person(network["b"], "李小龍", user=root)
    chan.profile = "金融科技"
    save_person(root, chan, documents=[{"kind": "hkid", "number": "A123456(3)"}])
    activity = activity_services.save_activity(
        root,
        Activity(
            unit=network["a"],
            kind=ActivityKind.objects.get(code="exchange-visit"),
            title="交流团",
            start_date=datetime.date(2025, 5, 1),
        ),
    )
    activity_services.add_participant(root, activity, chan, status="attended")
    photo = Attachment(activity=activity, caption="合影")
    photo.file.save("photo.jpg", ContentFile(b"\xff\xd8\xff" + bytes(range(256)) * 40), save=True)
    return {"root": root, "chan": chan, "lee": lee, "activity": activity, "photo": photo, "Person": Person}


def test_round_trip_restores_every_row_and_every_file(world, media, tmp_path):
    """Guards the whole backup: database rows (people, documents, participations, history) and uploaded
    files come back byte for byte after they were changed, deleted and added to."""
    from qiao.core.models import ChangeRecord
    from qiao.people.models import Person
    from qiao.people.services import save_person

    assert ChangeRecord.objects.exists()
    before_rows, before_files = table_dump(), media_dump(media)
    archive = tmp_path / "out" / "qiao.tar.gz"
    archive.parent.mkdir()
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    assert archive.is_file() and not list(archive.parent.glob(".*"))  # no temporary left behind

    # the manifest says what is inside, with the counts of this very snapshot
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["vendor"] == connection.vendor
    assert manifest["row_counts"]["people_person"] == 2
    assert "0001_initial" in manifest["migrations"]["people"]
    assert set(manifest["members"]) | {"manifest.json"} == names
    assert any(name.startswith("media/activities/") for name in names)

    # change, delete and add things, in the database and among the files
    chan = Person.objects.get(pk=world["chan"].pk)
    chan.name = "陳大明"
    save_person(world["root"], chan, documents=[])
    world["lee"].soft_delete(world["root"])
    Person.all_objects.filter(pk=world["lee"].pk).delete()
    world["photo"].file.storage.delete(world["photo"].file.name)
    (media / "stray.txt").write_text("added after the backup")
    assert table_dump() != before_rows

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "row counts match" in out.getvalue()
    assert table_dump() == before_rows
    assert media_dump(media) == before_files
    # the application reads the restored data through fresh connections
    assert Person.objects.get(pk=world["chan"].pk).name == "陳大文"
    assert Person.objects.filter(pk=world["lee"].pk).exists()


def test_backup_default_path_and_plain_tar(world, settings, tmp_path):
    """Guards the default location under var/backups and the uncompressed variant."""
    settings.VAR_DIR = tmp_path / "var"
    call_command("backup", stdout=io.StringIO())
    written = list((tmp_path / "var" / "backups").glob("qiao-*.tar.gz"))
    assert len(written) == 1
    plain = tmp_path / "plain.tar"
    call_command("backup", "-o", str(plain), stdout=io.StringIO())
    with tarfile.open(plain, "r:") as tar:  # not compressed
        assert "manifest.json" in tar.getnames()


def _repack(source: Path, target: Path, change, add: dict | None = None) -> None:
    """Copy an archive member by member, letting `change(name, data)` alter or drop (None) each one."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        members = [(member.name, old.extractfile(member).read()) for member in old]
        for name, data in [*(add or {}).items(), *members]:
            data = change(name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _with_manifest(edit):
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


@pytest.fixture
def archive(world, tmp_path):
    path = tmp_path / "good.tar.gz"
    call_command("backup", "-o", str(path), stdout=io.StringIO())
    return path


def _refused(path: Path, message: str) -> None:
    """The restore stops with `message` and the database and the files stay exactly as they were."""
    from django.conf import settings

    rows, files = table_dump(), media_dump(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert table_dump() == rows
    assert media_dump(Path(settings.MEDIA_ROOT)) == files


def test_a_damaged_backup_is_refused(archive, tmp_path):
    """Guards the checksums: one flipped byte in the database member, or a missing member, stops the restore."""
    flipped = tmp_path / "flipped.tar.gz"
    _repack(
        archive, flipped, lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database/") else data
    )
    _refused(flipped, "checksum of database/")

    missing = tmp_path / "missing.tar.gz"
    _repack(archive, missing, lambda name, data: None if name.startswith("media/") else data)
    _refused(missing, "missing")

    extra = tmp_path / "extra.tar.gz"
    _repack(archive, extra, lambda name, data: data, add={"media/../../evil.txt": b"x"})
    _refused(extra, "not in the manifest")

    not_backup = tmp_path / "other.tar.gz"
    with tarfile.open(not_backup, "w:gz") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    _refused(not_backup, "not a Qiao backup")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(truncated, "cannot be read|checksum|missing")


def test_a_backup_of_a_newer_qiao_or_another_vendor_is_refused(archive, tmp_path):
    """Guards the compatibility checks: migrations the code does not know, or another database vendor."""
    newer = tmp_path / "newer.tar.gz"
    _repack(archive, newer, _with_manifest(lambda m: m["migrations"]["people"].append("9999_from_the_future")))
    _refused(newer, "newer Qiao.*people.9999_from_the_future")

    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    foreign = tmp_path / "foreign.tar.gz"
    _repack(archive, foreign, _with_manifest(lambda m: m.update(vendor=other)))
    _refused(foreign, f"backup is of a {other} database")


def test_restore_asks_before_replacing(archive, monkeypatch):
    """Guards the confirmation: without --yes and without a terminal nothing is restored; a "no" keeps all."""
    from django.conf import settings

    rows = table_dump()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert table_dump() == rows
    assert Path(settings.MEDIA_ROOT).is_dir()


@pytest.mark.django_db(transaction=False)
def test_media_restored_in_place_when_the_folder_cannot_be_renamed(tmp_path):
    """Guards the fallback for a media folder that is a mount point: its content becomes exactly the backup's."""
    from qiao.core import backup

    source, root = tmp_path / "from-backup", tmp_path / "media"
    (source / "activities").mkdir(parents=True)
    (source / "activities" / "a.jpg").write_bytes(b"backup")
    (root / "activities").mkdir(parents=True)
    (root / "activities" / "a.jpg").write_bytes(b"changed since")
    (root / "later.txt").write_text("uploaded after the backup")
    backup._sync_in_place(source, root)
    assert media_dump(root) == media_dump(source)
