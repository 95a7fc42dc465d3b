"""The seed's opening hours (Mon–Thu 7:30–16:30, Fri 8:00–14:00) and default targets per priority."""

import datetime as dt

from django.db import migrations

HOURS = {0: (7, 30, 16, 30), 1: (7, 30, 16, 30), 2: (7, 30, 16, 30), 3: (7, 30, 16, 30), 4: (8, 0, 14, 0)}
# Working minutes: verification, routing, resolution, notification after solving.
TARGETS = {
    "urgent": (30, 60, 8 * 60, 60),
    "high": (60, 2 * 60, 2 * 8 * 60, 2 * 60),
    "normal": (4 * 60, 8 * 60, 5 * 8 * 60, 8 * 60),
    "low": (8 * 60, 2 * 8 * 60, 10 * 8 * 60, 2 * 8 * 60),
}


def create(apps, schema_editor):
    OpeningHours = apps.get_model("worktime", "OpeningHours")
    ServiceLevel = apps.get_model("worktime", "ServiceLevel")
    CalendarRevision = apps.get_model("worktime", "CalendarRevision")
    for weekday in range(7):
        hours = HOURS.get(weekday)
        OpeningHours.objects.get_or_create(
            weekday=weekday,
            defaults={
                "opens": dt.time(hours[0], hours[1]) if hours else None,
                "closes": dt.time(hours[2], hours[3]) if hours else None,
            },
        )
    for priority, (verify, route, resolve, notify) in TARGETS.items():
        ServiceLevel.objects.get_or_create(
            priority=priority,
            customer=None,
            module=None,
            defaults={
                "verify_minutes": verify,
                "route_minutes": route,
                "resolve_minutes": resolve,
                "notify_minutes": notify,
            },
        )
    CalendarRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
