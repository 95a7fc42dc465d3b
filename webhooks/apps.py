from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from tickets.signals import ticket_event_recorded, ticket_events_recorded
        from webhooks.services import on_ticket_event_recorded, on_ticket_events_recorded

        ticket_event_recorded.connect(on_ticket_event_recorded, dispatch_uid="webhooks.on_ticket_event_recorded")
        ticket_events_recorded.connect(on_ticket_events_recorded, dispatch_uid="webhooks.on_ticket_events_recorded")
