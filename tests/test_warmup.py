"""gunicorn's master loads the views, templates and translations before it forks (qiao/core/warmup.py)."""

from django.template import engines

from qiao.core import warmup


def test_warm_up_compiles_the_templates_into_the_cached_loader_and_reads_no_database():
    """No database fixture: a query would fail the test (the master must not open connections it forks)."""
    names = warmup.template_names()
    assert "base.html" in names and "people/person.html" in names
    loaded = warmup.warm_up()
    # all but a third-party fragment for a library Qiao does not install (django-filter's crispy form)
    assert loaded["templates"] >= len(names) - 1 and loaded["languages"] == 3
    cached = engines["django"].engine.template_loaders[0]  # django.template.loaders.cached.Loader
    assert any(key.startswith("people/person.html") for key in cached.get_template_cache)
