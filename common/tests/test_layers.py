"""The test kit sits above the apps: production code never imports it, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
NOT_PRODUCTION = {"tests", "migrations", "testkit", "bench", ".venv", "node_modules"}


def production_modules() -> list[Path]:
    return [
        path
        for path in BASE.rglob("*.py")
        if not NOT_PRODUCTION.intersection(path.relative_to(BASE).parts)
        and not any(part.startswith(".") for part in path.relative_to(BASE).parts)  # .venv, .venv-audit …
        and path.name != "conftest.py"
    ]


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_production_module_imports_the_test_kit():
    offenders = sorted(
        str(path.relative_to(BASE))
        for path in production_modules()
        if any(name == "testkit" or name.startswith("testkit.") for name in imported_names(path))
    )
    assert len(production_modules()) > 200  # the walk found the project
    assert offenders == []
