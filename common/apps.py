from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from django.forms import ModelChoiceField

        from common import collation, lookup, security  # noqa: F401  (SQLite: collation, fold; production checks)
        from common.form_rendering import ListedChoices

        ModelChoiceField.iterator = ListedChoices  # type: ignore[misc]  # options in one query, no server-side cursor
