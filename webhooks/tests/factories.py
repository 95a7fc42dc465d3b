from __future__ import annotations

import factory

from webhooks.models import Webhook


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook

    name = factory.Sequence(lambda n: f"Integráció {n}")
    url = "http://127.0.0.1:9/hooks/pult"
    events = factory.LazyFunction(list)
    is_active = True
