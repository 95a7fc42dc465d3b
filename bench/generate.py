"""The benchmark's data generator: N tickets over several years, written straight into the database, fast.

    .venv/bin/python -m bench generate --tickets 100000                      # SQLite: var/bench/pult_bench.sqlite3
    .venv/bin/python -m bench generate --tickets 100000 --database postgres  # PostgreSQL: pult_bench on 127.0.0.1

The database is made afresh and migrated; then users (one per role, known password), customers, contacts,
modules and an API token are created through the ORM, and the tickets with everything recorded on them are
streamed in batches: PostgreSQL through COPY (psycopg `cursor.copy()`), SQLite through `executemany` in one
transaction per batch. Memory stays bounded: only one batch is held at a time.

What is written is what the workflow would have written (tickets/workflow/): gap-free yearly numbers and
their `TicketNumberSequence` rows; each ticket's events follow the transition table (register, verify, route,
dispatch, start, log work, complete, test, judge solved, notify, close, or reject; messages and attachments
between), its state, assignee, version and completion times agree with its events, and the work-log, test-log,
notification and attachment rows its events name exist. An open ticket has the running service-level clock of
its stage (deadline in working time from the moment the stage began); a clock whose warning or deadline has
passed is marked as handled by the sweep. Not generated: consultations, feedback, reopenings, intake sheets,
e-mails, ended clocks of earlier stages, and the sweep's own warning/escalation events.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench import texts
from bench.common import DATABASE_NAME, admin_sql, duration, setup_django, sqlite_path, write_meta

PASSWORD = "pult-bench-jelszo-2026"  # noqa: S105 - the benchmark's demo users, printed in the docs
YEARS = 4
BATCH = 2000
EVENTS_200 = 200

# Tables written in bulk, with their columns in the order the rows below give them (checked against the models).
COLUMNS: dict[str, list[str]] = {
    "tickets_ticket": (
        "id year sequence number subject description channel priority customer_id contact_id module_id received_at "
        "registered_at registered_by_id state assignee_id rejection_reason completed_at solved_at closed_at "
        "reopen_count open_questions sla_stage due_at warn_at waiting_since reply_waiting_since version updated_at"
    ).split(),
    "tickets_ticketevent": "id ticket_id actor_id at action from_state to_state note data".split(),
    "tickets_worklogentry": "id ticket_id author_id logged_at minutes note".split(),
    "tickets_testlogentry": "id ticket_id author_id logged_at outcome note".split(),
    "tickets_notification": (
        "id ticket_id channel contact_id recipient message outcome notified_at recorded_by_id".split()
    ),
    "tickets_attachment": (
        "id ticket_id file original_name content_type size description uploaded_by_id uploaded_at".split()
    ),
    "tickets_stageclock": (
        "id ticket_id stage priority target_minutes warn_percent started_at counted running_since paused_since "
        "pauses due_at warn_at next_check_at warned_at breached_at ended_at used met"
    ).split(),
}
MODELS = {
    "tickets_ticket": "Ticket",
    "tickets_ticketevent": "TicketEvent",
    "tickets_worklogentry": "WorkLogEntry",
    "tickets_testlogentry": "TestLogEntry",
    "tickets_notification": "Notification",
    "tickets_attachment": "Attachment",
    "tickets_stageclock": "StageClock",
}

CHANNELS = {"email": 45, "phone": 30, "web": 10, "in_person": 7, "post": 5, "fax": 3}
PRIORITIES = {"normal": 65, "high": 20, "low": 10, "urgent": 5}
OPEN_STATES = {
    "new": 15,
    "verified": 8,
    "dispatching": 5,
    "assigned": 12,
    "in_progress": 30,
    "completed": 10,
    "solved": 8,
    "notified": 12,
}
ACTIVE = {"new", "verified", "dispatching", "assigned", "in_progress", "completed", "solved"}
OPEN = ACTIVE | {"notified"}


@dataclass
class Cast:
    """Who and what the tickets refer to (small: kept in memory)."""

    agents: list[tuple[int, str]]  # (id, display name)
    executors: list[tuple[int, str]]
    dispatcher: int
    contacts: list[tuple[int, int, str]]  # (id, customer id, e-mail)
    modules: list[tuple[int, str]]  # (id, name)


@dataclass
class Batch:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {table: [] for table in COLUMNS})


@dataclass
class Counters:
    next_id: dict[str, int]
    written: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0.0))

    def take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value


# --- the cast: users, customers, contacts, modules, the API token ---------------------------------------


def make_cast(tickets: int, rng: random.Random) -> tuple[Cast, dict[str, Any]]:
    """Users of every working role with one known password, customers with contacts, modules, a token."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role
    from api.models import ApiToken
    from api.services import TOKEN_PREFIX, token_hash
    from customers.models import Contact, Customer, Module, phone_digits

    password = make_password(PASSWORD)  # hashed once: the same hash serves every benchmark user
    plan = [("bench_agent", Role.AGENT), ("bench_manager", Role.MANAGER), ("bench_dispatcher", Role.DISPATCHER)]
    plan += [(f"bench_agent{n:02d}", Role.AGENT) for n in range(1, 6)]
    plan += [(f"bench_exec{n:02d}", Role.EXECUTOR) for n in range(1, 13)]
    users = User.objects.bulk_create(
        [
            User(
                username=username,
                password=password,
                last_name=rng.choice(texts.FAMILY_NAMES),
                first_name=rng.choice(texts.GIVEN_NAMES),
                email=f"{username}@pult.example",
                is_staff=False,
            )
            for username, _role in plan
        ]
    )
    groups = {group.name: group for group in Group.objects.all()}
    memberships = User.groups.through
    memberships.objects.bulk_create(
        [
            memberships(user_id=user.pk, group_id=groups[role.value].pk)
            for user, (_n, role) in zip(users, plan, strict=True)
        ]
    )
    by_role: dict[str, list[tuple[int, str]]] = {}
    for user, (_name, role) in zip(users, plan, strict=True):
        by_role.setdefault(role.value, []).append((user.pk, user.display_name))

    modules = Module.objects.bulk_create([Module(code=code, name=name) for code, name in texts.MODULES])
    customer_count = max(10, tickets // 400)
    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=texts.company(rng, n), address=texts.address(rng), phone=f"+36 1 {rng.randint(1000000, 9999999)}"
            )
            for n in range(1, customer_count + 1)
        ],
        batch_size=1000,
    )
    contact_rows: list[Any] = []
    for customer in customers:
        for _n in range(rng.randint(2, 7)):
            name = texts.person(rng)
            phone = f"+36 {rng.choice((20, 30, 70))} {rng.randint(1000000, 9999999)}"
            contact_rows.append(
                Contact(
                    customer=customer,
                    name=name,
                    phone=phone,
                    phone_digits=phone_digits(phone),
                    email=f"user{len(contact_rows) + 1}@ugyfel{customer.pk}.example",
                    postal_address=texts.address(rng),
                )
            )
    contacts = Contact.objects.bulk_create(contact_rows, batch_size=1000)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(30)
    agent_id = by_role[Role.AGENT.value][0][0]
    ApiToken.objects.create(user_id=agent_id, name="benchmark", prefix=plain[:8], key_hash=token_hash(plain))
    cast = Cast(
        agents=by_role[Role.AGENT.value],
        executors=by_role[Role.EXECUTOR.value],
        dispatcher=by_role[Role.DISPATCHER.value][0][0],
        contacts=[(c.pk, c.customer_id, c.email) for c in contacts],
        modules=[(m.pk, m.name) for m in modules],
    )
    meta = {
        "password": PASSWORD,
        "agent": "bench_agent",
        "manager": "bench_manager",
        "token": plain,
        "contacts": [c.pk for c in contacts[:200]],
        "modules": [m.pk for m in modules],
    }
    return cast, meta


