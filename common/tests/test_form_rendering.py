"""The Python-built widgets write exactly what Django's widget templates write, for any value and label."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from common.form_rendering import FastTemplates

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
CHOICES = st.lists(st.tuples(TEXT, TEXT), max_size=5)
SIMPLE = (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.Textarea,
    forms.CheckboxInput,
)
WITH_CHOICES = (forms.Select, forms.SelectMultiple, forms.CheckboxSelectMultiple, forms.RadioSelect)


def both(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None = None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs, renderer=DjangoTemplates()),
        widget.render(name, value, attrs, renderer=FastTemplates()),
    )


@pytest.mark.parametrize("widget_class", SIMPLE)
@settings(max_examples=40, deadline=None)
@given(value=st.one_of(st.none(), TEXT, st.integers()), title=TEXT, flag=st.booleans())
def test_simple_widgets_match_the_templates(
    widget_class: type[forms.Widget], value: Any, title: str, flag: bool
) -> None:
    widget = widget_class(attrs={"title": title, "required": flag, "disabled": not flag, "class": "x<y"})
    django_html, fast_html = both(widget, "na<me", value, {"id": 'id_"x'})
    assert fast_html == django_html


@pytest.mark.parametrize("widget_class", WITH_CHOICES)
@settings(max_examples=40, deadline=None)
@given(choices=CHOICES, grouped=st.lists(st.tuples(TEXT, CHOICES), max_size=2), chosen=st.lists(TEXT, max_size=2))
def test_choice_widgets_match_the_templates(
    widget_class: type[forms.Widget], choices: list[tuple[str, str]], grouped: list[Any], chosen: list[str]
) -> None:
    widget = widget_class(choices=[("", "—"), *choices, *grouped], attrs={"class": "filters"})
    value = chosen if widget.allow_multiple_selected else (chosen[0] if chosen else "")
    django_html, fast_html = both(widget, "state", value, {"id": "id_state"})
    assert fast_html == django_html


def test_labels_and_values_are_escaped_once_and_localised_like_the_templates() -> None:
    widget = forms.Select(choices=[(1, mark_safe("<b>safe</b>")), (2, "<i>plain</i> & more"), (3, 1234.5)])
    django_html, fast_html = both(widget, "module", 2)
    assert fast_html == django_html
    assert "&lt;i&gt;plain&lt;/i&gt; &amp; more" in fast_html and "<b>safe</b>" in fast_html
    assert '<option value="2" selected>' in fast_html
    date_widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    assert both(date_widget, "received_from", dt.date(2026, 11, 24))[1] == (
        '<input type="date" name="received_from" value="2026-11-24">'
    )


def test_a_form_renders_the_same_with_either_renderer() -> None:
    from tickets.forms import TicketFilterForm

    data = {"state": ["new", "closed"], "q": '"árvíztűrő" <script>', "sort": "due", "received_from": "2026-11-02"}
    django_form = TicketFilterForm(data, renderer=DjangoTemplates())
    fast_form = TicketFilterForm(data, renderer=FastTemplates())
    for name in ("q", "state", "channel", "received_from", "deadline", "sort"):
        assert str(fast_form[name]) == str(django_form[name]), name
    assert '<option value="closed" selected>' in str(fast_form["state"])


def test_the_project_renders_its_forms_with_the_fast_renderer() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastTemplates)


@pytest.mark.django_db
def test_a_model_select_reads_its_options_in_one_plain_query():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Module
    from testkit.factories import ModuleFactory

    first, second = ModuleFactory(name="Számlázó"), ModuleFactory(name="Bérszámfejtés")
    field = forms.ModelChoiceField(queryset=Module.objects.order_by("name"))
    with CaptureQueriesContext(connection) as queries:
        html = field.widget.render("module", second.pk, renderer=FastTemplates())
    assert len(queries) == 1 and not queries.captured_queries[0]["sql"].startswith("DECLARE")
    assert html.index("Bérszámfejtés") < html.index("Számlázó")
    assert f'<option value="{second.pk}" selected>Bérszámfejtés</option>' in html
    assert f'<option value="{first.pk}">Számlázó</option>' in html
