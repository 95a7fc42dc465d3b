"""Dates at the edges (0001-01-01, 9999-12-31) and malformed dates, in every place Pult takes a date.

Every filter page, download and API operation that reads a date is requested with each edge and with
garbage, as a user who may open it: a page answers with the form and the error next to the field, a
download with 400 and the error as text, the API with 422 in its one error shape; never a server error.
The forms that record a date (when a request arrived) are posted with the same values. The lists below are
checked against the code: every form class with a date field, every admin with a date, and every API
field of type date or time must be listed here and carry the bound (`common.forms.validate_supported_year`,
`api.schemas.Day`/`Moment`), so a new date input without it fails this file.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import types
import typing
from dataclasses import dataclass
from html import escape
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pydantic import AfterValidator, BaseModel

from accounts.models import User
from accounts.roles import Role
from api import schemas
from api.urls import api
from common.admin_dates import BoundedDates
from common.dates import FIRST_YEAR, LAST_YEAR, end_of_day, start_of_day
from common.forms import PeriodForm, validate_supported_year
from complaints.forms import ComplaintForm
from complaints.reports import PeriodForm as InspectionPeriodForm
from dashboard.views import ReportPeriodForm
from intake.forms import FeedbackForm, OralIntakeForm, WrittenRequestForm
from privacy.forms import AccessLogSearchForm, RegisterRequestForm
from testkit.factories import ContactFactory, user_with_role
from testkit.workflow import register
from tickets.forms import TicketFilterForm
from worktime.models import CalendarException

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = f"Give a date between the years {FIRST_YEAR} and {LAST_YEAR}."
EDGES = {
    "0001-01-01": OUT_OF_RANGE,
    "9999-12-31": OUT_OF_RANGE,
    "1989-12-31": OUT_OF_RANGE,
    "3000-01-01": OUT_OF_RANGE,
    "2026-02-30": "Enter a valid date.",
    "tegnapelőtt": "Enter a valid date.",
}

DATE_TYPES = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


@dataclass(frozen=True)
class DateFilter:
    """A page or download that filters by dates given in the query string."""

    url_name: str
    role: Role
    params: tuple[str, ...]  # the date parameters
    form: type[forms.Form]  # the form that reads them
    download: bool = False  # a file: refused with 400 (the error as text or on the page), not shown as a list


DATE_FILTERS = [
    DateFilter("tickets:list", Role.AGENT, ("received_from", "received_to"), TicketFilterForm),
    DateFilter("privacy:access_log", Role.DATA_PROTECTION_OFFICER, ("start", "end"), AccessLogSearchForm),
    DateFilter(
        "privacy:access_log_csv", Role.DATA_PROTECTION_OFFICER, ("start", "end"), AccessLogSearchForm, download=True
    ),
    DateFilter("dashboard:report", Role.MANAGER, ("start", "end"), ReportPeriodForm),
    DateFilter("dashboard:report_csv", Role.MANAGER, ("start", "end"), ReportPeriodForm, download=True),
    DateFilter("complaints:statistics", Role.COMPLAINT_OFFICER, ("start", "end"), InspectionPeriodForm),
    DateFilter("complaints:export_csv", Role.COMPLAINT_OFFICER, ("start", "end"), InspectionPeriodForm, True),
    DateFilter("complaints:export_pdf", Role.COMPLAINT_OFFICER, ("start", "end"), InspectionPeriodForm, True),
]


@dataclass(frozen=True)
class DateEntry:
    """A form that records a date and time, posted to its page."""

    url_name: str
    role: Role
    field: str
    form: type[forms.Form]
    needs_ticket: bool = False


DATE_ENTRIES = [
    DateEntry("intake:oral", Role.AGENT, "received_at", OralIntakeForm),
    DateEntry("intake:written", Role.AGENT, "received_at", WrittenRequestForm),
    DateEntry("intake:feedback", Role.AGENT, "received_at", FeedbackForm, needs_ticket=True),
    DateEntry("complaints:record", Role.COMPLAINT_OFFICER, "received_at", ComplaintForm),
    DateEntry("privacy:request_new", Role.DATA_PROTECTION_OFFICER, "received_at", RegisterRequestForm),
]

# Bases that no page uses directly: each is listed through its subclasses above.
ABSTRACT_FORMS = {PeriodForm}

# The API's operations that take a date in the query string, with a role that may call them.
API_DATE_QUERIES = [("/api/v1/tickets", Role.AGENT, ("received_from", "received_to"))]


def _client(role: Role) -> Client:
    user = user_with_role(role, username=f"dates-{role.value}")
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _other_params(date_filter: DateFilter, param: str) -> dict[str, str]:
    """The filter's other date parameters, valid (a period needs both ends)."""
    today = timezone.localdate().isoformat()
    return {name: today for name in date_filter.params if name != param}


