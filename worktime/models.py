"""Opening hours, calendar exceptions and service-level targets: what an administrator edits.

Every change bumps the revision in CalendarRevision, so each process rebuilds its cached calendar, and
queues the recomputation of the deadlines of open tickets (worktime.signals).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.choices import Priority


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def _check_times(opens: object, closes: object) -> None:
    if (opens is None) != (closes is None):
        raise ValidationError(_("Give both the opening and the closing time, or neither (closed)."))
    if opens is not None and closes is not None and not opens < closes:  # type: ignore[operator]
        raise ValidationError(_("The closing time must be after the opening time."))


class OpeningHours(models.Model):
    """The service desk's hours on one weekday; without times the desk is closed that day."""

    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday, unique=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]

    def __str__(self) -> str:
        day = Weekday(self.weekday).label
        if self.opens is None or self.closes is None:
            return f"{day}: {_('closed')}"
        return f"{day}: {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        _check_times(self.opens, self.closes)


class CalendarException(models.Model):
    """A date with other hours than usual: an extra closed day, shortened hours, a holiday the package lacks."""

    date = models.DateField(_("date"), unique=True)
    opens = models.TimeField(_("opens"), null=True, blank=True, help_text=_("Leave both times empty: closed all day."))
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        if self.opens is None or self.closes is None:
            return f"{self.date:%Y. %m. %d.} {_('closed')}: {self.reason}"
        return f"{self.date:%Y. %m. %d.} {self.opens:%H:%M}–{self.closes:%H:%M}: {self.reason}"

    def clean(self) -> None:
        _check_times(self.opens, self.closes)


class CalendarRevision(models.Model):
    """One row: bumped on every change of hours, exceptions or targets (processes cache the calendar by it)."""

    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar revision")

    def __str__(self) -> str:
        return str(self.revision)


def _minutes_field(label: Any, default: int) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 365)],
        help_text=_("Working minutes (one working day is about 500)."),
    )


class ServiceLevel(models.Model):
    """Targets for one priority, optionally only for one customer and/or module, in working minutes.

    The most specific row wins: customer and module, then customer, then module, then the priority's
    default (neither set).
    """

    priority = models.CharField(_("priority"), max_length=10, choices=Priority)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("customer")
    )
    module = models.ForeignKey(
        "customers.Module", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("module")
    )
    verify_minutes = _minutes_field(_("verification (first response)"), 240)
    route_minutes = _minutes_field(_("routing"), 480)
    resolve_minutes = _minutes_field(_("resolution"), 2400)
    notify_minutes = _minutes_field(_("notification after solving"), 480)
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (% of the target)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["priority", "customer", "module"]

    def __str__(self) -> str:
        scope = " / ".join(str(part) for part in (self.customer, self.module) if part) or _("default")
        return f"{Priority(self.priority).label} — {scope}"

    def clean(self) -> None:
        # A unique constraint cannot see rows without customer or module as equal on every database.
        same = ServiceLevel.objects.filter(
            priority=self.priority,
            customer__isnull=self.customer_id is None,
            module__isnull=self.module_id is None,
        ).exclude(pk=self.pk)
        if self.customer_id is not None:
            same = same.filter(customer=self.customer_id)
        if self.module_id is not None:
            same = same.filter(module=self.module_id)
        if same.exists():
            raise ValidationError(_("There is already a service level for this priority, customer and module."))

    def minutes_for(self, stage: str) -> int:
        return int(getattr(self, f"{stage}_minutes"))
