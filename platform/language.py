"""Which language a request is answered in, and its messages in that language.

Simplified Chinese is the source language: the domain's messages are Chinese. A client asks
for English with ``?lang=en`` (pages' language switch) or ``Accept-Language`` (Django's
negotiation over ``settings.LANGUAGES``). Other languages come from the gettext catalogues
in ``platform/locale/`` (``LOCALE_PATHS``); an error message is looked up by its stable code
(context "error code"), and a code the catalogue lacks keeps its Chinese message.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_of(request: HttpRequest | None) -> str:
    if request is None:
        return settings.LANGUAGE_CODE
    asked = request.GET.get("lang", "")
    if asked:
        try:
            return translation.get_supported_language_variant(asked.strip().lower())
        except LookupError:
            pass  # an unknown ?lang= falls back to the header
    return translation.get_language_from_request(request)


def localise(request: HttpRequest | None, code: str, message: str) -> str:
    """``message`` (Chinese) in the request's language, looked up by its ``code``."""
    language = language_of(request)
    if language == settings.LANGUAGE_CODE:
        return message
    with translation.override(language):
        translated = translation.pgettext("error code", code)
    return message if translated == code else translated


class LanguageMiddleware:
    """Activates the request's language for everything rendered while answering it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response
