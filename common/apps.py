from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from common import security  # noqa: F401  (registers the production-mode system checks)