# --- the pages, downloads and API operations ----------------------------------------------------------------


@pytest.mark.parametrize("value", EDGES)
@pytest.mark.parametrize(
    ("date_filter", "param"),
    [(f, p) for f in DATE_FILTERS for p in f.params],
    ids=[f"{f.url_name}?{p}" for f in DATE_FILTERS for p in f.params],
)
def test_a_date_filter_at_the_edge_or_malformed_answers_with_the_error_never_a_server_error(
    date_filter: DateFilter, param: str, value: str
) -> None:
    client = _client(date_filter.role)
    response = client.get(reverse(date_filter.url_name), {**_other_params(date_filter, param), param: value})

    message = EDGES[value]
    body = response.content.decode()
    if date_filter.download:
        assert response.status_code == 400
        assert message in body
        assert "attachment" not in response.get("Content-Disposition", "")
    else:
        assert response.status_code in (200, 400)
        assert response["Content-Type"].startswith("text/html")
        assert response.context["form"].errors[param] == [message]
        assert escape(message) in body


@pytest.mark.parametrize("value", EDGES)
@pytest.mark.parametrize("date_filter", DATE_FILTERS[:2], ids=lambda f: f.url_name)
def test_a_filter_list_refreshed_by_htmx_shows_the_date_error_in_its_results(
    date_filter: DateFilter, value: str
) -> None:
    client = _client(date_filter.role)
    param = date_filter.params[0]
    response = client.get(
        reverse(date_filter.url_name), {param: value}, headers={"HX-Request": "true", "HX-Target": "results"}
    )

    assert response.status_code in (200, 400)
    assert escape(EDGES[value]) in response.content.decode()


@pytest.mark.parametrize("value", EDGES)
@pytest.mark.parametrize(("path", "role", "param"), [(p, r, q) for p, r, params in API_DATE_QUERIES for q in params])
def test_an_api_date_query_at_the_edge_or_malformed_is_refused_with_422_in_the_error_shape(
    path: str, role: Role, param: str, value: str
) -> None:
    response = _client(role).get(path, {param: value})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    messages = [error["msg"] for error in body["errors"] if error["loc"][-1] == param]
    assert messages
    if EDGES[value] == OUT_OF_RANGE:
        assert f"between the years {FIRST_YEAR} and {LAST_YEAR}" in messages[0]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"])
def test_an_api_cursor_naming_a_time_at_the_edge_is_refused_as_invalid(moment: str) -> None:
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps({"o": "-received", "v": [moment, 1]}).encode()).decode()
    response = _client(Role.AGENT).get("/api/v1/tickets", {"cursor": cursor.rstrip("=")})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "tegnap"])
