"""The form renderer: Django's own widget templates, with the common ones built in Python.

Rendering a widget through Django's templates costs an `{% include %}` per `<option>` and a template
variable lookup per attribute; the ticket list's filter form (about 80 options) spent more time there than
in its SQL. `FastTemplates` writes exactly what those templates write (the same tags, attributes, escaping
and line breaks) for the input, textarea, select and checkbox/radio widgets, and hands every other template
(a project's own widget, the clearable file input, the multi-widgets, labels, error lists) to Django's
templates as before. `common/tests/test_form_rendering.py` holds the two renderers' output side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

WIDGETS = "django/forms/widgets/"
INPUT_TYPES: tuple[str, ...] = ("checkbox", "color", "date", "datetime", "email", "file", "hidden", "number")
INPUT_TYPES += ("password", "search", "tel", "text", "time", "url")


def _value(value: Any) -> str:
    """`{{ value }}` in a template: localised, then escaped unless already safe."""
    if not isinstance(value, str):
        value = str(localize(value))
    return str(conditional_escape(value))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str() without localising, escaped unless already safe."""
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its bare name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_value(name)}")
        else:
            parts.append(f' {_value(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'


def _input_option(widget: dict[str, Any]) -> str:
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    option_id = widget["attrs"].get("id")
    label_for = f' for="{_value(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(widget)} {_value(widget['label'])}</label>\n"


def _choice_option(widget: dict[str, Any]) -> str:
    """checkbox_option.html and radio_option.html include input_option.html."""
    return _input_option(widget) + "\n"


def _select_option(widget: dict[str, Any]) -> str:
    value, attrs, label = _formatted(widget["value"]), _attrs(widget["attrs"]), _value(widget["label"])
    return f'<option value="{value}"{attrs}>{label}</option>\n'


OPTIONS: dict[str, Callable[[dict[str, Any]], str]] = {
    WIDGETS + "select_option.html": _select_option,
    WIDGETS + "checkbox_option.html": _choice_option,
    WIDGETS + "radio_option.html": _choice_option,
    WIDGETS + "input_option.html": _input_option,
}


def _options_known(widget: dict[str, Any]) -> bool:
    return all(
        option["template_name"] in OPTIONS for _group, options, _index in widget["optgroups"] for option in options
    )


def _grouped(widget: dict[str, Any], group_start: str, group_end: str, before: str, after: str) -> str:
    """The options of a select or of a list of checkboxes or radios, each group between its start and end
    (`group_start` holds `{}` for the group's name)."""
    parts = []
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(group_start.format(_value(group)))
        parts.extend(before + OPTIONS[option["template_name"]](option) + after for option in options)
        if group:
            parts.append(group_end)
    return "".join(parts)


def _select(widget: dict[str, Any]) -> str:
    options = _grouped(widget, '\n  <optgroup label="{}">', "\n  </optgroup>", "\n  ", "")
    return f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>\n'


def _multiple_input(widget: dict[str, Any]) -> str:
    widget_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    shown_id = f' id="{_value(widget_id)}"' if widget_id else ""
    shown_class = f' class="{_value(css_class)}"' if css_class else ""
    options = _grouped(widget, "\n  <div><label>{}</label>", "\n  </div>", "<div>\n    ", "</div>")
    return f"<div{shown_id}{shown_class}>{options}\n</div>\n"


def _textarea(widget: dict[str, Any]) -> str:
    value = _value(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'


BUILT: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUT_TYPES},
    WIDGETS + "input.html": _input,
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
    WIDGETS + "multiple_input.html": _multiple_input,
    WIDGETS + "checkbox_select.html": _multiple_input,
    WIDGETS + "radio.html": _multiple_input,
    **OPTIONS,
}
WITH_OPTIONS = {WIDGETS + name for name in ("select.html", "multiple_input.html", "checkbox_select.html", "radio.html")}


class FastTemplates(DjangoTemplates):
    """Django's template form renderer, with the common widget templates written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        build = BUILT.get(template_name)
        widget = context.get("widget")
        if build is None or not isinstance(widget, dict):
            return str(super().render(template_name, context, request))
        if template_name in WITH_OPTIONS and not _options_known(widget):
            return str(super().render(template_name, context, request))
        return SafeString(build(widget).strip())


class ListedChoices(ModelChoiceIterator):
    """A model choice field's options in one query. Django's own iterator reads them through
    `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three round
    trips for a dozen modules or executors, on every select of every form. Installed for every model choice
    field by `common.apps`."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset.all():
            yield self.choice(row)
