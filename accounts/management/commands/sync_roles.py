from typing import Any

from django.core.management.base import BaseCommand

from accounts.roles import sync_roles


class Command(BaseCommand):
    help = "Create the role groups and set their permissions from accounts.roles."

    def handle(self, *args: Any, **options: Any) -> None:
        sync_roles()
        self.stdout.write(self.style.SUCCESS("Roles synchronised."))
