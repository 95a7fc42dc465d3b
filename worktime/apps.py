from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "worktime"
    verbose_name = _("Opening hours and service levels")

    def ready(self) -> None:
        from common.seeding import reseed_when_empty
        from worktime import signals  # noqa: F401

        seed = reseed_when_empty("worktime", "OpeningHours", ("0002_defaults", "create"))
        post_migrate.connect(seed, sender=self, weak=False, dispatch_uid="pult_seed_opening_hours")
