"""Every user-facing string has a Hungarian translation, and the compiled catalogue the app uses is current."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "hu" / "LC_MESSAGES" / "django.po"


def entries() -> list[dict[str, str | bool]]:
    """(msgid, msgstr, fuzzy) of each singular entry without context, read from the .po file."""
    found = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "msgid_plural" in block or "msgctxt" in block:
            continue
        parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgstr) (".*")$', line)
            if match:
                current = match.group(1)
                parts[current].append(ast.literal_eval(match.group(2)))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        if msgid:
            found.append({"msgid": msgid, "msgstr": "".join(parts["msgstr"]), "fuzzy": "#, fuzzy" in block})
    return found


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
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for name in node.names:
                    if "gettext" in name.name and (name.asname or name.name) not in EXTRACTED:
                        hidden.append(f"{path.relative_to(settings.BASE_DIR)}: {name.name} as {name.asname}")
    assert hidden == []
