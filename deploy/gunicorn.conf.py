"""gunicorn for Pult: `gunicorn -c deploy/gunicorn.conf.py config.wsgi:application` (docs/deployment.md).

Everything is read from the environment, so one file serves every machine:
- PULT_BIND (127.0.0.1:8000): the address nginx sends requests to.
- GUNICORN_WORKERS (2 × cores + 1): worker processes. GUNICORN_THREADS (1): threads per worker; above 1 the
  workers are gthread workers, and a database pool (PULT_DB_POOL=1) then pays off.
- GUNICORN_TIMEOUT (60): seconds before a stuck worker is replaced (PDFs and exports take a while).
- PROMETHEUS_MULTIPROC_DIR: where the workers write their request metrics so that /metrics adds them up.
  One directory per gunicorn (per machine), emptied here when gunicorn starts; default: a directory named
  after PULT_BIND in the temp directory.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("PULT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to the upstream open (keepalive in deploy/nginx.conf.template)
# Recycle workers now and then, staggered, so a slow leak never takes a machine down.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
proc_name = os.environ.get("PULT_NODE", "pult")

# Set before any worker is forked (and imports prometheus_client), so every worker writes its metrics there.
_default_dir = Path(tempfile.gettempdir()) / ("pult-prometheus-" + re.sub(r"[^A-Za-z0-9]+", "-", bind))
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_default_dir))


def on_starting(server: Any) -> None:
    """Metrics of earlier runs would be added to this one's: start from an empty directory."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):  # only prometheus_client's files, whatever else the directory holds
        leftover.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker that ended (recycled, crashed) keeps its counters in the sum but drops its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
