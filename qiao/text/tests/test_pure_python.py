import re
import subprocess
import sys
from pathlib import Path

DJANGO_IMPORT = re.compile(r"^\s*(?:import|from)\s+django\b", re.MULTILINE)
PACKAGES = [Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "identity"]


def test_text_and_identity_never_import_django():
    for package in PACKAGES:
        for path in package.rglob("*.py"):
            assert not DJANGO_IMPORT.search(path.read_text(encoding="utf-8")), path


def test_importing_the_packages_is_cheap_and_loads_no_heavy_dictionary():
    code = (
        "import sys, qiao.text, qiao.identity; "
        "heavy = {'django', 'ToJyutping', 'pypinyin', 'opencc', 'phonenumbers'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGES[0].parents[1]
    )
    assert result.stdout.strip() == "[]"
