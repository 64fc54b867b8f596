"""The example production configuration under deploy/ works as written: nginx accepts the site and, running, redirects
HTTP, serves static files itself with long caching, passes /media/ and everything else to Qiao with the forwarding
headers; systemd accepts every unit and the `qiao` commands they start exist with those options; gunicorn loads its
configuration and Qiao; and the environment example lists every variable qiao/settings.py reads.

nginx and systemd-analyze are Debian's; a test skips (with the reason) only when the program is missing."""

import ast
import gzip
import http.client
import http.server
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
UNITS = sorted((DEPLOY / "systemd").iterdir())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- nginx


class Backend(http.server.ThreadingHTTPServer):
    """Stands in for gunicorn: answers every request with what it received, as JSON (large enough to be gzipped)."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                body = json.dumps(
                    {"app": "qiao", "path": self.path, "headers": dict(self.headers.items()), "pad": "x" * 4000}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def nginx_site(tmp: Path, http_port: int, https_port: int, app_port: int) -> Path:
    """deploy/nginx/qiao.conf with its machine paths and ports moved into `tmp` (IPv6 listeners dropped: a
    container may have no IPv6)."""
    site = (DEPLOY / "nginx" / "qiao.conf").read_text()
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000": f"server 127.0.0.1:{app_port}",
        "/etc/ssl/qiao/": f"{tmp}/ssl/",
        "/var/lib/qiao": f"{tmp}/var",
        "/var/www/letsencrypt": f"{tmp}/acme",
        "/etc/nginx/snippets/qiao-proxy.conf": f"{tmp}/qiao-proxy.conf",
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/qiao.conf no longer holds {old!r}: update this test"
        site = site.replace(old, new)
    (tmp / "site.conf").write_text(site)
    shutil.copy(DEPLOY / "nginx" / "qiao-proxy.conf", tmp / "qiao-proxy.conf")
    (tmp / "ssl").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=qiao.example.org",
         "-keyout", tmp / "ssl" / "privkey.pem", "-out", tmp / "ssl" / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the files under tmp
    wrapper = tmp / "nginx.conf"
    wrapper.write_text(
        f"""{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""
    )
    static = tmp / "var" / "static" / "css"
    static.mkdir(parents=True)
    (static / "qiao.0123456789ab.css").write_text("body { color: #123; }\n" * 200)
    (static / "qiao.css").write_text("body { color: #123; }\n")
    media = tmp / "var" / "media"
    media.mkdir()
    (media / "photo.jpg").write_text("a file on disk nginx must not hand out")
    return wrapper


@pytest.fixture
def nginx(tmp_path):
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx or openssl is not installed (apt-get install nginx openssl)")
    backend = Backend()
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    ports = {"http": free_port(), "https": free_port()}
    wrapper = nginx_site(tmp_path, ports["http"], ports["https"], backend.server_address[1])
    yield wrapper, ports
    backend.shutdown()


