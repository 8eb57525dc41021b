"""Request language: Chinese pages unless the person chose English; the API follows Accept-Language."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    """Choose the language of a request.

    County office PCs often run browsers set to English, and the portal's users read Chinese, so
    pages ignore Accept-Language: they are Simplified Chinese unless the person switched to English
    (the language cookie set by the switcher). Other systems calling the API ask for a language
    with Accept-Language, as the API documents.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and translation.check_for_language(chosen):
            language = translation.get_supported_language_variant(chosen)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
