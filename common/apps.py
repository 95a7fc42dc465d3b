from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from django.forms import ModelChoiceField

        from common import collation, security  # noqa: F401  (Hungarian collation on SQLite; production checks)
        from common.form_rendering import ListedChoices

        ModelChoiceField.iterator = ListedChoices  # type: ignore[misc]  # options in one query, no server-side cursor
