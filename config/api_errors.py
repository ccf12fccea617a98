"""One JSON shape for every error the API returns.

``{"detail": "<a sentence a person understands>", "code": "<machine code>",
"errors": {"<field>": ["..."]}}``. Messages are Indonesian msgids (English
through the catalogue when the request asks for it with Accept-Language).

Django's own ``PermissionDenied`` and ``ValidationError`` raised by the
services become 403 and 400; database errors that slip past validation (a
value out of range, a race on a unique key) become 400 instead of a 500.
"""

from __future__ import annotations

import logging

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _

from core.parsers import BodyRefused

logger = logging.getLogger(__name__)


def _messages() -> dict[str, str]:
    # Built per call so the active language of the request applies.
    return {
        "not_authenticated": _(
            "Anda belum masuk. Kirim header 'Authorization: Token <kunci>' atau masuk "
            "lewat halaman portal lebih dulu."
        ),
        "authentication_failed": _(
            "Token atau sesi tidak sah. Buat token baru di halaman Profil lalu coba lagi."
        ),
        "permission_denied": _("Anda tidak berwenang melakukan tindakan ini."),
        "not_found": _(
            "Data tidak ditemukan, atau berada di luar lingkup wilayah Anda."
        ),
        "method_not_allowed": _("Metode %(method)s tidak tersedia untuk alamat ini."),
        "not_acceptable": _(
            "Format jawaban yang diminta tidak tersedia. Gunakan JSON, atau "
            "?format=xlsx / ?format=csv pada daftar dan ringkasan."
        ),
        "unsupported_media_type": _(
            "Jenis isi permintaan tidak didukung. Kirim JSON "
            "(Content-Type: application/json)."
        ),
        "parse_error": _("Isi permintaan bukan JSON yang sah. Periksa tanda kutip dan koma."),
        "throttled": _(
            "Terlalu banyak permintaan. Tunggu %(wait)s detik lalu coba lagi."
        ),
        "invalid": _("Data yang dikirim tidak sah. Periksa kolom yang disebut di 'errors'."),
        "integrity": _(
            "Data bertabrakan dengan data yang sudah ada (mis. kunci yang sama). "
            "Periksa isian lalu coba lagi."
        ),
    }


def _flatten(detail) -> dict | list | str:
    """DRF's ErrorDetail tree as plain strings."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _django_validation_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def error_body(*, detail: str, code: str, errors: dict | None = None) -> dict:
    return {"detail": detail, "code": code, "errors": errors or {}}


def api_exception_handler(exc, context):
    """DRF exception handler: every 4xx as ``{"detail", "code", "errors"}``."""
    messages = _messages()
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        detail = _first_message(errors) or messages["invalid"]
        return Response(
            error_body(detail=detail, code="invalid", errors=errors),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoPermissionDenied):
        detail = str(exc) or messages["permission_denied"]
        return Response(
            error_body(detail=detail, code="permission_denied"),
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, IntegrityError | DataError):
        logger.warning("API request refused by the database: %s", exc)
        return Response(
            error_body(detail=messages["integrity"], code="integrity"),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
        response.data = error_body(
            detail=_invalid_detail(errors, messages["invalid"]), code="invalid", errors=errors
        )
        return response

    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    detail = exc.detail
    is_default = str(detail) == str(exc.default_detail)
    if isinstance(exc, exceptions.MethodNotAllowed):
        text = messages["method_not_allowed"] % {"method": context["request"].method}
    elif isinstance(exc, exceptions.Throttled):
        text = messages["throttled"] % {"wait": exc.wait or 1}
    elif isinstance(exc, BodyRefused):
        text = str(detail)
    elif is_default or isinstance(exc, exceptions.ParseError):
        text = messages.get(code) or str(detail)
    else:
        text = str(detail)
    if isinstance(exc, exceptions.NotFound) and code != "not_found":
        code = "not_found"
    response.data = error_body(detail=text, code=str(code))
    return response


def _invalid_detail(errors: dict, fallback: str) -> str:
    """``Data tidak sah: fiscal_year: Masukkan sebuah bilangan.`` (the first problem)."""
    for field, value in errors.items():
        first = _first_message(value)
        if first:
            if field == "non_field_errors":
                return first
            return _("Data tidak sah: %(field)s: %(message)s") % {
                "field": field, "message": first,
            }
    return fallback


def _first_message(errors) -> str | None:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(errors, list):
        for value in errors:
            found = _first_message(value)
            if found:
                return found
        return None
    return str(errors) if errors else None
