"""What the benchmark commands share: the dedicated benchmark database, Django set-up, sizes and percentiles.

The generator (`bench.generate`) and the runner (`bench.run`) work on one dedicated database per engine:
PostgreSQL `pult_bench` on 127.0.0.1:5432 (trust auth, user postgres), or the SQLite file
`var/bench/pult_bench.sqlite3`. Everything else the app writes while benchmarked (uploads, Huey's queue) goes
to `var/bench/` too, never to the developer's `var/`.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE_NAME = "pult_bench"
ENGINES = ("sqlite", "postgres")


def sqlite_path(name: str = DATABASE_NAME) -> Path:
    return BENCH_DIR / f"{name}.sqlite3"


def database_env(engine: str, name: str = DATABASE_NAME) -> dict[str, str]:
    """The environment that points Pult at the benchmark database (and keeps its files under var/bench/)."""
    env = {
        "PULT_VAR_DIR": str(BENCH_DIR),
        "MEDIA_ROOT": str(BENCH_DIR / "media"),
        "HUEY_FILE": str(BENCH_DIR / f"huey-{engine}.sqlite3"),
    }
    if engine == "postgres":
        return env | {"DATABASE_URL": f"{POSTGRES_SERVER}/{name}"}
    return env | {"SQLITE_PATH": str(sqlite_path(name))}


def admin_sql(*statements: str) -> None:
    """Statements on the PostgreSQL server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def setup_django(engine: str, name: str = DATABASE_NAME, **extra: str) -> None:
    """Configure Django in this process for the benchmark database (development mode, DEBUG off)."""
    for variable in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL"):
        os.environ.pop(variable, None)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        database_env(engine, name)
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + "k" * 60,
            "DEBUG": "0",
            "PULT_ENV": "development",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
        | extra
    )
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    import django

    django.setup()


def meta_path(engine: str, name: str = DATABASE_NAME) -> Path:
    """What the generator tells the runner: users, token, the 200-event ticket, the search words."""
    return BENCH_DIR / f"{name}-{engine}.json"


def write_meta(engine: str, meta: dict[str, Any], name: str = DATABASE_NAME) -> None:
    meta_path(engine, name).write_text(json.dumps(meta, indent=2, ensure_ascii=False))


def read_meta(engine: str, name: str = DATABASE_NAME) -> dict[str, Any]:
    path = meta_path(engine, name)
    if not path.exists():
        raise SystemExit(f"No benchmark data for {engine}: run `python -m bench generate --database {engine}` first.")
    return dict(json.loads(path.read_text()))


def database_size(engine: str, name: str = DATABASE_NAME) -> int:
    """Bytes: pg_database_size, or the SQLite file with its write-ahead log."""
    if engine == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/{name}") as connection:
            row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
            return int(row[0]) if row else 0
    path = sqlite_path(name)
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def percentile(samples: list[float], percent: float) -> float:
    """Nearest rank."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