# --- one ticket ---------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _path(rng: random.Random, final: str) -> list[str]:
    """The state-changing steps from registration to `final`, in the transition table's order."""
    if final == "rejected":
        return ["register", "reject"]
    steps = ["register"]
    if final == "new":
        return steps
    steps.append("verify")
    if final == "verified":
        return steps
    if final == "dispatching":
        return [*steps, "route_to_dispatcher"]
    route = rng.choices(["route_to_executor", "dispatcher", "route_personally"], weights=[60, 25, 15])[0]
    if final == "assigned" or route != "route_personally":
        steps += ["route_to_dispatcher", "dispatch"] if route == "dispatcher" else ["route_to_executor"]
        if final == "assigned":
            return steps
        steps.append("start")
    else:
        steps.append("route_personally")
    if final == "in_progress":
        return steps
    steps.append("complete")
    if final == "completed":
        return steps
    steps += ["log_test", "accept_solved"]
    if final == "solved":
        return steps
    steps.append("record_notification")
    if final == "notified":
        return steps
    return [*steps, "close"]


TO_STATE = {
    "register": "new",
    "reject": "rejected",
    "verify": "verified",
    "route_to_dispatcher": "dispatching",
    "route_to_executor": "assigned",
    "dispatch": "assigned",
    "route_personally": "in_progress",
    "start": "in_progress",
    "complete": "completed",
    "accept_solved": "solved",
    "record_notification": "notified",
    "close": "closed",
}
ACTION = {"route_personally": "route_personally", "record_notification": "record_notification"}


