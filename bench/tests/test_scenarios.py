"""`bench run`'s scenarios answer as they must on generated data, and `bench profile` reports where time goes."""

from __future__ import annotations

from typing import Any

import pytest
from pyinstrument import Profiler

from bench.generate import load, rebuild_search_index
from bench.profile import _body
from bench.run import BATCH_SIZE, InProcess, Offline, scenarios
from tickets.models import Ticket


@pytest.fixture
def generated(db: Any) -> dict[str, Any]:
    meta = load(tickets=120, seed=11, batch_size=40, progress=lambda _line: None)
    rebuild_search_index(lambda _line: None)
    return meta


def test_every_scenario_answers_as_the_benchmark_expects_in_process(generated: dict[str, Any]) -> None:
    items, _note = scenarios(generated, Offline())
    requests = InProcess(generated)
    before = Ticket.objects.count()
    for scenario in items:
        response = requests.request(scenario)
        assert response.status_code in scenario.expect, (scenario.name, response.status_code)
    # One through the API, a batch through the API, one through the intake page.
    assert Ticket.objects.count() == before + 1 + BATCH_SIZE + 1


def test_a_scenario_with_several_paths_takes_the_next_one_each_time(generated: dict[str, Any]) -> None:
    items, _note = scenarios(generated, Offline())
    step = next(s for s in items if s.name == "api_step")
    assert len(step.paths) > 1
    requests = InProcess(generated)
    answers = [requests.request(step) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["number"] != answers[1].json()["number"]


def test_the_profile_text_keeps_the_functions_and_drops_pyinstrument_s_banner() -> None:
    profiler = Profiler(interval=0.0001)
    with profiler:
        sum(i * i for i in range(200_000))
    lines = _body(profiler.output_text(unicode=True))
    assert lines and not any("Recorded" in line or "Profile at" in line or "/_//" in line for line in lines)
    assert any("test_the_profile_text" in line for line in lines)
