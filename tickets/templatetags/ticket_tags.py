from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from customers.choices import NotificationChannel
from tickets.choices import Action, Channel, NotificationOutcome, Stage, State
from tickets.choices import TestOutcome as Outcome

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else ""


@register.filter
def channel_label(value: str) -> str:
    """A channel's label (like get_channel_display, without translating every choice on each call)."""
    return str(Channel(value).label) if value in Channel.values else value


@register.filter
def event_details(event: Any) -> list[tuple[str, str]]:
    """The event's recorded details as (label, value) pairs in the user's language."""
    data = event.data or {}
    rows: list[tuple[str, str]] = []
    labels = {"subject": _("Subject"), "module": _("Module"), "priority": _("Priority"), "contact": _("Contact")}
    for change in data.get("changes", []):
        rows.append((labels.get(change["field"], change["field"]), f"{change['from'] or '—'} → {change['to'] or '—'}"))
    if data.get("previous_assignee"):
        rows.append((_("Previous assignee"), data["previous_assignee"]))
    if "assignee" in data:
        rows.append((_("Assignee"), data["assignee"]))
    if "minutes" in data:
        rows.append((_("Minutes spent"), str(data["minutes"])))
    if "call_summary" in data:
        rows.append((_("Phone consultation"), data["call_summary"]))
    if "question" in data:
        rows.append((_("Question"), data["question"]))
    if "outcome" in data and data["outcome"] in Outcome.values:
        rows.append((_("Outcome"), str(Outcome(data["outcome"]).label)))
    if "channel" in data:
        channel = data["channel"]
        label = (
            NotificationChannel(channel).label
            if event.action == "record_notification" and channel in NotificationChannel.values
            else Channel(channel).label
            if channel in Channel.values
            else channel
        )
        rows.append((_("Channel"), str(label)))
    if data.get("notification_outcome") in NotificationOutcome.values:
        rows.append((_("Outcome"), str(NotificationOutcome(data["notification_outcome"]).label)))
    if "recipient" in data:
        rows.append((_("To"), data["recipient"]))
    if "contact" in data:
        rows.append((_("Contact"), data["contact"]))
    if "files" in data:
        rows.append((_("Files"), ", ".join(data["files"])))
    ended = (data.get("clock") or {}).get("ended")
    if ended and ended.get("stage") in Stage.values:
        rows.append(
            (
                str(Stage(ended["stage"]).label),
                (
                    _("%(used)s of %(target)s working time: target met")
                    if ended["met"]
                    else _("%(used)s of %(target)s working time: target missed")
                )
                % {
                    "used": minutes_as_hours(ended["working_minutes"]),
                    "target": minutes_as_hours(ended["target_minutes"]),
                },
            )
        )
    if data.get("clock_resumed"):
        rows.append((_("Waited for the user"), minutes_as_hours(data.get("waited_minutes", 0))))
    if data.get("told"):
        rows.append((_("Told"), ", ".join(data["told"])))
    return rows


@register.filter
def minutes_as_hours(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


@register.filter
def duration_minutes(value: dt.timedelta | None) -> int:
    return int(value / dt.timedelta(minutes=1)) if value else 0


@register.simple_tag
def timeline_items(events: Any) -> str:
    """The timeline's items. Built here rather than in a template loop: a ticket can have hundreds of events,
    and the template engine's per-variable lookups made a 200-event page take a quarter of a second."""
    system = _("system")
    # Django's get_action_display() translates every choice on each call: look the labels up once.
    actions = {value: str(label) for value, label in Action.choices}
    states = {value: str(label) for value, label in State.choices}
    items = []
    for event in events:
        transition = (
            format_html(
                '<span class="transition">{} → {}</span>',
                states.get(event.from_state) or "—",
                states.get(event.to_state, ""),
            )
            if event.from_state != event.to_state
            else ""
        )
        note = (
            format_html('<div class="note">{}</div>', linebreaksbr(event.note, autoescape=True)) if event.note else ""
        )
        details = event_details(event)
        details_html = (
            format_html('<dl class="details">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", details))
            if details
            else ""
        )
        actor = event.actor.display_name if event.actor_id is not None and event.actor.display_name else system
        items.append(
            format_html(
                '<li class="event action-{}">\n<div class="when">{}</div>\n<div class="what"><strong>{}</strong>\n'
                '{} <span class="who">{}</span>\n{}{}</div>\n</li>',
                event.action,
                date_format(localtime(event.at), "SHORT_DATETIME_FORMAT"),
                actions.get(event.action, event.action),
                transition,
                actor,
                note,
                details_html,
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every part above is escaped by format_html)