def _pad(rng: random.Random, steps: list[str], total: int) -> list[str]:
    """Add repeatable steps (log work, a message from the user, an attachment) where the state allows them."""
    steps = list(steps)
    while len(steps) < total:
        states, state = [], ""
        for step in steps:
            state = TO_STATE.get(step, state)
            states.append(state)
        working = [i for i, s in enumerate(states) if s == "in_progress" and steps[i] != "complete"]
        if working and rng.random() < 0.6:
            steps.insert(rng.choice(working) + 1, "log_work")
            continue
        active = [i for i, s in enumerate(states) if s in ACTIVE or s == "notified"]
        if active and rng.random() < 0.7:
            steps.insert(rng.choice(active) + 1, "message_received")
        else:
            steps.insert(rng.randrange(len(steps)) + 1, "attach")
    return steps


def _event_count(rng: random.Random) -> int:
    return min(20, 3 + int(rng.expovariate(1 / 4)))


class Writer:
    """Builds the rows of one ticket into the current batch."""

    def __init__(self, cast: Cast, counters: Counters, now: dt.datetime, rng: random.Random) -> None:
        from worktime.services import snapshot

        self.cast, self.counters, self.now, self.rng = cast, counters, now, rng
        self.snap = snapshot()

    def ticket(
        self,
        batch: Batch,
        *,
        received: dt.datetime,
        year: int,
        sequence: int,
        final: str,
        events: int,
        word: str,
    ) -> int:
        rng, cast, take = self.rng, self.cast, self.counters.take
        rows = batch.rows
        ticket_id = take("tickets_ticket")
        contact_id, customer_id, email = rng.choice(cast.contacts)
        module = rng.choice(cast.modules) if rng.random() < 0.85 else None
        channel = _weighted(rng, CHANNELS)
        priority = _weighted(rng, PRIORITIES)
        agent_id, _agent_name = rng.choice(cast.agents)
        steps = _pad(rng, _path(rng, final), events)

        registered = received + dt.timedelta(minutes=rng.randint(0, 20))
        registered = min(registered, self.now - dt.timedelta(seconds=1))
        room = max((self.now - registered).total_seconds() * 0.97, float(len(steps)))
        span = min(room, rng.uniform(3600, 25 * 86400) if final in ("closed", "rejected") else room * rng.random())
        span = max(span, float(len(steps)))
        offsets = sorted(rng.uniform(0, span) for _ in range(len(steps) - 1))
        times = [registered] + [registered + dt.timedelta(seconds=s) for s in offsets]

        state, assignee, stage_started = "", None, registered
        completed_at = solved_at = closed_at = None
        rejection = ""
        sender = texts.person(rng)
        for step, at in zip(steps, times, strict=True):
            before = state
            note, data = "", dict[str, Any]()
            actor: int | None = agent_id
            if step == "register":
                data = {"channel": channel, "received_at": received.isoformat()}
            elif step == "reject":
                note = rejection = rng.choice(("Kéretlen reklámlevél.", "Duplikált bejelentés.", "Téves címzés."))
            elif step in ("route_to_executor", "dispatch"):
                assignee, name = rng.choice(cast.executors)
                actor = cast.dispatcher if step == "dispatch" else agent_id
                data = {"assignee": name}
            elif step == "route_personally":
                assignee, data = agent_id, {"assignee": _agent_name}
            elif step in ("start", "complete", "log_work"):
                actor = assignee or agent_id
                if step == "log_work":
                    minutes = rng.choice((15, 30, 45, 60, 90, 120, 240))
                    note = rng.choice(texts.WORK_NOTES)
                    data = {"minutes": minutes}
                    rows["tickets_worklogentry"].append(
                        (take("tickets_worklogentry"), ticket_id, actor, at, minutes, note)
                    )
                elif step == "complete":
                    note, completed_at = "A javítás elkészült, tesztelhető.", at
            elif step == "log_test":
                note, data = "Tesztelve az ügyfél adataival, rendben.", {"outcome": "passed"}
                rows["tickets_testlogentry"].append(
                    (take("tickets_testlogentry"), ticket_id, actor, at, "passed", note)
                )
            elif step == "accept_solved":
                solved_at = at
            elif step == "record_notification":
                note = "Tájékoztattuk az ügyfelet a megoldásról."
                data = {"channel": "email", "recipient": email, "notification_outcome": "delivered"}
                rows["tickets_notification"].append(
                    (take("tickets_notification"), ticket_id, "email", contact_id, email, note, "delivered", at, actor)
                )
            elif step == "close":
                closed_at = at
            elif step == "message_received":
                note = rng.choice(texts.SENTENCES)
                data = {"sender": email, "channel": "email"}
                actor = None
            elif step == "attach":
                name, content_type = rng.choice(texts.ATTACHMENTS)
                data = {"files": [name]}
                rows["tickets_attachment"].append(
                    (
                        take("tickets_attachment"),
                        ticket_id,
                        f"attachments/{year}/{rng.getrandbits(128):032x}",
                        name,
                        content_type,
                        rng.randint(20_000, 3_000_000),
                        "",
                        actor,
                        at,
                    )
                )
            state = TO_STATE.get(step, state)
            if _stage(state) != _stage(before):
                stage_started = at
            rows["tickets_ticketevent"].append(
                (take("tickets_ticketevent"), ticket_id, actor, at, _action(step), before, state, note, data)
            )

        sla_stage, due_at, warn_at = "", None, None
        stage = _stage(state)
        if stage:
            sla_stage, due_at, warn_at = self.clock(batch, ticket_id, stage, priority, stage_started)
        rows["tickets_ticket"].append(
            (
                ticket_id,
                year,
                sequence,
                f"{year}/{sequence:06d}",
                texts.subject(rng, module[1] if module else None, word),
                texts.body(rng, sender, word),
                channel,
                priority,
                customer_id,
                contact_id,
                module[0] if module else None,
                received,
                registered,
                agent_id,
                state,
                assignee,
                rejection,
                completed_at,
                solved_at,
                closed_at,
                0,
                0,
                sla_stage,
                due_at,
                warn_at,
                None,
                # A message from the user that no step followed: the agent's "replies" queue (migration 0012).
                times[-1] if steps[-1] == "message_received" and state in OPEN else None,
                len(steps),
                times[-1],
            )
        )
        return ticket_id

    def clock(
        self, batch: Batch, ticket_id: int, stage: str, priority: str, started: dt.datetime
    ) -> tuple[str, dt.datetime, dt.datetime]:
        """The running clock of the ticket's stage; what is past its warning or deadline counts as swept."""
        from worktime.calendar import add_working_time

        target = self.snap.target(stage, priority, None, None)
        due = add_working_time(self.snap.calendar, started, dt.timedelta(minutes=target.minutes))
        warn = add_working_time(self.snap.calendar, started, dt.timedelta(minutes=target.warn_minutes))
        warned = warn if warn <= self.now else None
        breached = due if due <= self.now else None
        next_check = None if breached else (due if warned else warn)
        batch.rows["tickets_stageclock"].append(
            (
                self.counters.take("tickets_stageclock"),
                ticket_id,
                stage,
                priority,
                target.minutes,
                target.warn_percent,
                started,
                dt.timedelta(0),
                started,
                None,
                0,
                due,
                warn,
                next_check,
                warned,
                breached,
                None,
                None,
                None,
            )
        )
        return stage, due, warn


