"""Service-level sweep and deadline computations: how fast the periodic sweep finds and handles due clocks.

    .venv/bin/python -m bench.sla                                # SQLite, 100,000 open tickets
    .venv/bin/python -m bench.sla --tickets 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.sla   # PostgreSQL

Each run uses a fresh database: a temporary SQLite file, or, when DATABASE_URL names a PostgreSQL server, a
database `pult_bench_sla` created on that server and dropped at the end (the database named in the URL is
never opened). The developer's var/ directory is never used: the SQLite file, Huey's queue, uploads and
sent mail all live in a temporary directory. It migrates, then:
- writes N open tickets, each with a running service-level clock, with `bulk_create` (about 1% of the
  clocks are due at the benchmark's "now", the rest later);
- times `deadlines.due_for_check(now)`, the indexed query the sweep starts from, and prints its plan;
- times one `deadlines.sweep(now)` over the due clocks: warnings and escalations, their timeline events and
  e-mails (Huey runs immediately in this process and sends to a real SMTP server it starts on 127.0.0.1);
- times `add_working_minutes` and `working_minutes_between` on the pure calendar (Hungarian holidays on);
- prints the database's size and the process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pult_bench_sla"
BATCH = 5000
BUDAPEST = ZoneInfo("Europe/Budapest")
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=BUDAPEST)  # a Tuesday morning: the desk is open
DUE_SHARE = 0.01
QUERY_RUNS = 20
CALENDAR_REPEATS = 3
WORDS = (
    "számlázó nyomtatás hibaüzenet árvíztűrő tükörfúrógép bérszámfejtés leltár raktár ügyfél felhasználó "
    "bejelentés jelszó belépés adatbázis mentés frissítés modul verzió sürgős határidő zárás áfa bizonylat"
).split()


# --- the database -----------------------------------------------------------------------------------


def prepare_database(workdir: Path) -> tuple[dict[str, str], str | None]:
    """Settings for a throwaway database; with PostgreSQL, also the maintenance URL to drop it with."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"SQLITE_PATH": str(workdir / "bench.sqlite3")}, None
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"DATABASE_URL must name a PostgreSQL server (or be unset for SQLite), not {parts.scheme}:")
    maintenance = parts._replace(scheme="postgresql", path="/postgres").geturl()
    _admin(maintenance, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)", f"CREATE DATABASE {BENCH_DATABASE}")
    return {"DATABASE_URL": parts._replace(path=f"/{BENCH_DATABASE}").geturl()}, maintenance


def _admin(maintenance_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


class SmtpCounter:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in this process) that counts what it accepts."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received = 0
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 Message accepted"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


SMTP = SmtpCounter()


def configure(workdir: Path, database: dict[str, str]) -> None:
    for name in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "HUEY_FILE"):
        os.environ.pop(name, None)
    os.environ.update(
        database
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "benchmark",
            "DEBUG": "0",
            "PULT_VAR_DIR": str(workdir),
            "MEDIA_ROOT": str(workdir / "media"),
            "HUEY_FILE": str(workdir / "huey.sqlite3"),
            # The sweep's e-mails are sent by the send task, run in this process as it is queued (on
            # commit), to a real SMTP server on 127.0.0.1 started by this benchmark (aiosmtpd).
            "HUEY_IMMEDIATE": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP.port),
            "LOG_LEVEL": "WARNING",  # Huey logs every task it runs at INFO
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    import django

    django.setup()
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    assert SMTP.port == settings.EMAIL_PORT
    assert HUEY.immediate


