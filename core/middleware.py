"""Text entering through query strings and HTML forms, cleaned in one place.

Every request's query string (names and values) and every HTML form post
(fields and uploaded file names) pass through ``core.text.clean_text`` before
any view, form or filter sees them. API bodies are JSON and are cleaned by
``core.parsers.SafeJSONParser``; the API's multipart upload (SIPD files) is
left to DRF, whose parser must read the body itself.
"""

from __future__ import annotations

from django.http import QueryDict

from .text import clean_text, has_control

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _untouched(key: str) -> bool:
    # A password is compared as typed; changing it here would lock its owner out.
    return "password" in key


def cleaned_querydict(data: QueryDict) -> QueryDict | None:
    """A cleaned copy, or None when nothing needed cleaning (the common case)."""
    dirty = any(
        has_control(key) or (not _untouched(key) and any(has_control(v) for v in values))
        for key, values in data.lists()
    )
    if not dirty:
        return None
    out = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        name = clean_text(key)
        for value in values:
            out.appendlist(name, value if _untouched(key) else clean_text(value))
    out._mutable = False
    return out


class CleanInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cleaned = cleaned_querydict(request.GET)
        if cleaned is not None:
            request.GET = cleaned
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not request.path.startswith("/api/")
        ):
            cleaned = cleaned_querydict(request.POST)
            if cleaned is not None:
                request.POST = cleaned
            for _key, uploads in request.FILES.lists():
                for upload in uploads:
                    if upload.name and has_control(upload.name):
                        upload.name = clean_text(upload.name) or "berkas"
        return self.get_response(request)
