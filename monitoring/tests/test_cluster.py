"""The example multi-machine install (deploy/cluster) as an operator runs it: nginx in front of two gunicorns,
two Huey workers on Redis, PostgreSQL, production settings. Tickets registered through nginx and directly
through each web process are each e-mailed exactly once by the workers, to a real SMTP server.

The cluster always uses PostgreSQL (its own database, dropped at the end), whichever database the suite
runs on; PostgreSQL and Redis are started the documented way if they are not running.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.xdist_group("cluster")

PORT = 8100  # nginx; the web processes listen on 8101 and 8102
TICKETS = 12
SCRIPT = Path(settings.BASE_DIR) / "deploy" / "cluster"

SET_UP = """
import json
from accounts.roles import Role
from api.services import token_create
from testkit.factories import ContactFactory, user_with_role
agent = user_with_role(Role.AGENT, username="smoke-agent")
token = token_create(user=agent, name="smoke test").plain
contacts = [ContactFactory(email=f"smoke{i}@ugyfel.example") for i in range(%d)]
print("SETUP " + json.dumps({"token": token, "contacts": [c.pk for c in contacts]}))
"""

OUTCOME = """
import json
from collections import Counter
from mail.models import OutboundMessage
print("OUTCOME " + json.dumps(Counter(OutboundMessage.objects.values_list("status", flat=True))))
"""


def _cluster(*args: str, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _marked(output: str, mark: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(mark + " "))[len(mark) + 1 :]


def _post(port: int, path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    if port != PORT:  # straight to a web process: say what nginx would say (the example's TLS is "at nginx")
        request.add_header("X-Forwarded-Proto", "https")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read()), response.headers.get("X-Pult-Upstream", "")
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{path} on {port}: {error.code} {error.read()[:500]!r}") from error


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_tickets_through_nginx_and_each_web_process_are_each_processed_exactly_once_by_two_workers(
    tmp_path, smtp_server, postgres_running, redis_running
):
    work = tmp_path / "cluster"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PULT_", "DATABASE_URL", "REDIS_URL"))}
    env = inherited | {
        "PULT_CLUSTER_DIR": str(work),
        "PULT_CLUSTER_PORT": str(PORT),
        "PULT_CLUSTER_DATABASE": "pult_cluster",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
    }
    try:
        started = _cluster("start", env=env)
        assert started.returncode == 0, started.stdout + started.stderr
        status = _cluster("status", env=env).stdout
        assert len(re.findall(r"running \(pid \d+\)", status)) == 5, status

        set_up = _cluster("manage", "shell", "-c", SET_UP % TICKETS, env=env, timeout=120)
        assert set_up.returncode == 0, set_up.stderr
        data = json.loads(_marked(set_up.stdout, "SETUP"))

        upstreams: Counter[str] = Counter()
        entry_points: Counter[int] = Counter()
        for index, contact_id in enumerate(data["contacts"]):
            port = (PORT, PORT + 1, PORT + 2, PORT)[index % 4]  # half through nginx, a quarter to each process
            code, ticket, upstream = _post(
                port,
                "/api/v1/tickets",
                data["token"],
                {"contact_id": contact_id, "subject": f"Füst {index}", "description": "Nem indul.", "channel": "phone"},
            )
            assert code == 201 and ticket["state"] == "new"
            code, _after, upstream_again = _post(
                port,
                f"/api/v1/tickets/{ticket['year']}/{ticket['sequence']}/steps/email_user",
                data["token"],
                {"to": f"smoke{index}@ugyfel.example", "subject": f"Füst {index}", "body": "Dolgozunk rajta."},
            )
            assert code == 200
            entry_points[port] += 1
            if port == PORT:
                upstreams.update([upstream, upstream_again])
        assert set(upstreams) == {f"127.0.0.1:{PORT + 1}", f"127.0.0.1:{PORT + 2}"}  # nginx used both

        deadline = time.monotonic() + 120
        while len(smtp_server.messages) < TICKETS and time.monotonic() < deadline:
            time.sleep(0.5)
        outcome: dict[str, int] = {}
        while time.monotonic() < deadline:  # and nothing is left to send twice
            result = _cluster("manage", "shell", "-c", OUTCOME, env=env, timeout=120)
            outcome = json.loads(_marked(result.stdout, "OUTCOME"))
            if outcome == {"sent": TICKETS}:
                break
            time.sleep(1)
        assert outcome == {"sent": TICKETS}
        _code, metrics = _get(PORT + 1, "/metrics")
        assert 'pult_queue_tasks{state="pending"} 0.0' in metrics

        received = Counter(str(message["X-Envelope-To"]) for message in smtp_server.messages)
        assert received == {f"smoke{index}@ugyfel.example": 1 for index in range(TICKETS)}  # each exactly once
        runs = [
            len(
                re.findall(
                    r"INFO:huey:\S+:Executing mail\.tasks\.send_outbound_task", (work / "logs" / log).read_text()
                )
            )
            for log in ("worker1.log", "worker2.log")
        ]
        assert sum(runs) == TICKETS and min(runs) > 0, runs  # both workers took part, no task ran twice

        for port in (PORT + 1, PORT + 2):  # each web process counted the API calls it answered
            code, metrics = _get(port, "/metrics")
            assert code == 200
            assert re.search(
                r'django_http_responses_total_by_status_view_method_total\{method="POST",status="201"', metrics
            )
        assert _get(PORT, "/metrics")[0] == 404  # not through nginx
        access_log = (work / "logs" / "nginx-access.log").read_text()
        assert f"upstream=127.0.0.1:{PORT + 1}" in access_log and f"upstream=127.0.0.1:{PORT + 2}" in access_log
    finally:
        destroyed = _cluster("destroy", env=env)
    assert destroyed.returncode == 0, destroyed.stderr
    assert not work.exists()
    listed = subprocess.run(  # noqa: S603
        ["psql", f"{postgres_running}", "-tAc", "SELECT count(*) FROM pg_database WHERE datname = 'pult_cluster'"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.strip() == "0"
