"""gunicorn settings for Qiao (docs/admin-guide.md, section 7): `gunicorn -c deploy/gunicorn.conf.py qiao.wsgi`.

Every value can be changed from the environment (the systemd unit reads /etc/qiao/qiao.env):
  QIAO_BIND            where to listen: 127.0.0.1:8000 (default) or unix:/run/qiao/gunicorn.sock
  QIAO_WEB_WORKERS     worker processes (default 2 × cores + 1)
  QIAO_WEB_THREADS     threads per worker (default 1: sync workers; more needs QIAO_DB_POOL_MAX_SIZE ≥ threads)
  QIAO_WEB_TIMEOUT     seconds a request may take before its worker is restarted (default 120)
  QIAO_WEB_MAX_REQUESTS  restart a worker after this many requests (default 2000; 0: never)
"""

import multiprocessing
import os

bind = [os.environ.get("QIAO_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("QIAO_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("QIAO_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Large exports and bulletins take a while; PostgreSQL stops a single query earlier
# (QIAO_DB_STATEMENT_TIMEOUT_MS, 30 s) and the user gets a clear page.
timeout = int(os.environ.get("QIAO_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5  # behind nginx on the same machine
# Load Qiao once in the master and fork the workers from it: the Chinese text dictionaries (about 130 MB,
# a few seconds to load) are read once, shared copy-on-write, and a worker restarted after
# max_requests starts warm.
preload_app = True
max_requests = int(os.environ.get("QIAO_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
proc_name = "qiao"
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# nginx on the same machine sets X-Forwarded-For/-Proto; Django reads them (QIAO_HTTPS, QIAO_TRUST_X_FORWARDED_FOR)
forwarded_allow_ips = os.environ.get("QIAO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"  # to the journal
errorlog = "-"
# %(M)s: request time in milliseconds; %({x-request-id}o)s: the id Qiao puts in its logs and history
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'
loglevel = os.environ.get("QIAO_LOG_LEVEL", "info").lower()


def when_ready(server):
    """In the master, before the first worker is forked: load the text dictionaries, the views, templates and
    translations (qiao/core/warmup.py) and the matching index, and close any database connection the loading
    opened (a socket shared by forked workers would mix their queries)."""
    try:
        from qiao.text.names import name_keys, query_forms

        name_keys("陳大文", "CHAN Tai Man")
        query_forms("陈大文")
    except Exception as error:  # never keep the server from starting over a warm-up
        server.log.warning("Qiao: could not preload the text dictionaries: %s", error)
    try:  # every view, template and translation catalogue, shared by the workers from the fork on
        from qiao.core.warmup import warm_up

        server.log.info("Qiao: preloaded %s", warm_up())
    except Exception as error:
        server.log.warning("Qiao: could not preload the views and templates: %s", error)
    try:  # the saved matching index, mapped once and shared by the workers
        from qiao.matching.index import preload

        if preload():
            server.log.info("Qiao: preloaded the matching index")
    except Exception as error:
        server.log.warning("Qiao: could not preload the matching index: %s", error)
    try:
        from django.db import connections

        connections.close_all()
    except Exception as error:
        server.log.warning("Qiao: could not close the master's database connections: %s", error)
