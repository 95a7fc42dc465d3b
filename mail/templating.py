"""Rendering administrator-edited e-mail templates: Django template syntax over plain values only."""

from __future__ import annotations

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

# An engine of its own: no template loaders, no context processors, nothing but the built-in filters.
ENGINE = Engine(debug=False, autoescape=False)


class TemplateProblem(Exception):
    """The template does not compile; the message says where, for the administrator."""


def render_text(source: str, values: dict[str, str]) -> str:
    try:
        return ENGINE.from_string(source).render(Context(values, autoescape=False))
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_("The template cannot be used: %s") % exc) from exc


def message_text(key: str, language: str, values: dict[str, str]) -> tuple[str, str] | None:
    """(subject, body) from the administrator's template for `key` in `language`, if there is one."""
    from mail.models import MessageTemplate

    template = (
        MessageTemplate.objects.filter(key=key, language=language).first()
        or MessageTemplate.objects.filter(key=key).order_by("language").first()
    )
    if template is None:
        return None
    return render_text(template.subject, values).strip(), render_text(template.body, values)
