"""What a web process loads on its first requests, loaded once in gunicorn's master before it forks its workers.

Each worker otherwise imports every view module, compiles every template and reads the translation catalogues
on the first request that needs them: up to a second per page and worker, paid again by every worker gunicorn
starts (five workers, a restart every 2,000 requests; bench/RESULTS.md, issue 10: the first search, edit form and
match list of each worker took 0.6–1.1 s). Done in the master, the workers share it from the fork on.

Reads no database: `deploy/gunicorn.conf.py` calls `warm_up()` from `when_ready` and closes any connection after.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def template_names() -> list[str]:
    """Every template of the project and its apps' template folders (the names `get_template` takes)."""
    names = set()
    for engine in engines.all():
        for folder in engine.template_dirs:
            root = Path(folder)
            if root.is_dir():
                names.update(str(path.relative_to(root)) for path in root.rglob("*.html"))
    return sorted(names)


def warm_up() -> dict[str, int]:
    """Import every view (the URL configuration), compile every template into the cached loader, and read the
    translation catalogues of every language. Returns what was loaded, for the log."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    resolver.reverse_dict  # noqa: B018 - and builds the reverse lookup every page uses
    compiled = 0
    for name in template_names():
        for engine in engines.all():
            try:
                engine.get_template(name)
                compiled += 1
            except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment meant for another engine or use
                continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Qiao")
    return {"templates": compiled, "languages": len(settings.LANGUAGES)}
