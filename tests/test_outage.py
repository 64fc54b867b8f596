"""When the database cannot be reached, a real gunicorn answers 503 with a clear page (JSON for the API) and
Retry-After, never a stack trace or a hang; and it serves normally again by itself once the database is back
(PostgreSQL: a proxy in front of it is stopped and restarted; the app's connections are terminated)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
COOKIE = {"Cookie": "sessionid=0123456789abcdefghijklmnopqrstuv", "Accept-Language": "en"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers=None, timeout=20.0):
    """(status, headers, body) of a GET, following no redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={**COOKIE, **(headers or {})})
    try:
        with opener.open(request, timeout=timeout) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class Server:
    """gunicorn serving Qiao with `database_url`, on a free port of the loopback."""

    def __init__(self, tmp_path: Path, database_url: str):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "QIAO_VAR_DIR": str(tmp_path / "var"),
            "DJANGO_SETTINGS_MODULE": "qiao.settings",
            "QIAO_DB_CONN_MAX_AGE": "600",  # keep the connection between requests, as in production
        }
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "qiao.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--graceful-timeout",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115 - closed with the process
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve(tmp_path):
    servers = []

    def start(database_url):
        server = Server(tmp_path, database_url)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("postgres://qiao@127.0.0.1:{closed}/qiao", id="postgresql-closed-port"),
        pytest.param("sqlite:////nonexistent-qiao-folder/qiao.sqlite3", id="sqlite-unopenable-file"),
    ],
)
def test_unreachable_database_gives_503_pages(serve, database_url):
    """Guards the outage middleware: pages that need the database answer 503 with the translated message and
    Retry-After (no 500, no stack trace); the API answers JSON 503; /healthz reports the database error."""
    server = serve(database_url.format(closed=free_port()))
    status, headers, body = get(server.port, "/")  # the session cookie makes the page read the database
    assert status == 503, body[:500]
    assert "The database cannot be reached right now" in body
    assert headers["Retry-After"] == "30"
    assert "Traceback" not in body and "OperationalError" not in body

    status, headers, body = get(server.port, "/", {"Accept-Language": "zh-Hans"})
    assert status == 503 and headers["Content-Language"].lower() == "zh-hans"

    status, headers, body = get(server.port, "/api/people/", {"Accept": "application/json"})
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert '"database_unavailable"' in body and headers["Retry-After"] == "30"

    status, _headers, body = get(server.port, "/healthz", {"Cookie": ""})
    assert status == 503 and '"database": "error' in body


class Proxy:
    """A TCP relay to PostgreSQL that can be cut (every connection dropped) and brought back on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self.sockets: list[socket.socket] = []
        self.listener = None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread: the port is closed
        self.listener.close()
        for end in self.sockets:
            try:
                end.shutdown(socket.SHUT_RDWR)
                end.close()
            except OSError:
                pass
        self.sockets = []


def _pg_url(port: int) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@127.0.0.1:{port}/{params['NAME']}"


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the outage of a database server: PostgreSQL (DATABASE_URL)"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_service_recovers_by_itself_when_the_database_comes_back(serve):
    """Guards the recovery: the database goes away (every connection cut), pages answer 503; it comes back
    and the very next request is served again, without restarting gunicorn."""
    params = connection.settings_dict
    proxy = Proxy((params.get("HOST") or "127.0.0.1", int(params.get("PORT") or 5432)))
    proxy.start()
    server = serve(_pg_url(proxy.port))
    assert get(server.port, "/")[0] == 302  # the session looked up in the database; none: to the login page
    assert get(server.port, "/healthz", {"Cookie": ""})[0] == 200

    proxy.cut()
    status, _headers, body = get(server.port, "/")
    assert status == 503 and "The database cannot be reached right now" in body
    assert get(server.port, "/healthz", {"Cookie": ""})[0] == 503

    proxy.start()
    assert get(server.port, "/")[0] == 302
    assert get(server.port, "/healthz", {"Cookie": ""})[0] == 200


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_terminated_connections_are_replaced_on_the_next_request(serve):
    """Guards CONN_HEALTH_CHECKS: after pg_terminate_backend of the app's connections, the next request
    opens a new connection instead of failing."""
    server = serve(_pg_url(int(connection.settings_dict.get("PORT") or 5432)))
    assert get(server.port, "/")[0] == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        assert cursor.fetchone()[0] >= 1  # gunicorn's connection was there, and is gone
    time.sleep(0.5)
    assert get(server.port, "/")[0] == 302
    assert get(server.port, "/healthz", {"Cookie": ""})[0] == 200
