"""Error views that work when the database does not.

``handler500`` sees every uncaught exception, including those raised in
middleware before a view runs (loading the session or the user from a
database that is down): those get the 503 page with Retry-After, everything
else the 500 page. Neither touches the database.
"""

import sys

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from .middleware import DATABASE_ERRORS, database_unavailable_response, wants_json


def server_error(request, *args, **kwargs):
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable_response(request)
    if request is not None and wants_json(request):
        return JsonResponse(
            {
                "detail": _("Terjadi kesalahan pada server. Kejadian ini sudah dicatat."),
                "code": "server_error",
                "request_id": getattr(request, "request_id", None),
            },
            status=500,
        )
    html = loader.get_template("500.html").render(
        {"request_id": getattr(request, "request_id", "")}
    )
    return HttpResponseServerError(html)


def _page_or_json(request, template, status, detail, code):
    if request is not None and wants_json(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    html = loader.get_template(template).render({"request_path": request.path})
    return HttpResponse(html, status=status)


def permission_denied(request, exception=None):
    return _page_or_json(
        request, "403.html", 403,
        _("Anda tidak berwenang membuka atau mengubah data ini."), "permission_denied",
    )


def page_not_found(request, exception=None):
    return _page_or_json(
        request, "404.html", 404, _("Alamat atau data yang diminta tidak ditemukan."),
        "not_found",
    )
