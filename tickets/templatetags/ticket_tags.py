from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.dates import short_datetime
from customers.choices import NotificationChannel
from tickets.choices import Action, Channel, NotificationOutcome, Stage, State
from tickets.choices import TestOutcome as Outcome

register = template.Library()

# A choices class's `.values` builds its list on every use; the timeline asks for each of hundreds of events.
_OUTCOMES, _CHANNELS, _NOTIFICATION_CHANNELS = (
    frozenset(Outcome.values),
    frozenset(Channel.values),
    frozenset(NotificationChannel.values),
)
_NOTIFICATION_OUTCOMES, _STAGES, _STATES = (
    frozenset(NotificationOutcome.values),
    frozenset(Stage.values),
    frozenset(State.values),
)


@register.filter
def short_dt(value: dt.datetime | None) -> str:
    """`|date:"SHORT_DATETIME_FORMAT"` for pages that show hundreds of dates (common.dates.short_datetime)."""
    return short_datetime(value) if value else ""


@register.filter
def state_label(value: str) -> str:
    return str(State(value).label) if value in _STATES else ""


def labels_of(choices: Any) -> dict[str, str]:
    """A choices class's labels in the current language, translated once (get_FOO_display translates every
    choice on each call): for pages that show hundreds of them."""
    return {value: str(label) for value, label in choices.choices}


@register.filter
def event_details(event: Any) -> list[tuple[str, str]]:
    """The event's recorded details as (label, value) pairs in the user's language."""
    data = event.data or {}
    rows: list[tuple[str, str]] = []
    changes = data.get("changes", [])
    if changes:
        labels = {"subject": _("Subject"), "module": _("Module"), "priority": _("Priority"), "contact": _("Contact")}
        for change in changes:
            rows.append(
                (labels.get(change["field"], change["field"]), f"{change['from'] or '—'} → {change['to'] or '—'}")
            )
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
    if "outcome" in data and data["outcome"] in _OUTCOMES:
        rows.append((_("Outcome"), str(Outcome(data["outcome"]).label)))
    if "channel" in data:
        channel = data["channel"]
        label = (
            NotificationChannel(channel).label
            if event.action == "record_notification" and channel in _NOTIFICATION_CHANNELS
            else Channel(channel).label
            if channel in _CHANNELS
            else channel
        )
        rows.append((_("Channel"), str(label)))
    if data.get("notification_outcome") in _NOTIFICATION_OUTCOMES:
        rows.append((_("Outcome"), str(NotificationOutcome(data["notification_outcome"]).label)))
    if "recipient" in data:
        rows.append((_("To"), data["recipient"]))
    if "contact" in data:
        rows.append((_("Contact"), data["contact"]))
    if "files" in data:
        rows.append((_("Files"), ", ".join(data["files"])))
    ended = (data.get("clock") or {}).get("ended")
    if ended and ended.get("stage") in _STAGES:
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
    actions, states = labels_of(Action), labels_of(State)
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
                short_datetime(event.at),
                actions.get(event.action, event.action),
                transition,
                actor,
                note,
                details_html,
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every part above is escaped by format_html)


class _RowText:
    """What every row of a ticket list shares, looked up once per list: labels, the calendar, the clock."""

    def __init__(self, context: template.Context) -> None:
        from worktime.templatetags.worktime import due

        self.states, self.channels = labels_of(State), labels_of(Channel)
        self.context = context
        self.due = due

    def url(self, ticket: Any) -> str:
        return reverse("tickets:detail", args=(ticket.year, ticket.sequence))

    def received(self, ticket: Any) -> str:
        return short_datetime(ticket.received_at)

    def deadline(self, ticket: Any) -> str:
        return str(self.due(self.context, ticket))


@register.simple_tag(takes_context=True)
def ticket_rows(context: template.Context, tickets: Any) -> str:
    """The ticket list's table rows. Built here rather than in a template loop: 25 rows of nine cells through
    the template engine cost the list page more than its SQL."""
    text = _RowText(context)
    question = format_html(' <span class="badge warn" title="{}">?</span>', _("Open question to the agent"))
    reopened = format_html(' <span class="badge">{}</span>', _("reopened"))
    rows = []
    for t in tickets:
        snippet = getattr(t, "search_snippet", "")
        rows.append(
            format_html(
                '<tr>\n<td><a href="{}">{}</a></td>\n<td>{}{}{}{}</td>\n'
                '<td><span class="state state-{}">{}</span></td>\n<td>{}<br><small>{}</small></td>\n'
                "<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n</tr>",
                text.url(t),
                t.number,
                getattr(t, "search_title", "") or t.subject,
                question if t.open_questions else "",
                reopened if t.reopen_count else "",
                format_html('<br><small class="snippet">{}</small>', snippet) if snippet else "",
                t.state,
                text.states.get(t.state, ""),
                t.customer.name if t.customer_id else "",
                t.contact.name if t.contact_id else "",
                t.module.name if t.module_id else "—",
                text.channels.get(t.channel, t.channel),
                text.received(t),
                text.deadline(t),
                (t.assignee.display_name if t.assignee_id else "") or "—",
            )
        )
    if not rows:
        return format_html('<tr><td colspan="9" class="empty">{}</td></tr>', _("No tickets."))
    return mark_safe("\n".join(rows))  # noqa: S308 (every part above is escaped by format_html)


@register.simple_tag(takes_context=True)
def mini_items(context: template.Context, tickets: Any) -> str:
    """The start page's and the overview's short lists, built in Python like the list's rows."""
    text = _RowText(context)
    items = []
    for t in tickets:
        assignee = t.assignee.display_name if t.assignee_id else ""
        items.append(
            format_html(
                '<li><a href="{}">{}</a> {} {}\n    <small>· {} · {} · {}{}</small></li>',
                text.url(t),
                t.number,
                t.subject,
                text.deadline(t),
                t.customer.name if t.customer_id else "",
                text.states.get(t.state, ""),
                text.received(t),
                format_html(" · {}", assignee) if assignee else "",
            )
        )
    if not items:
        return format_html('<li class="muted">{}</li>', _("Nothing waiting."))
    return mark_safe("\n".join(items))  # noqa: S308 (every part above is escaped by format_html)
