import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
DJANGO_IMPORT = re.compile(r"^\s*(?:import|from)\s+django\b", re.MULTILINE)


# The Django side of the app (apps, services, management commands, later models and views) wraps
# these; the reading layer itself stays pure so it can be tested and reused without a database.
DJANGO_SIDE = {
    "apps.py",
    "services.py",
    "models.py",
    "views.py",
    "forms.py",
    "urls.py",
    "tasks.py",
    "tables.py",
    "filtersets.py",
    "fields.py",
    "worklock.py",  # database advisory locks (PostgreSQL) or file locks: who is working on a batch
}
DJANGO_SIDE_DIRS = {"management", "migrations", "api", "kinds"}


def test_the_import_modules_never_import_django():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.name in DJANGO_SIDE or relative.parts[0] in DJANGO_SIDE_DIRS:
            continue
        assert not DJANGO_IMPORT.search(path.read_text(encoding="utf-8")), path


def test_reading_a_file_loads_no_django():
    code = (
        "import sys; from qiao.imports import readers, headers, values; "
        "readers.read_table('姓名,手机,出生日期\\n陈大文,91234567,1990-05-04\\n'.encode(), 'x.csv'); "
        "values.date('1990-05-04'); values.phones('91234567', 'HK'); "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parents[1]
    )
    assert result.stdout.strip() == "[]"