def test_nginx_accepts_the_site(nginx):
    """Guards deploy/nginx/qiao.conf against syntax errors and unknown directives (nginx -t)."""
    wrapper, _ = nginx
    result = subprocess.run(["nginx", "-t", "-c", str(wrapper)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_serves_as_the_admin_guide_says(nginx):
    """Guards the behaviour of the site: HTTP redirects to HTTPS; hashed static files come from disk with a year's
    cache (others an hour); /media/ reaches Qiao, never the disk; the forwarding headers Qiao trusts are nginx's own
    (a client's X-Forwarded-For is replaced); answers are gzipped; a body over client_max_body_size is refused."""
    wrapper, ports = nginx
    server = subprocess.Popen(["nginx", "-c", str(wrapper), "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", ports["https"]), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE

        def get(path, tls=True, method="GET", body=None, headers=None):
            if tls:
                conn = http.client.HTTPSConnection("127.0.0.1", ports["https"], context=insecure, timeout=10)
            else:
                conn = http.client.HTTPConnection("127.0.0.1", ports["http"], timeout=10)
            conn.request(method, path, body=body, headers={"Host": "qiao.example.org", **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            conn.close()
            return response, data

        response, _ = get("/people/?q=1", tls=False)
        assert response.status == 301 and response.getheader("Location") == "https://qiao.example.org/people/?q=1"

        response, data = get("/static/css/qiao.0123456789ab.css")
        assert response.status == 200 and data.startswith(b"body")
        assert "immutable" in response.getheader("Cache-Control") and "max-age=31536000" in response.getheader(
            "Cache-Control"
        )
        response, _ = get("/static/css/qiao.css")
        assert response.status == 200 and response.getheader("Cache-Control") == "max-age=3600"

        response, data = get("/media/photo.jpg")
        assert response.status == 200 and json.loads(data)["app"] == "qiao", "nginx served /media/ from disk"

        response, data = get("/people/", headers={"X-Forwarded-For": "6.6.6.6", "Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") == "gzip"
        seen = {k.lower(): v for k, v in json.loads(gzip.decompress(data))["headers"].items()}
        assert seen["x-forwarded-for"] == "127.0.0.1" and seen["x-forwarded-proto"] == "https"
        assert seen["host"] == "qiao.example.org"

        limit = nginx_body_limit()
        response, _ = get("/imports/new/", method="POST", body=b"x" * (limit + 1024))
        assert response.status == 413
        response, data = get("/imports/new/", method="POST", body=b"x" * (limit - 64 * 1024))
        assert response.status == 200 and json.loads(data)["app"] == "qiao"
    finally:
        server.terminate()
        server.wait(timeout=10)


def nginx_body_limit() -> int:
    size = re.search(r"client_max_body_size\s+(\d+)m;", (DEPLOY / "nginx" / "qiao.conf").read_text()).group(1)
    return int(size) * 1024 * 1024


def test_nginx_takes_the_uploads_qiao_takes(settings):
    """Guards the upload limit: nginx lets through every body Qiao accepts (the largest file + 1 MB) and a little more
    (so Qiao, not nginx, answers a file too large, with a clear message), and not much more."""
    largest = max(settings.QIAO_IMPORT_MAX_BYTES, settings.QIAO_ATTACHMENT_MAX_MB * 1024 * 1024) + 1024 * 1024
    assert largest < nginx_body_limit() <= largest + 4 * 1024 * 1024


# ---------------------------------------------------------------- systemd


def unit_copy(tmp: Path, unit: Path) -> Path:
    """The unit with /srv/qiao pointing at this checkout and its virtualenv (systemd-analyze checks ExecStart's
    program exists), and the environment file in tmp."""
    text = unit.read_text()
    text = text.replace("/srv/qiao/.venv/bin/", f"{VENV_BIN}/").replace("/srv/qiao", str(ROOT))
    text = text.replace("/etc/qiao/qiao.env", str(tmp / "qiao.env"))
    name = unit.name.replace("@.", "@1.")  # a template is verified as one of its instances
    (tmp / name).write_text(text)
    return tmp / name


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_systemd_accepts_the_unit(unit, tmp_path):
    """Guards each unit under deploy/systemd against unknown keys, bad values and missing programs."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed (package systemd)")
    (tmp_path / "qiao.env").write_text((DEPLOY / "qiao.env.example").read_text())
    for other in UNITS:  # a timer's service must be there
        unit_copy(tmp_path, other)
    copy = tmp_path / unit.name.replace("@.", "@1.")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True, cwd=tmp_path
    )
    complaints = [line for line in result.stderr.splitlines() if copy.name in line or "qiao" in line]
    if result.returncode != 0 and "Failed to" in result.stderr and "bus" in result.stderr.lower():
        pytest.skip(f"systemd-analyze cannot run in this container: {result.stderr.strip()}")
    assert result.returncode == 0 and not complaints, result.stderr


def test_the_timer_starts_the_backup():
    """Guards the timer: it names a service that exists, and that service runs `qiao backup -o`."""
    timer = (DEPLOY / "systemd" / "qiao-backup.timer").read_text()
    service = re.search(r"^Unit=(\S+)$", timer, re.M).group(1)
    assert "qiao backup -o " in (DEPLOY / "systemd" / service).read_text()
    assert re.search(r"^OnCalendar=", timer, re.M) and re.search(r"^Persistent=true$", timer, re.M)


def qiao_commands():
    """Every `qiao <command> <options>` an ExecStart line of the units runs."""
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart=") and "/bin/qiao " in line:
                command = re.sub(r"\$\([^)]*\)", "TIME", line.split("/bin/qiao ", 1)[1].split("'")[0])
                words = shlex.split(command.replace("%H", "host").replace("%i", "1"))
                yield pytest.param(words, id=f"{unit.name}:{words[0]}")


@pytest.mark.parametrize("words", list(qiao_commands()))
def test_the_units_run_commands_that_exist(words, settings):
    """Guards ExecStart against a renamed command or option: each is parsed by the command's own parser."""
    from django.core.management import get_commands, load_command_class

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}  # production's

    name, *args = words
    app = "django_rq" if name.startswith("rq") else get_commands().get(name)
    assert app, f"there is no `qiao {name}` command"
    if app == "django_rq":
        pytest.importorskip("django_rq", reason="the `.[rq]` extra is not installed")
    command = load_command_class(app, name)
    command.create_parser("qiao", name).parse_args(args)  # SystemExit (a failure) on an unknown option


# ---------------------------------------------------------------- gunicorn


def test_gunicorn_loads_its_configuration_and_qiao(tmp_path):
    """Guards deploy/gunicorn.conf.py: gunicorn reads it and, with preload_app, imports Qiao's WSGI application."""
    env = {**os.environ, "QIAO_VAR_DIR": str(tmp_path), "QIAO_WEB_WORKERS": "2"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [VENV_BIN / "gunicorn", "--check-config", "--config", DEPLOY / "gunicorn.conf.py", "qiao.wsgi:application"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    printed = subprocess.run(
        [VENV_BIN / "gunicorn", "--print-config", "--config", DEPLOY / "gunicorn.conf.py", "qiao.wsgi:application"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    ).stdout  # fmt: skip
    assert re.search(r"^workers\s+= 2$", printed, re.M) and re.search(r"^preload_app\s+= True$", printed, re.M)
    assert re.search(r"^bind\s+= \['127.0.0.1:8000'\]$", printed, re.M)


# ---------------------------------------------------------------- the environment example


def settings_variables() -> set[str]:
    """The environment variables qiao/settings.py reads: os.environ.get/[...]/in, env_bool, env_list, env_numbers,
    and DATABASE_URL (read by dj_database_url)."""
    tree = ast.parse((ROOT / "qiao" / "settings.py").read_text())
    names = {"DATABASE_URL"}
    readers = {"env_bool", "env_list", "env_numbers"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = ast.unparse(node.func)
            if func in readers or func in {"os.environ.get", "os.getenv"}:
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
        elif (
            isinstance(node, ast.Compare)
            and any(ast.unparse(c) == "os.environ" for c in node.comparators)
            and isinstance(node.left, ast.Constant)
        ):
            names.add(node.left.value)
    return {name for name in names if isinstance(name, str)}


def test_the_environment_example_lists_every_setting():
    """Guards deploy/qiao.env.example against rot: every variable settings.py reads is there (set or commented)."""
    example = (DEPLOY / "qiao.env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.M))
    variables = settings_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "QIAO_DB_STATEMENT_TIMEOUT_MS", "QIAO_TASKS_BACKEND"} <= variables
    missing = sorted(variables - listed)
    assert not missing, f"add these to deploy/qiao.env.example (with a comment): {missing}"
    # set lines are plain NAME=value: systemd and sh read them alike
    for line in example.splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s'\"$`]*", line), line
