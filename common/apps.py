from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from common import collation, security  # noqa: F401  (Hungarian collation on SQLite; production checks)
