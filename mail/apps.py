from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = _("E-mail")

    def ready(self) -> None:
        from common.seeding import reseed_when_empty

        seed = reseed_when_empty(
            "mail",
            "MessageTemplate",
            ("0008_default_message_templates", "create_defaults"),
            ("0010_acknowledgement_handling", "forwards"),
        )
        post_migrate.connect(seed, sender=self, weak=False, dispatch_uid="pult_seed_message_templates")
