"""Language choice: Bahasa Indonesia unless the user picked English.

Django's LocaleMiddleware follows the browser's Accept-Language, which would
show most officials' laptops (set to English) an English portal. The pages
default to Indonesian and change only through the language switcher (cookie);
the API honours Accept-Language, as other systems expect.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
