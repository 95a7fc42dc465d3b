"""One walk through the whole seed in a real browser (Debian's Chromium driven by Playwright):
phone intake → verify → pass to the dispatcher → dispatch → work log → completion → test →
notification → close → feedback that reopens the ticket."""

from __future__ import annotations

from typing import Any

import pytest

from testkit.factories import ContactFactory, ModuleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Jelszo-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def take_step(page: Any, step: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None):
    box = page.locator(f"#step-{step}")
    box.locator("summary").click()
    for name, value in (fields or {}).items():
        box.locator(f"[name='{step}-{name}']").fill(value)
    for name, value in (selects or {}).items():
        box.locator(f"select[name='{step}-{name}']").select_option(value)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert page.locator(".flash.success").count() == 1, page.content()


def state_of(page: Any) -> str:
    classes = page.locator(".ticket-head .state").get_attribute("class")
    return classes.split("state-")[-1]


def test_a_ticket_walks_from_phone_intake_to_closing_and_reopens_on_feedback(browser, live_server, users):
    base = live_server.url
    ContactFactory(name="Kovács Éva", phone="+36 30 123 4567", customer__name="Árvíztűrő Kft.")
    ModuleFactory(name="Számlázó")
    executor = users["executor"]

    agent = log_in(browser, base, users["agent"].username)
    agent.goto(f"{base}/intake/oral/")
    agent.fill("#id_received_at", "2026-11-17T10:00")  # a Tuesday morning, while the desk is open
    agent.fill("#id_caller_name", "Kovács Éva")
    agent.fill("#id_caller_phone", "06 30 123 4567")
    agent.fill("#contact-search", "Kovács")
    agent.locator(".pick-contact").first.click()
    assert "Kovács Éva" in agent.locator("#chosen-contact").inner_text()
    agent.select_option("#id_module", label="Számlázó")
    agent.fill("#id_subject", "Nem nyomtatható a számla")
    agent.fill("#id_content", "A számla nyomtatásakor üres oldal jön ki; ő és ű betűk is vannak.")
    with agent.expect_navigation():
        agent.click("form.intake button[type=submit]")
    assert state_of(agent) == "new"
    number = agent.locator(".ticket-head .number").inner_text()
    ticket_url = agent.url

    take_step(agent, "verify", {"call_summary": "Visszahívtam, a hiba valós."})
    take_step(agent, "route_to_dispatcher", {"note": "Nem tudom eldönteni, ki javítsa."})
    assert state_of(agent) == "dispatching"

    dispatcher = log_in(browser, base, users["dispatcher"].username)
    assert number in dispatcher.locator(".queue-dispatch").inner_text()
    dispatcher.goto(ticket_url)
    take_step(dispatcher, "dispatch", selects={"executor": str(executor.pk)})
    assert state_of(dispatcher) == "assigned"

    worker = log_in(browser, base, executor.username)
    assert number in worker.locator(".queue-mine").inner_text()
    worker.goto(ticket_url)
    take_step(worker, "start")
    take_step(worker, "log_work", {"minutes": "40", "note": "Nyomtatási sablon javítva."})
    take_step(worker, "complete", {"note": "A sablon fejléce hiányzott; pótoltam."})
    assert state_of(worker) == "completed"

    agent.goto(ticket_url)
    take_step(agent, "log_test", {"note": "Próbanyomtatás: a fejléc megjelenik."})
    take_step(agent, "accept_solved")
    assert state_of(agent) == "solved"
    take_step(
        agent,
        "record_notification",
        selects={"channel": "phone"},
        fields={"message": "Telefonon közöltem, hogy a hiba javítva."},
    )
    # Choosing "phone" filled in the contact's number as the recipient.
    assert "+36 30 123 4567" in agent.locator(".timeline li.action-record_notification").inner_text()
    take_step(agent, "close")
    assert state_of(agent) == "closed"

    agent.goto(f"{base}/intake/feedback/")
    agent.fill("#id_q", number)
    agent.locator("form.card button[type=submit]").click()
    agent.locator("#feedback-results a").first.click()
    agent.wait_for_url(f"{base}/intake/feedback/**")
    agent.fill("#id_content", "A hiba a havi zárásnál újra jelentkezett.")
    agent.check("input[name=outcome][value=reopen]")
    with agent.expect_navigation():
        agent.click("form.intake button[type=submit]")
    assert state_of(agent) == "new"

    timeline = agent.locator(".timeline").inner_text()
    for text in (
        "Visszahívtam, a hiba valós.",
        "Nem tudom eldönteni",
        "Nyomtatási sablon javítva.",
        "A sablon fejléce hiányzott",
        "Próbanyomtatás",
        "Telefonon közöltem",
        "A hiba a havi zárásnál újra jelentkezett.",
    ):
        assert text in timeline, text
    actions = agent.locator(".timeline li").evaluate_all("items => items.map(i => i.className)")
    assert [a.split("action-")[-1] for a in actions] == [
        "register",
        "verify",
        "route_to_dispatcher",
        "dispatch",
        "start",
        "log_work",
        "complete",
        "log_test",
        "accept_solved",
        "record_notification",
        "close",
        "reopen",
    ]
