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
        post_migrate.connect(_seed_redress_bodies_if_empty, sender=self, dispatch_uid="pult_seed_redress_bodies")


def _seed_redress_bodies_if_empty(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The bodies a refusal names come with Pult (migration 0002). A database emptied by `flush` (a test
    harness, a reset) gets them again; a list an administrator has edited is never touched."""
    from complaints.models import RedressBody
    from complaints.redress_seed import CONCILIATION_BODIES, CONSUMER_AUTHORITIES

    if RedressBody.objects.using(using).exists():
        return
    for kind, rows in (("conciliation", CONCILIATION_BODIES), ("authority", CONSUMER_AUTHORITIES)):
        for row in rows:
            RedressBody.objects.using(using).get_or_create(kind=kind, county=row["county"], defaults=row)


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
