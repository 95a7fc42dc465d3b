"""The benchmark run: every scenario against a real gunicorn with production settings, loaded by wrk.

    .venv/bin/python -m bench run                       # SQLite (after `python -m bench generate`)
    .venv/bin/python -m bench run --database postgres --duration 10 --concurrency 1,8

gunicorn serves `config.wsgi` on 127.0.0.1 with PULT_ENV=production (a long random SECRET_KEY, DEBUG=0,
ALLOWED_HOSTS=127.0.0.1, PULT_HTTPS=1 with PULT_PROXY_SSL_HEADER=1: every wrk request carries
`X-Forwarded-Proto: https`, as behind the TLS proxy). Workers: by default the deployment's shape
(deploy/gunicorn.conf.py): sync workers, 2 × cores + 1 of them, each answering one request and closing the
connection, so the kernel spreads the requests over every process. (`--worker-class gthread --workers 2
--threads 4`, the demo's shape, keeps wrk's persistent connections on whichever process accepted them: on
2026-12-05 one of two processes sat idle through whole runs, and the same pages measured up to 2× slower.)
The API's per-caller rate limit is raised for the run (PULT_API_REQUESTS_PER_MINUTE) so the limit, not the
server, is not what gets measured.

For each scenario: a check that one request answers as expected (200, or 201/302 for the writes), a warm-up
pass, then one wrk run per concurrency. Printed: p50 / p95 / p99 latency, requests/s, both as ratios to the
floor (a trivial view, /health/live, through the same server and middleware), SQL queries per request (each
scenario once in this process with Django's test client and CaptureQueriesContext, same database), the
gunicorn workers' memory, the database size; the floor of the database (single-row autocommit INSERTs
through the same driver), mail intake (bench.mail_intake) and the SLA sweep (bench.sla); then PASS/MISS per
target of issue 8.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import (
    BASE_DIR,
    BENCH_DIR,
    DATABASE_NAME,
    POSTGRES_SERVER,
    database_env,
    database_size,
    mib,
    read_meta,
    setup_django,
    sqlite_path,
)

LUA = Path(__file__).with_name("wrk_report.lua")
FLOOR = "floor"
RAW_INSERT_SECONDS = 3.0
BATCH_SIZE = 50  # tickets per request of the batch registration scenario
PAGE_TARGET_MS = {"postgres": 100.0, "sqlite": 150.0}
PAGE_TARGET_SCENARIOS = (
    "start_page",
    "list_default",
    "list_filtered",
    "list_sorted",
    "list_page_400",
    "ticket_200_events",
    "search_common",
    "search_rare",
    "dashboard_counts",
)


@dataclass
class Scenario:
    name: str
    title: str
    paths: list[str]
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    queries: int | None = None
    in_process_ms: float = 0.0  # the test client's request, this process, no load
    sql_ms: float = 0.0  # of which in SQL statements
    slowest: tuple[float, str] = (0.0, "")  # the slowest statement (ms, SQL)
    per_request: int = 1  # tickets per request (the batch registration)


# --- the server ------------------------------------------------------------------------------------------


def server_env(engine: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")}
    return (
        env
        | database_env(engine)
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PULT_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PULT_HTTPS": "1",
            "PULT_PROXY_SSL_HEADER": "1",
            "PULT_API_REQUESTS_PER_MINUTE": "100000000",
            "PULT_BASE_URL": f"https://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
    )


def start_server(engine: str, options: Any) -> subprocess.Popen[bytes]:
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", options.port)) == 0:
            raise SystemExit(f"Something already listens on 127.0.0.1:{options.port}: choose another --port.")
    env = server_env(engine, options.port)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=BASE_DIR
    )
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{options.port}",
        "--workers",
        str(options.workers),
        "--worker-class",
        options.worker_class,
        "--threads",
        str(options.threads),
        "--log-level",
        "warning",
    ]
    log = (BENCH_DIR / f"gunicorn-{engine}.log").open("wb")
    server = subprocess.Popen(command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    import requests

    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited ({server.returncode}): see {log.name}")
            try:
                if requests.get(f"http://127.0.0.1:{options.port}/health/live", timeout=10).status_code == 200:
                    return server
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s")
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise


def worker_memory(server: subprocess.Popen[bytes]) -> list[tuple[int, int, int]]:
    """(pid, RSS, peak RSS) in bytes of each gunicorn worker (the master's children), read from /proc."""
    result = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != server.pid:  # the parent's pid
                continue
            status = stat.with_name("status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        if rss and peak:
            result.append((int(stat.parent.name), int(rss.group(1)) * 1024, int(peak.group(1)) * 1024))
    return sorted(result)


# --- logging in, the scenarios ---------------------------------------------------------------------------


class Browser:
    """A staff member's browser behind the TLS proxy: cookies sent by hand (they are Secure), Origin set."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"X-Forwarded-Proto": "https", "Origin": self.origin, "Cookie": cookie} | (extra or {})

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        headers = self.headers(kwargs.pop("headers", None))
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        self.cookies |= {cookie.name: cookie.value or "" for cookie in response.cookies}
        return response

    def form_token(self, path: str) -> str:
        response = self.request("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        if response.status_code != 200 or not found:
            raise SystemExit(f"GET {path} answered {response.status_code} without a CSRF token")
        return found.group(1)

    def login(self, username: str, password: str) -> None:
        token = self.form_token("/login/")
        response = self.request(
            "POST",
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.origin}/login/"},
        )
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed: {response.status_code}")


def search_path(word: str) -> tuple[str, str]:
    """The full-text search page if the `search` app has one, else the ticket list's subject search."""
    from django.urls import Resolver404, resolve

    for candidate in ("/search/", "/tickets/search/"):
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return f"{candidate}?{urlencode({'q': word})}", candidate
    return f"/tickets/?{urlencode({'q': word})}", "the ticket list's search, /tickets/?q="


def scenarios(meta: dict[str, Any], browser: Browser | Offline) -> tuple[list[Scenario], str]:
    from django.db.models import Count

    from tickets.models import Ticket

    module = (
        Ticket.objects.filter(state="in_progress", module__isnull=False)
        .values("module")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    module_id = module["module"] if module else meta["modules"][0]
    year, sequence = meta["ticket_200"]
    common, search_note = search_path(meta["common_word"])
    rare, _note = search_path(meta["rare_word"])
    session = {"Cookie": browser.headers()["Cookie"], "X-Forwarded-Proto": "https"}
    token = {
        "Authorization": f"Bearer {meta['token']}",
        "Content-Type": "application/json",
        "X-Forwarded-Proto": "https",
    }
    contact = meta["contacts"][0]
    register = json.dumps(
        {
            "contact_id": contact,
            "subject": "Számlázó: nem nyomtatja ki a számlát",
            "description": "Tisztelt Ügyfélszolgálat! Ma reggel óta nem tudunk számlát nyomtatni. "
            "Üdvözlettel: Kiss Anna",
            "channel": "email",
            "module_id": meta["modules"][0],
        },
        ensure_ascii=False,
    )
    batch = json.dumps(
        {
            "tickets": [
                {
                    "contact_id": meta["contacts"][n % len(meta["contacts"])],
                    "subject": f"Leltár: eltérés a(z) {n + 1}. raktárban",
                    "description": "A havi leltár eltérést mutat a nyilvántartáshoz képest. Kérjük, nézzék meg.",
                    "channel": "web",
                }
                for n in range(BATCH_SIZE)
            ]
        },
        ensure_ascii=False,
    )
    intake_token = browser.form_token("/intake/oral/")
    received = dt.datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M")
    intake = urlencode(
        {
            "csrfmiddlewaretoken": intake_token,
            "channel": "phone",
            "received_at": received,
            "contact": contact,
            "module": meta["modules"][0],
            "priority": "normal",
            "subject": "Bérszámfejtés: hibás túlóra",
            "content": "A hívó szerint a bérjegyzéken a túlóra összege hibásan szerepel.",
            "outside_hours": "on",
        }
    )
    open_tickets = [f"/api/v1/tickets/{y}/{s}/steps/consult_user" for y, s in meta["open_tickets"]]
    step_body = json.dumps({"summary": "Telefonon egyeztettünk a felhasználóval a részletekről."}, ensure_ascii=False)
    result = [
        Scenario(FLOOR, "floor: trivial view /health/live", ["/health/live"], headers={"X-Forwarded-Proto": "https"}),
        Scenario("start_page", "agent's start page /", ["/"], headers=session),
        Scenario("list_default", "ticket list, default", ["/tickets/"], headers=session),
        Scenario(
            "list_filtered",
            "ticket list, state + module",
            [f"/tickets/?state=in_progress&module={module_id}"],
            headers=session,
        ),
        Scenario("list_sorted", "ticket list, sorted by received", ["/tickets/?sort=received"], headers=session),
        Scenario("list_page_400", "ticket list, page 400", ["/tickets/?page=400"], headers=session),
        Scenario("ticket_200_events", "ticket page, 200 events", [f"/tickets/{year}/{sequence}/"], headers=session),
        Scenario("search_common", f"search, word in ~1% ({meta['common_count']:,})", [common], headers=session),
        Scenario("search_rare", f"search, rare word ({meta['rare_count']})", [rare], headers=session),
        Scenario("dashboard_counts", "dashboard counts /overview/", ["/overview/"], headers=session),
        Scenario("api_register", "register via API", ["/api/v1/tickets"], "POST", register, token, expect=(201,)),
        Scenario(
            "api_register_batch",
            f"register via API, batches of {BATCH_SIZE}",
            ["/api/v1/tickets/batch"],
            "POST",
            batch,
            token,
            expect=(201,),
            per_request=BATCH_SIZE,
        ),
        Scenario(
            "intake_register",
            "register via intake page",
            ["/intake/oral/"],
            "POST",
            intake,
            session
            | {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": browser.origin,
                "Referer": f"{browser.origin}/intake/oral/",
            },
            expect=(302,),
        ),
        Scenario("api_step", "workflow step via API (consult_user)", open_tickets, "POST", step_body, token),
    ]
    return result, search_note


def check(scenario: Scenario, port: int) -> None:
    """One request must answer as the scenario expects: a redirect to the login page is not a result."""
    import requests

    response = requests.request(
        scenario.method,
        f"http://127.0.0.1:{port}{scenario.paths[0]}",
        headers=scenario.headers,
        data=scenario.body.encode() if scenario.body else None,
        allow_redirects=False,
        timeout=120,
    )
    if response.status_code not in scenario.expect:
        raise SystemExit(
            f"{scenario.name}: {scenario.method} {scenario.paths[0]} answered {response.status_code}, "
            f"expected {scenario.expect}: {response.text[:300]}"
        )


def wrk(scenario: Scenario, port: int, connections: int, seconds: int) -> dict[str, Any]:
    # The paths go through a file: at 1,000,000 tickets a scenario's thousands of ticket URLs are more
    # than the environment of one process may hold ("Argument list too long").
    with tempfile.NamedTemporaryFile("w", suffix=".paths", encoding="utf-8", delete=False) as paths_file:
        paths_file.write("\n".join(scenario.paths) + "\n")
    try:
        return _wrk(scenario, port, connections, seconds, paths_file.name)
    finally:
        os.unlink(paths_file.name)


def _wrk(scenario: Scenario, port: int, connections: int, seconds: int, paths_file: str) -> dict[str, Any]:
    env = os.environ | {
        "BENCH_METHOD": scenario.method,
        "BENCH_PATHS_FILE": paths_file,
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in scenario.headers.items()),
        "BENCH_BODY": scenario.body,
    }
    command = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    data: dict[str, Any] = json.loads(line.removeprefix("BENCHJSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    if not data["requests"]:  # not one answer within the run: report the run's length as the latency
        data |= dict.fromkeys(("p50", "p95", "p99"), data["duration_us"])
        data["timeouts"] += connections
    data["errors"] = sum(data[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors"))
    data["errors"] += data["timeouts"]
    return data


class InProcess:
    """The scenarios' requests in this process, through Django's test client on the same database: the agent's
    session for a scenario that carries a cookie, no session for the others (the API's token, the floor)."""

    def __init__(self, meta: dict[str, Any]) -> None:
        from django.test import Client

        from accounts.models import User

        self.staff = Client()
        self.staff.force_login(User.objects.get(username=meta["agent"]))
        self.anonymous = Client()
        self.turn: dict[str, int] = {}

    def request(self, scenario: Scenario) -> Any:
        """One request of the scenario; a scenario with several paths takes the next one each time."""
        client = self.staff if "Cookie" in scenario.headers else self.anonymous
        extra: dict[str, Any] = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in scenario.headers.items()
            if k not in ("Cookie", "Content-Type", "X-Forwarded-Proto")
        }
        turn = self.turn.get(scenario.name, 0)
        self.turn[scenario.name] = turn + 1
        path = scenario.paths[turn % len(scenario.paths)]
        if scenario.method == "GET":
            return client.get(path, **extra)
        content_type = scenario.headers.get("Content-Type", "")
        return client.generic(scenario.method, path, scenario.body.encode(), content_type=content_type, **extra)


class Offline:
    """What `scenarios` needs of a browser when no server runs: the test client logs in by itself and does
    not check CSRF tokens, so a cookie marks the staff scenarios and the form token may be empty."""

    origin = "https://testserver"

    def headers(self) -> dict[str, str]:
        return {"Cookie": "in-process"}

    def form_token(self, path: str) -> str:
        return ""


def count_queries(items: list[Scenario], meta: dict[str, Any]) -> None:
    """SQL statements per request, each scenario once in this process (Django's test client, same database)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    requests = InProcess(meta)
    for scenario in items:
        if scenario.method == "GET":
            requests.request(scenario)  # warm: per-process caches (calendar snapshot, permissions) are filled
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            requests.request(scenario)
        scenario.in_process_ms = (time.perf_counter() - started) * 1000
        timings = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        scenario.queries = len(timings)
        scenario.sql_ms = sum(ms for ms, _sql in timings)
        scenario.slowest = max(timings, default=(0.0, ""))


# --- the floors of the database, mail intake, the SLA sweep ----------------------------------------------


def raw_inserts(engine: str) -> float:
    """Single-row INSERTs, each its own (autocommit) transaction, through the app's driver: rows/s."""
    ddl = "CREATE TABLE bench_scratch (id {pk}, at TEXT NOT NULL, note TEXT NOT NULL)"
    row = ("2026-11-25 10:00:00", "Egy sor a mérőtáblába.")
    if engine == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/{DATABASE_NAME}", autocommit=True) as connection:
            connection.execute("DROP TABLE IF EXISTS bench_scratch")
            connection.execute(ddl.format(pk="bigserial PRIMARY KEY"))  # type: ignore[arg-type]
            rate = _inserts_per_second(
                lambda: connection.execute("INSERT INTO bench_scratch (at, note) VALUES (%s, %s)", row)
            )
            connection.execute("DROP TABLE bench_scratch")
        return rate
    lite = sqlite3.connect(sqlite_path(), isolation_level=None, timeout=20)
    # The app's own connection settings (config/settings.py): WAL, synchronous=NORMAL.
    lite.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    lite.execute("DROP TABLE IF EXISTS bench_scratch")
    lite.execute(ddl.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT"))
    rate = _inserts_per_second(lambda: lite.execute("INSERT INTO bench_scratch (at, note) VALUES (?, ?)", row))
    lite.execute("DROP TABLE bench_scratch")
    lite.close()
    return rate


def _inserts_per_second(insert: Callable[[], object]) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < RAW_INSERT_SECONDS:
        insert()
        count += 1
    return count / (time.perf_counter() - started)


def _python(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, *args], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(f"  {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def mail_intake(engine: str, messages: int) -> float | None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    output = _python(
        ["bench/mail_intake.py", "--database", engine, "--messages", str(messages), "--mailgate-messages", "0"], env
    )
    found = re.search(r"IMAP intake:\s+([\d.]+) messages/s", output)
    return float(found.group(1)) if found else None


def sla(engine: str, tickets: int) -> dict[str, float] | None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    if engine == "postgres":
        env["DATABASE_URL"] = f"{POSTGRES_SERVER}/postgres"  # bench.sla makes its own pult_bench_sla beside it
    output = _python(["-m", "bench.sla", "--tickets", str(tickets), "--computations", "1000"], env)
    due = re.search(r"due_for_check:\s+median ([\d.]+) ms, p95 ([\d.]+) ms", output)
    swept = re.search(r"sweep:\s+[\d,.]+ tickets/s \(([\d,]+) tickets in ([\d.]+) s", output)
    if not (due and swept):
        return None
    return {
        "due_median_ms": float(due.group(1)),
        "due_p95_ms": float(due.group(2)),
        "swept": float(swept.group(1).replace(",", "")),
        "sweep_ms": float(swept.group(2)) * 1000,
    }


# --- the report ------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(
    engine: str,
    meta: dict[str, Any],
    items: list[Scenario],
    levels: list[int],
    extra: dict[str, Any],
) -> list[str]:
    floor = next(s for s in items if s.name == FLOOR)
    lines = [
        f"{'scenario':38} {'c':>2} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} "
        f"{'p95/floor':>9} {'rps/floor':>9} {'queries':>7} {'errors':>6}"
    ]
    for scenario in items:
        for level in levels:
            r, f = scenario.results[level], floor.results[level]
            lines.append(
                f"{scenario.title[:38]:38} {level:>2} {r['p50'] / 1000:8.1f} {r['p95'] / 1000:8.1f} "
                f"{r['p99'] / 1000:8.1f} {r['rps']:8.1f} {r['p95'] / max(f['p95'], 1):9.1f} "
                f"{r['rps'] / max(f['rps'], 1e-9):9.2f} {scenario.queries if scenario.queries is not None else '-':>7} "
                f"{r['errors']:>6}"
            )
    lines += ["", "in-process, one request, no load (Django test client): total ms, SQL ms, slowest statement"]
    for scenario in items:
        ms, sql = scenario.slowest
        lines.append(
            f"  {scenario.name:18} {scenario.in_process_ms:8.1f} ms, SQL {scenario.sql_ms:7.1f} ms "
            f"in {scenario.queries} statements; slowest {ms:6.1f} ms: {sql[:90]}"
        )
    top = max(levels)
    by_name = {s.name: s for s in items}
    raw = extra["raw_inserts"]
    register_rps = by_name["api_register"].results[top]["rps"]
    batch = by_name["api_register_batch"]
    batch_tps = batch.results[top]["rps"] * batch.per_request
    lines += [
        "",
        f"floor of the database: {raw:,.0f} single-row autocommit INSERTs/s through the same driver",
        f"API registration at c={top}: {register_rps:,.1f} tickets/s = {register_rps / raw:.3f} of the raw INSERT "
        f"rate (1 : {raw / max(register_rps, 1e-9):,.0f})",
        f"API registration in batches of {BATCH_SIZE} at c={top}: {batch_tps:,.1f} tickets/s "
        f"({by_name['api_register_batch'].results[top]['rps']:,.1f} requests/s)",
        f"intake page registration at c={top}: {by_name['intake_register'].results[top]['rps']:,.1f} tickets/s",
        f"workflow step via API at c={top}: {by_name['api_step'].results[top]['rps']:,.1f} steps/s",
    ]
    if extra.get("mail") is not None:
        lines.append(f"mail intake (bench.mail_intake, IMAP, one process): {extra['mail']:,.1f} messages/s")
    if extra.get("sla"):
        s = extra["sla"]
        lines.append(
            f"SLA (bench.sla, {extra['sla_tickets']:,} open tickets): due_for_check p95 {s['due_p95_ms']:.2f} ms; "
            f"one sweep over the {s['swept']:,.0f} due clocks {s['sweep_ms']:,.0f} ms"
        )
    lines += [
        "gunicorn workers: "
        + ", ".join(f"pid {pid} RSS {mib(rss)} (peak {mib(peak)})" for pid, rss, peak in extra["memory"]),
        f"database size: {mib(extra['size'])} ({meta['tickets']:,} generated tickets)",
        f"load average: {extra['load_start']:.2f} at the start, {extra['load_end']:.2f} at the end "
        f"({os.cpu_count()} CPUs); wrk runs on the same machine",
        "",
    ]
    size_note = {"postgres": 1_000_000, "sqlite": 100_000}[engine]
    lines.append(
        f"targets (defined for {engine} at {size_note:,} tickets, concurrency 8; "
        f"this run: {meta['tickets']:,} tickets, concurrency {top}):"
    )
    limit = PAGE_TARGET_MS[engine]
    for name in PAGE_TARGET_SCENARIOS:
        p95 = by_name[name].results[top]["p95"] / 1000
        lines.append(f"  {verdict(p95 <= limit)}  {by_name[name].title}: p95 {p95:.1f} ms ≤ {limit:.0f} ms")
    if engine == "postgres":
        ratio = by_name["list_default"].results[top]["p95"] / max(floor.results[top]["p95"], 1)
        lines.append(f"  {verdict(ratio <= 3)}  ticket list within 3× of the floor: p95 ratio {ratio:.1f}")
        lines.append(
            f"  {verdict(register_rps >= 300)}  API registration ≥ 300 tickets/s, one per request: {register_rps:,.1f}"
        )
        lines.append(
            f"  {verdict(batch_tps >= 300)}  API registration ≥ 300 tickets/s, {BATCH_SIZE} per request: "
            f"{batch_tps:,.1f}"
        )
        if extra.get("mail") is not None:
            lines.append(
                f"  {verdict(extra['mail'] >= 300)}  mail intake ≥ 300 msgs/s per process: {extra['mail']:,.1f}"
            )
        if extra.get("sla"):
            s = extra["sla"]
            lines.append(
                f"  {verdict(s['due_p95_ms'] <= 200)}  SLA sweep's due query ≤ 200 ms: {s['due_p95_ms']:.2f} ms"
            )
            lines.append(
                f"  {verdict(s['sweep_ms'] <= 200)}  SLA sweep run ≤ 200 ms ({s['swept']:,.0f} due): "
                f"{s['sweep_ms']:,.0f} ms"
            )
    return lines


def main(options: Any) -> None:
    engine = options.database
    meta = read_meta(engine)
    levels = [int(level) for level in options.concurrency.split(",")]
    load_start = os.getloadavg()[0]
    started_at = dt.datetime.now().astimezone()
    setup_django(engine)
    print(
        f"benchmark run on {engine}: {meta['tickets']:,} tickets; gunicorn {options.worker_class} "
        f"{options.workers}×{options.threads} on 127.0.0.1:{options.port}; wrk {options.duration} s per run, "
        f"warm-up {options.warmup} s; load average {load_start:.2f}"
    )
    server = start_server(engine, options)
    try:
        browser = Browser(options.port)
        browser.login(meta["agent"], meta["password"])
        items, search_note = scenarios(meta, browser)
        print(f"search scenarios use {search_note}")
        if options.only:
            wanted = {FLOOR, *options.only.split(",")}
            items = [s for s in items if s.name in wanted]
        for scenario in items:
            check(scenario, options.port)
            if options.warmup:
                wrk(scenario, options.port, max(levels), options.warmup)
            for level in levels:
                scenario.results[level] = result = wrk(scenario, options.port, level, options.duration)
                print(
                    f"  {scenario.name:18} c={level}: p50 {result['p50'] / 1000:7.1f} ms, p95 "
                    f"{result['p95'] / 1000:7.1f} ms, p99 {result['p99'] / 1000:7.1f} ms, {result['rps']:7.1f} req/s"
                    + (f", {result['errors']} errors" if result["errors"] else ""),
                    flush=True,
                )
        memory = worker_memory(server)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    count_queries(items, meta)
    extra: dict[str, Any] = {"memory": memory, "raw_inserts": raw_inserts(engine), "size": database_size(engine)}
    if options.mail_messages and not options.only:
        print("mail intake (bench.mail_intake) …", flush=True)
        extra["mail"] = mail_intake(engine, options.mail_messages)
    if options.sla_tickets and not options.only:
        print("SLA sweep (bench.sla) …", flush=True)
        extra["sla"], extra["sla_tickets"] = sla(engine, options.sla_tickets), options.sla_tickets
    extra["load_start"], extra["load_end"] = load_start, os.getloadavg()[0]
    if options.only:
        items_names = {s.name for s in items}
        missing = {
            "api_register",
            "api_register_batch",
            "intake_register",
            "api_step",
            *PAGE_TARGET_SCENARIOS,
        } - items_names
        if missing:
            for scenario in items:
                print(scenario.name, scenario.queries, scenario.results)
            return
    lines = report(engine, meta, items, levels, extra)
    print("\n" + "\n".join(lines))
    out = BENCH_DIR / f"results-{engine}-{started_at:%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {
                "engine": engine,
                "started": started_at.isoformat(),
                "command": " ".join(sys.argv),
                "tickets": meta["tickets"],
                "scenarios": {
                    s.name: {
                        "title": s.title,
                        "queries": s.queries,
                        "in_process_ms": s.in_process_ms,
                        "sql_ms": s.sql_ms,
                        "slowest": s.slowest,
                        "results": s.results,
                    }
                    for s in items
                },
                "extra": extra,
                "report": lines,
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    print(f"results: {out}")


def markdown(path: Path) -> str:
    """The results file of one run as the Markdown table docs/performance.md keeps."""
    data = json.loads(path.read_text())
    levels = sorted({int(level) for s in data["scenarios"].values() for level in s["results"]})
    floor = data["scenarios"][FLOOR]["results"]
    head = ["scenario", "queries"]
    for level in levels:
        head += [f"c={level} p50 / p95 / p99 ms", f"c={level} req/s", f"c={level} p95 ÷ floor"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for scenario in data["scenarios"].values():
        cells = [scenario["title"], str(scenario["queries"])]
        for level in levels:
            r, f = scenario["results"][str(level)], floor[str(level)]
            cells += [
                f"{r['p50'] / 1000:,.1f} / {r['p95'] / 1000:,.1f} / {r['p99'] / 1000:,.1f}",
                f"{r['rps']:,.1f}",
                f"{r['p95'] / max(f['p95'], 1):,.1f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
