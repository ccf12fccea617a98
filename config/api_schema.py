"""OpenAPI schema of the API: bilingual descriptions, downloads, error answers.

``PortalAutoSchema`` (drf-spectacular) adds to every operation:
- a description in Bahasa Indonesia and English, from the view's docstring and
  its ``doc_name``;
- the ``format`` query parameter (json, xlsx, csv) on lists and summaries, and
  their XLSX/CSV answers as binary files;
- the error answers the API really gives (400, 401, 403, 404, 429) with the
  one error shape of ``config.api_errors``.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from budgets.exports import XLSX_TYPE

DOWNLOAD_TYPES = (XLSX_TYPE, "text/csv")

ACTION_TEXT = {
    "list": (
        "Daftar {id} dalam lingkup wilayah Anda, dengan filter, pengurutan "
        "(`ordering`) dan halaman. Tambahkan `?format=xlsx` atau `?format=csv` untuk "
        "mengunduh seluruh hasil filter (bukan satu halaman saja).",
        "List of {en} within your region scope, with filters, ordering (`ordering`) "
        "and pages. Add `?format=xlsx` or `?format=csv` to download every filtered "
        "row (not one page).",
    ),
    "retrieve": (
        "Satu {id} menurut id-nya (404 bila di luar lingkup wilayah Anda).",
        "One of the {en} by id (404 when outside your region scope).",
    ),
    "create": (
        "Membuat {id} baru di wilayah yang boleh Anda ubah (koordinator dan admin).",
        "Creates one of the {en} in a region you may change (coordinators, admins).",
    ),
    "update": (
        "Mengganti seluruh isian {id} (koordinator wilayahnya dan admin).",
        "Replaces one of the {en} (its region's coordinators and admins).",
    ),
    "partial_update": (
        "Mengubah sebagian isian {id} (koordinator wilayahnya dan admin).",
        "Changes part of one of the {en} (its region's coordinators and admins).",
    ),
    "destroy": (
        "Menghapus {id} (koordinator wilayahnya dan admin); tercatat di riwayat.",
        "Deletes one of the {en} (its region's coordinators and admins); recorded "
        "in the change history.",
    ),
}


class ErrorSerializer(serializers.Serializer):
    """Bentuk setiap jawaban galat. / The shape of every error answer."""

    detail = serializers.CharField(
        help_text="Pesan untuk manusia (Bahasa Indonesia; English with "
        "Accept-Language: en). / Human-readable message."
    )
    code = serializers.CharField(help_text="Kode mesin. / Machine code.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Galat per kolom. / Errors per field.",
    )


ERROR_TEXT = {
    "400": "Permintaan tidak sah (isian, filter, halaman atau format). / Invalid request.",
    "401": "Belum masuk: kirim token atau sesi. / Not authenticated.",
    "403": "Tidak berwenang (peran atau wilayah). / Not allowed (role or region).",
    "404": "Tidak ditemukan atau di luar lingkup. / Not found or outside your scope.",
    "429": "Terlalu banyak permintaan. / Too many requests.",
}


class PortalAutoSchema(AutoSchema):
    def _doc_name(self) -> tuple[str, str] | None:
        return getattr(self.view, "doc_name", None)

    def get_description(self):
        base = super().get_description() or ""
        names = self._doc_name()
        action = getattr(self.view, "action", None)
        if names and action in ACTION_TEXT:
            id_text, en_text = ACTION_TEXT[action]
            text = (
                f"{id_text.format(id=names[0], en=names[1])}\n\n"
                f"{en_text.format(id=names[0], en=names[1])}"
            )
            return f"{text}\n\n{base}" if base else text
        return base

    def _is_export_action(self) -> bool:
        return getattr(self.view, "action", None) in getattr(self.view, "export_actions", ())

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self._is_export_action() and self.method == "GET":
            params.append(
                OpenApiParameter(
                    "format",
                    OpenApiTypes.STR,
                    OpenApiParameter.QUERY,
                    enum=["json", "xlsx", "csv"],
                    description=(
                        "Format jawaban: json (baku), atau unduhan lengkap xlsx / csv "
                        "bercap filter dan waktu ekspor. / Response format: json "
                        "(default), or a complete xlsx / csv download stamped with the "
                        "filters and export time."
                    ),
                )
            )
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():
            content = response.get("content") or {}
            for media_type in DOWNLOAD_TYPES:
                if media_type in content:
                    content[media_type] = {
                        "schema": {"type": "string", "format": "binary"}
                    }
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "429"]
        if "{" in self.path or self.method == "GET":
            # Detail routes: not found or outside the scope. Lists: a page
            # number past the last page.
            codes.append("404")
        if getattr(self.view, "public_schema_view", False):
            codes = ["429"]
        for code in codes:
            if code in responses:
                continue
            responses[code] = self._get_response_for_code(
                ErrorSerializer, code, media_types=["application/json"]
            )
            responses[code]["description"] = ERROR_TEXT[code]
        return responses


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <token>`` (core.auth, knox): named as before."""

    target_class = "core.auth.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
