"""`python -m bench profile`: where a scenario's time goes, profiled with pyinstrument in this process.

    .venv/bin/python -m bench profile --database postgres --only list_default,api_register --repeat 30

The scenarios are `bench run`'s, on the same generated database, each request made through Django's test
client (`bench.run.InProcess`): no server, no load, so the profile shows the application's own cost per
request: views, forms, templates, the ORM, and the time spent waiting on the database. For each scenario it
prints the median time per request without the profiler, then with it (pyinstrument's hook on every call
slows Python down, so read the profile's shares, not its milliseconds), the SQL statements and their time
as Django measures it (CaptureQueriesContext, which rounds each to the millisecond), the functions
with the most time of their own, and the call tree down to 2% of the total; the interactive HTML profile is
written to `var/bench/profile-<engine>-<scenario>.html`.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.common import BENCH_DIR, read_meta, setup_django

TREE_THRESHOLD = 0.02  # of the scenario's total time
FLAT_LINES = 25


def main(options: Any) -> None:
    engine = options.database
    meta = read_meta(engine)
    setup_django(engine)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from bench.run import FLOOR, InProcess, Offline, scenarios

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name the hashed static files
    items, _note = scenarios(meta, Offline())
    wanted = set(options.only.split(",")) if options.only else {s.name for s in items} - {FLOOR}
    unknown = wanted - {s.name for s in items}
    if unknown:
        known = ", ".join(s.name for s in items)
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}; known: {known}")
    requests = InProcess(meta)
    print(f"profile on {engine}: {meta['tickets']:,} tickets; {options.repeat} requests per scenario, in-process")
    for scenario in (s for s in items if s.name in wanted):
        response = requests.request(scenario)  # warm: per-process caches; and the answer must be the expected one
        if response.status_code not in scenario.expect:
            raise SystemExit(f"{scenario.name}: answered {response.status_code}, expected {scenario.expect}")
        plain = []
        for _ in range(options.repeat):
            started = time.perf_counter()
            requests.request(scenario)
            plain.append((time.perf_counter() - started) * 1000)
        profiler = Profiler(interval=options.interval / 1000)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured, profiler:
            for _ in range(options.repeat):
                requests.request(scenario)
        per_request = (time.perf_counter() - started) * 1000 / options.repeat
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000 / options.repeat
        statements = len(captured.captured_queries) / options.repeat
        print(
            f"\n=== {scenario.name}: {scenario.title}\n"
            f"{statistics.median(plain):.1f} ms per request (median of {options.repeat}, not profiled); "
            f"{per_request:.1f} ms profiled; {statements:g} SQL statements taking {sql_ms:.1f} ms"
        )
        flat = profiler.output_text(flat=True, flat_time="self", time="percent_of_total", unicode=True)
        print("functions by their own time:")
        print(_head(flat, FLAT_LINES))
        print("call tree:")
        print(
            _tree(
                profiler.output_text(
                    time="percent_of_total",
                    unicode=True,
                    processor_options={"filter_threshold": TREE_THRESHOLD},
                )
            )
        )
        out = BENCH_DIR / f"profile-{engine}-{scenario.name}.html"
        out.write_text(profiler.output_html())
        print(f"interactive profile: {out}")


def _body(text: str) -> list[str]:
    """pyinstrument's text output without its banner (the lines up to "Profile at …")."""
    lines = [line for line in text.splitlines() if line.strip()]
    banner_end = next((i for i, line in enumerate(lines) if line.startswith("Profile at")), -1)
    return lines[banner_end + 1 :]


def _head(text: str, lines: int) -> str:
    return "\n".join(_body(text)[:lines])


def _tree(text: str) -> str:
    return "\n".join(_body(text))
