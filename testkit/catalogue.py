"""Reading gettext catalogues (.po) in tests."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PULT_PO = Path(settings.BASE_DIR) / "locale" / "hu" / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str
    fuzzy: bool


def po_entries(path: Path = PULT_PO) -> list[Entry]:
    """The singular entries without context of a .po file (the header aside)."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "msgid_plural" in block or "msgctxt" in block:
            continue
        parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#~"):
                break  # obsolete
            match = re.match(r'^(msgid|msgstr) (".*")$', line)
            if match:
                current = match.group(1)
                parts[current].append(ast.literal_eval(match.group(2)))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        if msgid:
            found.append(Entry(msgid, "".join(parts["msgstr"]), "#, fuzzy" in block))
    return found