@pytest.mark.parametrize("entry", DATE_ENTRIES, ids=lambda e: e.url_name)
def test_a_form_recording_a_date_refuses_the_edges_with_the_error_next_to_the_field(
    entry: DateEntry, value: str, users: dict[str, Any]
) -> None:
    client = _client(entry.role)
    kwargs = {}
    if entry.needs_ticket:
        ticket = register(users, ContactFactory())
        kwargs = {"year": ticket.year, "sequence": ticket.sequence}
    response = client.post(reverse(entry.url_name, kwargs=kwargs), {entry.field: value})

    assert response.status_code in (200, 400)
    errors = response.context["form"].errors[entry.field]
    valid = value.startswith(("0001", "9999"))
    assert errors == [OUT_OF_RANGE if valid else "Enter a valid date/time."]
    assert escape(errors[0]) in response.content.decode()


# --- the admin --------------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@pult.example", "Jelszo-2026!"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _admins_with_dates() -> dict[type[models.Model], Any]:
    """Every registered admin whose list links by date, filters by a date field, or edits a date."""
    found = {}
    superuser = User(is_superuser=True, is_staff=True, is_active=True)
    request = type("Request", (), {"user": superuser, "GET": {}, "POST": {}})()
    for model, model_admin in admin.site._registry.items():
        date_fields = {f.name for f in model._meta.get_fields() if isinstance(f, models.DateField)}
        filters = {f if isinstance(f, str) else f[0] for f in model_admin.list_filter if not callable(f)}
        editable = model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        form_dates = []
        if editable:
            form = model_admin.get_form(request, model._default_manager.first())
            form_dates = [n for n, f in form.base_fields.items() if isinstance(f, DATE_TYPES)]
        if model_admin.date_hierarchy or filters & date_fields or form_dates:
            found[model] = model_admin
    return found


def test_every_admin_with_a_date_bounds_it() -> None:
    with_dates = _admins_with_dates()
    assert {m._meta.label for m in with_dates} >= {"worktime.CalendarException", "retention.DeletionLogEntry"}
    unbounded = [m._meta.label for m, a in with_dates.items() if not isinstance(a, BoundedDates)]
    assert unbounded == []


@pytest.mark.parametrize(
    "query",
    [
        {"year": "9999", "month": "12", "day": "31"},
        {"year": "9999", "month": "12"},
        {"year": "9999"},
        {"year": "1", "month": "1", "day": "1"},
        {"year": "1"},
        {"gte": "0001-01-01"},
        {"lt": "9999-12-31"},
        {"year": "tavaly"},
    ],
)
def test_an_admin_list_linked_by_a_date_at_the_edge_is_sent_back_without_it(
    superuser_client: Client, query: dict[str, str]
) -> None:
    for model, model_admin in _admins_with_dates().items():
        if not model_admin.date_hierarchy:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        params = {f"{model_admin.date_hierarchy}__{lookup}": value for lookup, value in query.items()}
        response = superuser_client.get(url, params)
        assert response.status_code == 302, url
        assert response["Location"].endswith("?e=1")


def test_an_admin_list_linked_by_a_date_inside_the_years_still_works(superuser_client: Client) -> None:
    CalendarException.objects.create(date=dt.date(2999, 12, 31), reason="Az utolsó nap")
    url = reverse("admin:worktime_calendarexception_changelist")
    response = superuser_client.get(url, {"date__year": "2999", "date__month": "12", "date__day": "31"})
    assert response.status_code == 200
    assert "Az utolsó nap" in response.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_an_admin_form_refuses_a_date_at_the_edge(superuser_client: Client, value: str) -> None:
    response = superuser_client.post(
        reverse("admin:worktime_calendarexception_add"), {"date": value, "reason": "Szünnap"}
    )
    assert response.status_code == 200
    assert escape(OUT_OF_RANGE) in response.content.decode()
    assert not CalendarException.objects.exists()


# --- the lists above are complete -------------------------------------------------------------------------


def _project_apps() -> set[str]:
    return {
        config.name
        for config in apps.get_app_configs()
        if str(config.path).startswith(str(settings.BASE_DIR)) and ".venv" not in str(config.path)
    }


