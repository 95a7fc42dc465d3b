from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The shelves Pult starts with (slug, Hungarian name, English name, order); administrators add more.
CATEGORIES = [
    ("company-presentation", "Cégbemutatás", "Company presentation", 10),
    ("module-documentation", "Moduldokumentáció", "Module documentation", 20),
    ("quality-assurance", "Minőségbiztosítási dokumentumok", "Quality-assurance documents", 30),
    ("complaint-handling", "Panaszkezelés", "Complaint handling", 40),
]


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Information library")

    def ready(self) -> None:
        post_migrate.connect(_seed_categories_if_empty, sender=self, dispatch_uid="pult_seed_library_categories")


def _seed_categories_if_empty(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The categories come with Pult (migration 0002); a database emptied by `flush` gets them again."""
    from library.models import Category

    if Category.objects.using(using).exists():
        return
    for slug, name, name_en, order in CATEGORIES:
        Category.objects.using(using).get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )
