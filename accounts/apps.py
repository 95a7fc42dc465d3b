from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate is sent once per app; the roles need every app's permissions, so create them first.
    if sender.label != "accounts":
        return
    from django.contrib.auth.management import create_permissions

    from accounts.roles import sync_roles
    from accounts.services import sync_system_user

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"), apps=apps)
    sync_roles()
    sync_system_user()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="pult_sync_roles")
        from accounts import (
            directory,  # noqa: F401  (registers the check of the role-group settings)
            sessions,  # noqa: F401  (connects the login and logout signals)
            signals,  # noqa: F401  (moves the permission revision on)
        )
