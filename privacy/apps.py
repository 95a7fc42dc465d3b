from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from privacy import (
            directory_roles,  # noqa: F401  (logs sensitive roles the company directory gives or takes, tells the DPO)
            role_grants,  # noqa: F401  (logs sensitive roles asked for and decided, tells the DPO)
        )
