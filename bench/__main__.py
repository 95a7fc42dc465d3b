"""`python -m bench generate|run|profile|table …`: the benchmark suite (docs/performance.md)."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="create and fill the benchmark database")
    generate.add_argument("--tickets", type=int, default=100_000)
    generate.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    generate.add_argument("--seed", type=int, default=2026)
    generate.add_argument("--batch", type=int, default=2000, help="tickets per COPY / executemany batch")

    run = commands.add_parser("run", help="run every scenario against gunicorn with wrk")
    run.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    run.add_argument("--duration", type=int, default=10, help="seconds per scenario and concurrency")
    run.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per scenario")
    run.add_argument("--concurrency", default="1,8", help="comma-separated wrk connection counts")
    run.add_argument("--port", type=int, default=8200)
    # The deployment's shape (deploy/gunicorn.conf.py): sync workers, 2 × cores + 1 of them.
    run.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn worker processes")
    run.add_argument("--threads", type=int, default=1, help="threads per worker (gthread only)")
    run.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="sync: one request at a time")
    run.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    run.add_argument("--sla-tickets", type=int, default=100_000, help="open tickets for bench.sla (0: skip)")
    run.add_argument("--mail-messages", type=int, default=300, help="messages for bench.mail_intake (0: skip)")
    profile = commands.add_parser("profile", help="where each scenario's time goes (pyinstrument, in-process)")
    profile.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    profile.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    profile.add_argument("--repeat", type=int, default=20, help="requests per scenario")
    profile.add_argument("--interval", type=float, default=0.5, help="sampling interval, ms")
    table = commands.add_parser("table", help="a results file of `run` as a Markdown table")
    table.add_argument("results", help="var/bench/results-….json")
    options = parser.parse_args()

    if options.command == "table":
        from pathlib import Path

        from bench.run import markdown

        print(markdown(Path(options.results)))
    elif options.command == "profile":
        from bench.profile import main as profile_main

        profile_main(options)
    elif options.command == "generate":
        from bench.generate import main as generate_main

        generate_main(options)
    else:
        from bench.run import main as run_main

        run_main(options)


if __name__ == "__main__":
    main()
