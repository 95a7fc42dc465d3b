"""PDFs for the desk's printer: A4, DejaVu Sans (so á é í ó ö ő ú ü ű always render), via WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_dir": FONT_DIR.as_uri()}, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()  # type: ignore[no-any-return]


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def letterhead() -> dict[str, str]:
    """The company's name, address and contact line, for printed letters and faxes."""
    return {
        "name": settings.PULT_COMPANY_NAME,
        "address": settings.PULT_COMPANY_ADDRESS,
        "contact": settings.PULT_COMPANY_CONTACT,
    }
