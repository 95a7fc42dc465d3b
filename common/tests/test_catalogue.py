"""Every user-facing string has a Hungarian translation, and the compiled catalogue the app uses is current."""

from __future__ import annotations

import ast
from pathlib import Path

import django
from django.conf import settings
from django.utils import translation

from testkit.catalogue import po_entries


def entries() -> list[dict[str, str | bool]]:
    return [{"msgid": e.msgid, "msgstr": e.msgstr, "fuzzy": e.fuzzy} for e in po_entries()]


def test_every_message_has_a_hungarian_translation():
    catalogue = entries()
    assert len(catalogue) > 300
    assert [e["msgid"] for e in catalogue if not e["msgstr"] or e["fuzzy"]] == []


def test_the_compiled_catalogue_matches_the_source():
    with translation.override("hu"):
        stale = [e["msgid"] for e in entries() if translation.gettext(str(e["msgid"])) != e["msgstr"]]
    assert stale == [], "run: msgfmt -o locale/hu/LC_MESSAGES/django.mo locale/hu/LC_MESSAGES/django.po"


# The names makemessages (xgettext with Django's keywords) extracts strings from; any other alias hides a
# string from the catalogue, and it stays English in the Hungarian interface (as "Seat:" did in answers).
EXTRACTED = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_translation_functions_are_imported_under_names_makemessages_extracts():
    hidden = []
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        parts = path.relative_to(settings.BASE_DIR).parts
        if any(part.startswith(".") for part in parts) or "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for name in node.names:
                    if "gettext" in name.name and (name.asname or name.name) not in EXTRACTED:
                        hidden.append(f"{path.relative_to(settings.BASE_DIR)}: {name.name} as {name.asname}")
    assert hidden == []


def test_the_admin_and_the_login_speak_hungarian_where_django_leaves_gaps():
    """Django's own Hungarian catalogues miss some strings (Django 5.2: the admin's hidden table headers, the
    password-based authentication switch); Pult's catalogue, read first, must translate each of them."""
    django_root = Path(django.__file__).parent
    catalogues = ["contrib/admin", "contrib/auth", "contrib/contenttypes", "conf"]
    gaps = {
        entry.msgid
        for folder in catalogues
        for entry in po_entries(django_root / folder / "locale" / "hu" / "LC_MESSAGES" / "django.po")
        if not entry.msgstr or entry.fuzzy
    }
    assert gaps
    with translation.override("hu"):
        untranslated = sorted(msgid for msgid in gaps if translation.gettext(msgid) == msgid)
    assert untranslated == []
