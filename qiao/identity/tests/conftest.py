import pytest


@pytest.fixture(autouse=True)
def _english_by_default():
    """Overrides the project-wide fixture of the same name, which needs pytest-django's `settings`:
    these tests are pure Python and run with `-p no:django`."""