def _form_classes() -> set[type[forms.BaseForm]]:
    """Every form class of Pult's apps: each module imported (not tests or migrations), then the subclasses."""
    for name in _project_apps():
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if not {"tests", "migrations", "management"} & set(module.name.split(".")):
                importlib.import_module(module.name)
    found: set[type[forms.BaseForm]] = set()
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                pending.append(sub)
    return {cls for cls in found if cls.__module__.split(".")[0] in _project_apps()}


def test_every_form_with_a_date_field_is_listed_and_bounded() -> None:
    with_dates = {
        cls: [name for name, field in cls.base_fields.items() if isinstance(field, DATE_TYPES)]
        for cls in _form_classes()
        if hasattr(cls, "base_fields")
    }
    with_dates = {cls: names for cls, names in with_dates.items() if names}

    listed = {f.form for f in DATE_FILTERS} | {e.form for e in DATE_ENTRIES} | ABSTRACT_FORMS
    unlisted = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in set(with_dates) - listed)
    assert unlisted == [], "a form with a date field: add it to DATE_FILTERS or DATE_ENTRIES"
    unbounded = [
        f"{cls.__qualname__}.{name}"
        for cls, names in with_dates.items()
        for name in names
        if validate_supported_year not in cls.base_fields[name].validators
    ]
    assert unbounded == [], "use common.forms.BoundedDateField / BoundedDateTimeField"
    for date_filter in DATE_FILTERS:
        assert set(date_filter.params) == set(with_dates[date_filter.form])
    for entry in DATE_ENTRIES:
        assert with_dates[entry.form] == [entry.field]


def _date_annotations(annotation: Any, bounded: bool = False) -> list[tuple[Any, bool]]:
    """Each date or datetime inside `annotation` (through Optional, lists and nested schemas), with whether
    it carries the API's bound (schemas.Day or schemas.Moment)."""
    validators = {schemas._plausible_date, schemas._plausible_moment}
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        marked = any(isinstance(m, AfterValidator) and m.func in validators for m in metadata)
        return _date_annotations(inner, bounded or marked)
    if origin in (typing.Union, types.UnionType, list, tuple, set):
        return [found for arg in typing.get_args(annotation) for found in _date_annotations(arg, bounded)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_dates(annotation)
    if annotation in (dt.date, dt.datetime):
        return [(annotation, bounded)]
    return []


def _model_dates(model: type[BaseModel]) -> list[tuple[Any, bool]]:
    found = []
    for name, info in model.model_fields.items():
        marked = any(isinstance(m, AfterValidator) for m in info.metadata) and any(
            m.func in {schemas._plausible_date, schemas._plausible_moment}
            for m in info.metadata
            if isinstance(m, AfterValidator)
        )
        found += [(f"{model.__name__}.{name}", b or marked) for _t, b in _date_annotations(info.annotation)]
    return found


def test_every_date_the_api_takes_is_bounded_and_its_queries_are_listed() -> None:
    inputs: list[tuple[str, bool]] = []
    query_operations = set()
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.signature.models:
                    dates = _model_dates(model)
                    inputs += dates
                    if dates and model.__ninja_param_source__ == "query":
                        query_operations.add((operation.methods[0], path))
    assert inputs, "the API takes dates (the ticket list's filters, received_at)"
    assert [name for name, bounded in inputs if not bounded] == []
    assert query_operations == {("GET", "")}, "a new date query: add it to API_DATE_QUERIES"


# --- the arithmetic -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [dt.date.min, dt.date.max, dt.date(1, 1, 2), dt.date(9999, 12, 30)])
def test_the_day_arithmetic_never_overflows_whatever_the_caller_passes(day: dt.date) -> None:
    from tickets.models import Ticket

    since, until = start_of_day(day), end_of_day(day)
    assert since < until
    assert list(Ticket.objects.filter(received_at__gte=since, received_at__lt=until)) == []