def _stage(state: str) -> str:
    from tickets.choices import STAGE_OF_STATE

    stage = STAGE_OF_STATE.get(state)
    return str(stage.value) if stage else ""


def _action(step: str) -> str:
    from tickets.choices import Action

    return str(Action(ACTION.get(step, step)).value)


# --- writing --------------------------------------------------------------------------------------------


# Columns the models have beyond the generator's (added since it was written): each row gets the field's default.
EXTRA: dict[str, list[tuple[str, Any]]] = {}


def _check_columns() -> None:
    from django.apps import apps

    for table, columns in COLUMNS.items():
        model = apps.get_model("tickets", MODELS[table])
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise SystemExit(f"{table}: the generator writes columns the model no longer has: {sorted(unknown)}")
        EXTRA[table] = [(name, f.get_default()) for name, f in fields.items() if name not in columns]


def _adapt_sqlite(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def flush(batch: Batch, counters: Counters) -> None:
    """Write the batch in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, rows in list(batch.rows.items()):
            if not rows:
                continue
            started = time.perf_counter()
            extra = EXTRA.get(table, [])
            columns = [*COLUMNS[table], *(name for name, _value in extra)]
            if extra:
                defaults = tuple(value for _name, value in extra)
                rows = [row + defaults for row in rows]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for v in row])
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - our own names
                    [tuple(_adapt_sqlite(v) for v in row) for row in rows],
                )
            counters.seconds[table] += time.perf_counter() - started
            counters.written[table] += len(rows)
            batch.rows[table] = []


def _next_ids() -> dict[str, int]:
    from django.db import connection

    ids = {}
    with connection.cursor() as cursor:
        for table in COLUMNS:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - our own names
            ids[table] = int(cursor.fetchone()[0])
    return ids


def _plan_years(total: int, now: dt.datetime, rng: random.Random) -> Iterator[tuple[dt.datetime, int, int]]:
    """(received, year, sequence) in time order over the last YEARS years; numbers gap-free per year."""
    from django.utils import timezone

    start = now - dt.timedelta(days=365 * YEARS)
    step = (now - start).total_seconds() / total
    year, sequence = 0, 0
    for index in range(total):
        received = start + dt.timedelta(seconds=(index + rng.random() * 0.9) * step)
        local_year = timezone.localtime(min(received + dt.timedelta(minutes=20), now)).year
        # The number is the registration's year; registration is at most 20 minutes after receipt.
        if local_year != year:
            year, sequence = local_year, 0
        sequence += 1
        yield received, year, sequence


def load(
    *,
    tickets: int,
    seed: int = 2026,
    batch_size: int = BATCH,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Generate `tickets` tickets into the (migrated, ticket-free) default database. Returns the meta data."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tickets.models import Ticket, TicketNumberSequence

    if Ticket.objects.exists():
        raise SystemExit("The database already has tickets: the generator fills an empty, migrated database.")
    _check_columns()
    now = now or timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        cast, meta = make_cast(tickets, rng)
    counters = Counters(next_id=_next_ids())
    writer = Writer(cast, counters, now, rng)
    special = max(0, tickets - max(3, tickets // 100))  # a recent ticket: the one with 200 events
    rare = {int(tickets * (n + 0.5) / texts.RARE_COUNT) for n in range(texts.RARE_COUNT)} - {special}
    recent = dt.timedelta(days=45)
    batch = Batch()
    last_numbers: dict[int, int] = {}
    started = time.perf_counter()
    common_count = 0
    open_sample: list[tuple[int, int]] = []
    report_every = max(batch_size, tickets // 20)
    for index, (received, year, sequence) in enumerate(_plan_years(tickets, now, rng)):
        age = now - received
        p_open = 0.03 + 0.9 * max(0.0, 1 - age / recent)
        if index == special:
            final = "in_progress"
        elif rng.random() < p_open:
            final = _weighted(rng, OPEN_STATES)
        else:
            final = "rejected" if rng.random() < 0.05 else "closed"
        word = ""
        if index in rare:
            word = texts.RARE_WORD
        elif rng.random() < texts.COMMON_SHARE:
            word, common_count = texts.COMMON_WORD, common_count + 1
        events = EVENTS_200 if index == special else _event_count(rng)
        writer.ticket(batch, received=received, year=year, sequence=sequence, final=final, events=events, word=word)
        last_numbers[year] = sequence
        if index == special:
            meta["ticket_200"] = [year, sequence]
        if final in ACTIVE and final != "new" and len(open_sample) < 5000 and rng.random() < 0.5:
            open_sample.append((year, sequence))
        if len(batch.rows["tickets_ticket"]) >= batch_size:
            flush(batch, counters)
        done = index + 1
        if done % report_every == 0 or done == tickets:
            flush(batch, counters)
            elapsed = time.perf_counter() - started
            rows = sum(counters.written.values())
            eta = elapsed / done * (tickets - done)
            progress(
                f"  {done:>10,} / {tickets:,} tickets  {rows:>12,} rows  {rows / elapsed:>9,.0f} rows/s  "
                f"{done / elapsed:>7,.0f} tickets/s  ETA {duration(eta)}"
            )
    flush(batch, counters)
    with transaction.atomic():
        for year, last in last_numbers.items():
            TicketNumberSequence.objects.update_or_create(year=year, defaults={"last_number": last})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in COLUMNS:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                )
    elapsed = time.perf_counter() - started
    meta |= {
        "tickets": tickets,
        "seed": seed,
        "common_word": texts.COMMON_WORD,
        "common_count": common_count,
        "rare_word": texts.RARE_WORD,
        "rare_count": len(rare),
        "open_tickets": open_sample,
        "generated_at": now.isoformat(),
        "rows": dict(counters.written),
        "seconds": round(elapsed, 1),
        "rows_per_second": {
            table: round(counters.written[table] / counters.seconds[table]) if counters.seconds[table] else 0
            for table in COLUMNS
        },
        "total_rows_per_second": round(sum(counters.written.values()) / elapsed),
    }
    return meta


# --- the command ----------------------------------------------------------------------------------------


def _fresh_database(engine: str, name: str) -> None:
    if engine == "postgres":
        admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        return
    path = sqlite_path(name)
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()


def rebuild_search_index(progress: Callable[[str], None]) -> bool:
    """The `search` app's index over the new tickets, if the app is there (the rows bypassed its signals)."""
    try:
        from search import indexing  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        progress("search index: the `search` app is not installed yet; skipped")
        return False
    started = time.perf_counter()
    indexing.rebuild_all(batch_size=5000, progress=progress)
    progress(f"search index: rebuilt in {time.perf_counter() - started:.1f} s")
    return True


def _after_load(engine: str, progress: Callable[[str], None]) -> None:
    from django.db import connection

    rebuild_search_index(progress)
    started = time.perf_counter()
    if engine == "postgres":
        connection.ensure_connection()
        raw = connection.connection
        autocommit = raw.autocommit
        raw.autocommit = True
        raw.execute("VACUUM ANALYZE")
        raw.autocommit = autocommit
        progress(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        progress(f"ANALYZE: {time.perf_counter() - started:.1f} s")


def main(options: Any) -> None:
    engine, name = options.database, DATABASE_NAME
    print(f"generating {options.tickets:,} tickets into {engine} ({name}), seed {options.seed}")
    _fresh_database(engine, name)
    setup_django(engine, name)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    meta = load(tickets=options.tickets, seed=options.seed, batch_size=options.batch, progress=print)
    _after_load(engine, print)
    meta["engine"] = engine
    write_meta(engine, meta, name)
    rows = meta["rows"]
    print("rows written (rows/s while writing that table):")
    for table, count in rows.items():
        print(f"  {table:24} {count:>12,}  {meta['rows_per_second'][table]:>10,} rows/s")
    total = sum(rows.values())
    print(
        f"total: {total:,} rows in {meta['seconds']:.1f} s = {meta['total_rows_per_second']:,} rows/s "
        f"({options.tickets / meta['seconds']:,.0f} tickets/s, generation included)"
    )
    estimate = meta["seconds"] / options.tickets * 1_000_000
    print(f"at 1,000,000 tickets this pace would take about {duration(estimate)} (plus indexing and ANALYZE)")
    print(f"the 200-event ticket: {meta['ticket_200'][0]}/{meta['ticket_200'][1]:06d}")
    print(
        f"search words: {meta['common_word']!r} in {meta['common_count']:,} tickets, "
        f"{meta['rare_word']!r} in {meta['rare_count']}"
    )
    sys.stdout.flush()
