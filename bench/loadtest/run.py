"""Load test of Qiao's staff pages: gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1, locust headless at 1, 5, 10 and
20 simulated users (bench/loadtest/locustfile.py), a bounded time at each level; writes locust's CSV files and a
markdown summary (p50/p95/p99 per request kind, reads and writes apart, errors, throughput).

The database and data directory are those of the environment (DATABASE_URL, QIAO_VAR_DIR): fill them first, e.g.

    export QIAO_VAR_DIR=/tmp/qiao-load
    .venv/bin/qiao migrate && .venv/bin/qiao collectstatic --noinput && .venv/bin/qiao demo --if-empty
    .venv/bin/qiao synth --organizations 3000 --people 50000 --activities 1500 --participations 60000 \\
        --profiles 5000 --demands 300 --projects 500 --cases 1000 --services 2000
    .venv/bin/python bench/loadtest/run.py --users 1,5,10,20 --run-time 45 --workers 3

Needs `pip install -e '.[bench]'` (locust). Second factor: the run sets QIAO_2FA_REQUIRED_ROLES to empty, so the
demo's managers sign in with their password alone (the demo users have no second factor).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def kind(name: str) -> str:
    return "write" if name.startswith("write:") else "login" if name == "login" else "read"


def figures(times: list[float]) -> dict:
    return {"count": len(times), "p50": percentile(times, 0.50), "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99)}  # fmt: skip


def summarise(recorded: dict, seconds: float) -> dict:
    """Percentiles per request kind and per group (reads, writes) of the whole run, and of the steady state: the
    requests started after every user had signed in and read its first pages (`ready_at`, from the locustfile)."""
    samples, ready_at = recorded["samples"], recorded["ready_at"]
    rows = {}
    for name in sorted({s[0] for s in samples}):
        times = [s[1] for s in samples if s[0] == name]
        rows[name] = {
            **figures(times),
            "errors": sum(1 for s in samples if s[0] == name and s[2]),
            "mean": statistics.fmean(times),
        }
    steady = [s for s in samples if ready_at is not None and s[3] >= ready_at]
    groups, steady_groups = {}, {}
    for group in ("read", "write"):
        groups[group] = {
            **figures([s[1] for s in samples if kind(s[0]) == group]),
            "errors": sum(1 for s in samples if kind(s[0]) == group and s[2]),
        }
        steady_groups[group] = {
            **figures([s[1] for s in steady if kind(s[0]) == group]),
            "errors": sum(1 for s in steady if kind(s[0]) == group and s[2]),
        }
    done = [s for s in samples if kind(s[0]) != "login"]
    window = max((s[3] + s[1] / 1000 for s in steady), default=0) - (ready_at or 0)
    return {
        "rows": rows,
        "groups": groups,
        "throughput": len(done) / seconds,
        "errors": sum(s[2] for s in samples),
        "steady": {
            "groups": steady_groups,
            "seconds": window if steady else 0,
            "throughput": len(steady) / window if steady and window > 0 else float("nan"),
            "errors": sum(s[2] for s in steady),
        },
    }


def markdown(levels: dict, meta: dict) -> str:
    lines = [
        f"Load test {meta['date']} on {meta['machine']}; {meta['database']}; {meta['people']:,} people; gunicorn "
        f"{meta['workers']} sync workers; {meta['run_time']} s per level; think time {meta['wait']} s.",
        "",
        f"Command: `{meta['command']}`",
        "",
        "| users | requests/s | reads p50 / p95 / p99 (ms) | writes p50 / p95 / p99 (ms) | errors |",
        "|---:|---:|---|---|---:|",
    ]
    for users, result in levels.items():
        r, w = result["groups"]["read"], result["groups"]["write"]
        lines.append(
            f"| {users} | {result['throughput']:.1f} | {r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f} "
            f"| {w['p50']:.0f} / {w['p95']:.0f} / {w['p99']:.0f} | {result['errors']} |"
        )
    lines += [
        "",
        "The steady state: requests started after every user had signed in and read its first pages (the warm-up).",
        "",
        "| users | steady seconds | requests/s | reads p50 / p95 / p99 (ms) | writes p50 / p95 / p99 (ms) | errors |",
        "|---:|---:|---:|---|---|---:|",
    ]
    for users, result in levels.items():
        steady = result["steady"]
        r, w = steady["groups"]["read"], steady["groups"]["write"]
        lines.append(
            f"| {users} | {steady['seconds']:.0f} | {steady['throughput']:.1f} | {r['p50']:.0f} / {r['p95']:.0f} / "
            f"{r['p99']:.0f} | {w['p50']:.0f} / {w['p95']:.0f} / {w['p99']:.0f} | {steady['errors']} |"
        )
    for users, result in levels.items():
        lines += [
            "",
            f"{users} user(s), per request kind:",
            "",
            "| request | count | errors | p50 | p95 | p99 (ms) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, row in result["rows"].items():
            figures = f"{row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f}"
            lines.append(f"| {name} | {row['count']} | {row['errors']} | {figures} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,5,10,20", help="comma-separated levels of simulated users")
    parser.add_argument("--run-time", type=int, default=45, help="seconds at each level")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("QIAO_WEB_WORKERS", "3")))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=None, help="folder for the CSV files and summary.md")
    args = parser.parse_args()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or HERE / "results" / stamp
    out.mkdir(parents=True, exist_ok=True)
    host = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "QIAO_BIND": f"127.0.0.1:{args.port}",
        "QIAO_WEB_WORKERS": str(args.workers),
        "QIAO_2FA_REQUIRED_ROLES": "",
        "QIAO_LOG_LEVEL": os.environ.get("QIAO_LOG_LEVEL", "WARNING"),
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from qiao.people.models import Person

    people = Person.objects.count()
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "database": connection.vendor,
        "people": people,
        "workers": args.workers,
        "run_time": args.run_time,
        "wait": f"{os.environ.get('QIAO_LOAD_WAIT_MIN', '0.5')}–{os.environ.get('QIAO_LOAD_WAIT_MAX', '1.5')}",
        "command": " ".join(["python bench/loadtest/run.py", *sys.argv[1:]]),
    }
    connection.close()
    log = open(out / "gunicorn.log", "w")  # noqa: SIM115  (open while gunicorn runs)
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", ROOT / "deploy" / "gunicorn.conf.py", "qiao.wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    levels = {}
    try:
        wait_for(host + "/healthz", 120)
        for users in [int(u) for u in args.users.split(",")]:
            samples_file = out / f"u{users}_samples.json"
            command = [
                BIN / "locust", "-f", HERE / "locustfile.py", "--headless", "--host", host,
                "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.run_time}s",
                "--csv", out / f"u{users}", "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
            ]  # fmt: skip
            print(f"== {users} user(s), {args.run_time} s", flush=True)
            subprocess.run(command, cwd=HERE, env={**env, "QIAO_LOAD_SAMPLES": str(samples_file)}, check=False)
            samples = json.loads(samples_file.read_text())
            levels[users] = summarise(samples, args.run_time)
            g = levels[users]["groups"]
            steady = levels[users]["steady"]
            print(
                f"   {levels[users]['throughput']:.1f} req/s; reads p95 {g['read']['p95']:.0f} ms, writes p95 "
                f"{g['write']['p95']:.0f} ms; errors {levels[users]['errors']}; after the warm-up: "
                f"{steady['throughput']:.1f} req/s, reads p95 {steady['groups']['read']['p95']:.0f} / p99 "
                f"{steady['groups']['read']['p99']:.0f} ms, writes p95 {steady['groups']['write']['p95']:.0f} ms",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    (out / "summary.json").write_text(json.dumps({"meta": meta, "levels": levels}, indent=1))
    (out / "summary.md").write_text(markdown(levels, meta))
    with open(out / "levels.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["users", "kind", "count", "errors", "p50_ms", "p95_ms", "p99_ms", "requests_per_s"])
        for users, result in levels.items():
            for group, row in result["groups"].items():
                writer.writerow([users, group, row["count"], row["errors"], f"{row['p50']:.1f}", f"{row['p95']:.1f}",
                                 f"{row['p99']:.1f}", f"{result['throughput']:.2f}"])  # fmt: skip
    print(f"wrote {out / 'summary.md'}")


if __name__ == "__main__":
    main()