def database_size(vendor: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return _mib(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return _mib(Path(connection.settings_dict["NAME"]).stat().st_size)


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


# --- data -------------------------------------------------------------------------------------------


def people() -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role
    from customers.models import Contact, Customer

    users: dict[str, Any] = {}
    for username, role, last_name in (
        ("ugyintezo", Role.AGENT, "Kiss"),
        ("vezeto", Role.MANAGER, "Nagy"),
        ("eloszto", Role.DISPATCHER, "Tóth"),
        ("fejleszto", Role.EXECUTOR, "Szabó"),
    ):
        user = User.objects.create_user(username, f"{username}@pult.example", None, last_name=last_name)
        user.groups.set([Group.objects.get(name=role.value)])
        users[role.value] = user
    customer = Customer.objects.create(name="Árvíztűrő Tükörfúrógép Kft.", address="1111 Budapest, Fő utca 1.")
    users["contact"] = Contact.objects.create(customer=customer, name="Kovács Éva", email="eva@ugyfel.example")
    return users


def generate(total: int, cast: dict[str, Any], rng: random.Random) -> Iterator[tuple[list[Any], list[Any]]]:
    """Open tickets with their running clocks, `BATCH` at a time (unsaved, clocks without their ticket yet)."""
    from tickets.choices import Channel, Priority, Stage, State
    from tickets.models import StageClock, Ticket, format_ticket_number
    from worktime.services import snapshot

    snap = snapshot()
    stages = [Stage.VERIFY, Stage.ROUTE, Stage.RESOLVE, Stage.NOTIFY]
    states = {
        Stage.VERIFY: [State.NEW],
        Stage.ROUTE: [State.VERIFIED, State.DISPATCHING],
        Stage.RESOLVE: [State.ASSIGNED, State.IN_PROGRESS, State.COMPLETED],
        Stage.NOTIFY: [State.SOLVED],
    }
    priorities = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
    channels = list(Channel)
    contact, agent, executor = cast["contact"], cast["agent"], cast["executor"]
    for first in range(0, total, BATCH):
        tickets, clocks = [], []
        for index in range(first, min(first + BATCH, total)):
            stage = rng.choices(stages, weights=[15, 15, 60, 10])[0]
            priority = rng.choices(priorities, weights=[10, 60, 20, 10])[0]
            target = snap.target(stage, priority, None, None)
            # When the sweep must look next: ~1% already (a backlog of the last 8 hours), the rest within 15 days.
            if rng.random() < DUE_SHARE:
                check = NOW - dt.timedelta(seconds=rng.randint(0, 8 * 3600))
            else:
                check = NOW + dt.timedelta(seconds=rng.randint(60, 15 * 86400))
            gap = dt.timedelta(minutes=target.minutes - target.warn_minutes)  # warning to deadline, roughly
            warned = rng.random() < 0.3
            if warned:  # the warning went out; the deadline is next
                due_at, warn_at = check, min(check - gap, NOW - dt.timedelta(minutes=1))
            else:
                due_at, warn_at = check + gap, check
            started = warn_at - dt.timedelta(minutes=target.warn_minutes)
            received = started - dt.timedelta(minutes=rng.randint(0, 3 * 24 * 60))
            state = rng.choice(states[stage])
            subject = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
            tickets.append(
                Ticket(
                    year=2026,
                    sequence=index + 1,
                    number=format_ticket_number(2026, index + 1),
                    subject=subject,
                    description=subject + ". " + " ".join(rng.choice(WORDS) for _ in range(40)),
                    channel=rng.choice(channels),
                    priority=priority,
                    customer_id=contact.customer_id,
                    contact=contact,
                    received_at=received,
                    registered_at=received,
                    registered_by=agent,
                    state=state,
                    assignee=executor if stage == Stage.RESOLVE and state != State.NEW else None,
                    sla_stage=stage,
                    due_at=due_at,
                    warn_at=warn_at,
                )
            )
            clocks.append(
                StageClock(
                    stage=stage,
                    priority=priority,
                    target_minutes=target.minutes,
                    warn_percent=target.warn_percent,
                    started_at=started,
                    running_since=started,
                    due_at=due_at,
                    warn_at=warn_at,
                    next_check_at=check,
                    warned_at=warn_at if warned else None,
                )
            )
        yield tickets, clocks


def write(total: int, cast: dict[str, Any]) -> None:
    from tickets.models import StageClock, Ticket, TicketNumberSequence

    rng = random.Random(2026)
    started = time.perf_counter()
    for tickets, clocks in generate(total, cast, rng):
        Ticket.objects.bulk_create(tickets, batch_size=BATCH)
        for ticket, clock in zip(tickets, clocks, strict=True):
            clock.ticket = ticket
        StageClock.objects.bulk_create(clocks, batch_size=BATCH)
    TicketNumberSequence.objects.create(year=2026, last_number=total)
    elapsed = time.perf_counter() - started
    print(
        f"generation:      {2 * total / elapsed:10,.0f} rows/s ({total:,} tickets + {total:,} clocks "
        f"in {elapsed:.1f} s, bulk_create in batches of {BATCH:,})"
    )


# --- measurements -----------------------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int, warm_up: int = 3) -> list[float]:
    for _ in range(warm_up):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def measure_query(vendor: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.deadlines import due_for_check
    from tickets.models import StageClock

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    due = StageClock.objects.filter(next_check_at__lte=NOW).count()
    print(f"due clocks:      {due:10,} of {StageClock.objects.count():,} at {NOW:%Y-%m-%d %H:%M} (Budapest)")
    samples = timed(lambda: due_for_check(NOW), QUERY_RUNS)
    found = len(due_for_check(NOW))
    print(
        f"due_for_check:   median {statistics.median(samples):.2f} ms, p95 {p95(samples):.2f} ms "
        f"({QUERY_RUNS} runs after 3 warm-up runs; {found:,} ids returned, limit 1,000)"
    )

    # The same queryset as due_for_check's (checked on the SQL both send), to show its plan.
    queryset = (
        StageClock.objects.filter(next_check_at__lte=NOW).order_by("next_check_at").values_list("pk", flat=True)[:1000]
    )
    with CaptureQueriesContext(connection) as theirs:
        due_for_check(NOW)
    with CaptureQueriesContext(connection) as ours:
        list(queryset)
    assert theirs.captured_queries[-1]["sql"] == ours.captured_queries[-1]["sql"], "due_for_check changed"
    print(f"query:           {queryset.query}")
    plan = queryset.explain()
    print("plan:\n    " + plan.replace("\n", "\n    "))
    if vendor == "postgresql":
        print("plan, executed:\n    " + queryset.explain(analyze=True).replace("\n", "\n    "))
    # PostgreSQL reads the whole table in a "Seq Scan", SQLite in a "SCAN" without an index.
    full_scan = "Seq Scan" in plan or re.search(r"\bSCAN tickets_stageclock(?! USING)", plan) is not None
    uses_index = "clock_next_check" in plan
    print(f"uses clock_next_check: {'yes' if uses_index else 'NO'}; full scan: {'YES' if full_scan else 'no'}")
    return due


def measure_sweep() -> None:
    from django.db import connection

    from mail.models import OutboundMessage
    from tickets.deadlines import due_for_check, sweep
    from tickets.models import TicketEvent

    SMTP.received = 0
    queries = 0

    def count(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(*args)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = sweep(NOW)
    elapsed = time.perf_counter() - started
    swept = len(set(result.warned) | set(result.breached))
    sent = OutboundMessage.objects.filter(status="sent").count()
    queued = OutboundMessage.objects.count()
    print(
        f"sweep:           {swept / elapsed:10,.1f} tickets/s ({swept:,} tickets in {elapsed:.2f} s: "
        f"{len(result.warned):,} warned, {len(result.breached):,} escalated; "
        f"{TicketEvent.objects.count():,} timeline events, {sent:,} of {queued:,} e-mails sent, "
        f"{SMTP.received:,} received by the SMTP server)"
    )
    print(f"sweep SQL:       {queries:10,} statements ({queries / swept:.1f} per ticket, sending included)")
    assert sent == queued == SMTP.received
    assert not due_for_check(NOW), "the sweep left due clocks behind"


def measure_calendar(count: int) -> None:
    import holidays  # noqa: F401  (imported once per process; not part of a calendar's first pass)

    from worktime.calendar import SEED_WEEKLY, WorkCalendar, add_working_minutes, working_minutes_between

    rng = random.Random(24)
    origin = dt.datetime(2025, 1, 1, tzinfo=BUDAPEST)
    span = int((dt.datetime(2028, 1, 1, tzinfo=BUDAPEST) - origin).total_seconds())
    starts = [origin + dt.timedelta(seconds=rng.randrange(span)) for _ in range(count)]
    minutes = [rng.randint(1, 5 * 8 * 60) for _ in range(count)]  # up to 5 working days of 8 hours
    ends = [start + dt.timedelta(seconds=rng.randint(0, 7 * 86400)) for start in starts]  # up to a week later

    def add(cal: WorkCalendar) -> None:
        for start, amount in zip(starts, minutes, strict=True):
            add_working_minutes(cal, start, amount)

    def between(cal: WorkCalendar) -> None:
        for start, end in zip(starts, ends, strict=True):
            working_minutes_between(cal, start, end)

    for name, run in (("add_working_minutes", add), ("working_minutes_between", between)):
        fresh: list[float] = []
        warm: list[float] = []
        for _repeat in range(CALENDAR_REPEATS):  # the median of three: one pass is under a second
            cal = WorkCalendar(SEED_WEEKLY)
            for rates in (fresh, warm):
                started = time.perf_counter()
                run(cal)
                rates.append(count / (time.perf_counter() - started))
        print(
            f"{name + ':':24} {statistics.median(warm):10,.0f} ops/s warm, "
            f"{statistics.median(fresh):10,.0f} ops/s first pass on a fresh calendar "
            f"(median of {CALENDAR_REPEATS} passes of {count:,})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000, help="open tickets, each with a running clock")
    parser.add_argument("--computations", type=int, default=100_000, help="calendar computations of each kind")
    options = parser.parse_args()

    load = os.getloadavg()[0]  # other work on the machine skews every figure: it is printed with them
    workdir = Path(tempfile.mkdtemp(prefix="pult-bench-sla-"))
    maintenance = None
    SMTP.start()
    try:
        database, maintenance = prepare_database(workdir)
        configure(workdir, database)
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        vendor = connection.vendor
        if vendor == "postgresql":
            version = connection.pg_version  # type: ignore[attr-defined]
            name = f"PostgreSQL {version // 10000}.{version % 10000}"
        else:
            import sqlite3

            name = f"SQLite {sqlite3.sqlite_version}"
        print(f"database: {name} ({connection.settings_dict['NAME']}); {options.tickets:,} open tickets")
        write(options.tickets, people())
        measure_query(vendor)
        measure_sweep()
        measure_calendar(options.computations)
        print(f"database size:   {database_size(vendor)}")
        print(f"max RSS:         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        print(f"load average:    {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end ({os.cpu_count()} CPUs)")
        connections.close_all()
    finally:
        SMTP.stop()
        if maintenance:
            _admin(maintenance, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
