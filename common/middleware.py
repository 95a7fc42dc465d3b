"""Hungarian first: the UI is Hungarian unless the user chose another language (cookie set by set_language).
Django's LocaleMiddleware would follow the browser's Accept-Language; the service desk's staff and
customers expect Hungarian whatever their browser says.

No copies of personal data: every answer to a signed-in person and every download is `no-store`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _is_download(response: HttpResponse) -> bool:
    """A file for the user: an attachment, a PDF shown inline, a CSV, any streamed file."""
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


class NoStoreMiddleware:
    """What a signed-in person sees (staff pages, the portal, the API) and every file handed out (attachments,
    PDFs, CSV exports) carries ``Cache-Control: no-store``: no browser, shared computer or proxy keeps a copy
    of personal data after the person has left. A view that already said no-store keeps its own header (a
    weaker one is replaced). Static files never get here: WhiteNoise answers them earlier in the chain, with
    their long caching; pages for visitors (the login page, the public complaint form) are left as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: an API token's user is set by the API's authentication, a login by the view.
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or _is_download(response)
        if personal and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
