from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        checks.register(check_company_county)
        from common.seeding import reseed_when_empty

        seed = reseed_when_empty("complaints", "RedressBody", ("0002_seed_redress_bodies", "seed"))
        post_migrate.connect(seed, sender=self, weak=False, dispatch_uid="pult_seed_redress_bodies")


def check_company_county(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    from complaints.choices import County

    if settings.PULT_COMPANY_COUNTY not in County.values:
        return [
            checks.Error(
                f"PULT_COMPANY_COUNTY={settings.PULT_COMPANY_COUNTY!r} is not a county; use one of "
                + ", ".join(County.values),
                id="complaints.E001",
            )
        ]
    return []
