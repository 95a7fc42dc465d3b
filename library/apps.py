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
        from common.seeding import reseed_when_empty

        seed = reseed_when_empty("library", "Category", ("0002_seed_categories", "seed"))
        post_migrate.connect(seed, sender=self, weak=False, dispatch_uid="pult_seed_library_categories")
