"""Building blocks every viewset of the API shares.

- ``PortalPagination``: page numbers, ``page_size`` up to 500.
- ``XLSXRenderer`` / ``CSVRenderer``: make ``?format=xlsx|csv`` a known format;
  ``PortalViewSet.list`` answers them with a complete download through
  ``budgets.exports.export_response``.
- ``PortalPermission``: authenticated to read (the querysets apply the read
  scope); to write, a role that may change something, and the object's region
  in the user's change scope (the services check again).
- ``ScopedPrimaryKeyRelatedField`` / ``RegionField``: foreign keys in input
  resolved only within the user's read scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rest_framework import exceptions, renderers, serializers, viewsets
from rest_framework.response import Response

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.exports import FORMATS, XLSX_TYPE, Column, export_response
from config.api_policy import PortalPagination, PortalPermission
from regions import access
from regions.models import Region

EXPORT_FORMATS = FORMATS  # ("xlsx", "csv")


class _DownloadRenderer(renderers.BaseRenderer):
    """Marks a download format. The view builds the file; this never renders data."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Reached only if a view returned a Response while a download was
        # negotiated; PortalViewSet.finalize_response switches those to JSON.
        return renderers.JSONRenderer().render(data, None, renderer_context)


class XLSXRenderer(_DownloadRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class CSVRenderer(_DownloadRenderer):
    media_type = "text/csv"
    format = "csv"


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key by id, resolved only among objects the user may read."""

    default_error_messages = {
        "required": gettext_lazy("Kolom ini wajib diisi."),
        "does_not_exist": gettext_lazy(
            'Tidak ada data dengan id "{pk_value}" dalam lingkup wilayah Anda.'
        ),
        "incorrect_type": gettext_lazy(
            "Id harus berupa bilangan bulat, bukan {data_type}."
        ),
    }

    def __init__(self, *, scope_field: str | None = "region__code", **kwargs):
        self.scope_field = scope_field
        super().__init__(**kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.scope_field is None:
            if access.access_for(user).read_root is None:
                return qs.none()
            return qs
        return qs.filter(access.readable_q(user, field=self.scope_field))

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not (0 < number < 2**63):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A reference by code (pillar, strategy, account...) for users with a scope."""

    default_error_messages = {
        "does_not_exist": gettext_lazy('Kode "{value}" tidak dikenal.'),
        "invalid": gettext_lazy("Kode tidak sah."),
    }

    def get_queryset(self):
        qs = super().get_queryset()
        request = self.context.get("request")
        if access.access_for(getattr(request, "user", None)).read_root is None:
            return qs.none()
        return qs

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RegionField(serializers.SlugRelatedField):
    """A region by its Kemendagri code (``"36.02"``), in output and input."""

    default_error_messages = {
        "does_not_exist": gettext_lazy(
            'Wilayah "{value}" tidak ada. Gunakan kode Kemendagri, mis. 36.02.'
        ),
        "invalid": gettext_lazy("Kode wilayah harus berupa teks, mis. \"36.02\"."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault(
            "help_text",
            gettext_lazy("Kode wilayah Kemendagri, mis. 36.02. / Kemendagri region code."),
        )
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        # The code is the primary key: never load the region to print it.
        return True

    def to_representation(self, obj):
        return getattr(obj, "pk", obj)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.strip())


# Headers of exported columns declared on serializers without a model label.
EXPORT_HEADERS = {
    "id": "ID",
    "region": "Kode wilayah",
    "region_name": "Wilayah",
    "parent": "Induk",
    "pillar": "Pilar",
    "strategy": "Strategi",
    "focus": "Fokus strategi",
    "lead_unit": "ID OPD pengampu",
    "lead_unit_name": "OPD pengampu",
    "partner_units": "ID OPD mitra",
    "target_regions": "Wilayah sasaran",
    "budget_lines": "ID baris anggaran",
    "created_by": "Dibuat oleh",
    "raised_by": "Diajukan oleh",
    "roadmap": "ID peta jalan",
    "owner_unit": "ID OPD penanggung jawab",
    "owner_unit_name": "OPD penanggung jawab",
    "effective_status": "Status tampil",
    "due_date": "Batas triwulan",
    "decision": "ID keputusan Rakor",
    "action": "ID aksi",
    "intervention": "ID intervensi",
    "responsible_unit": "ID OPD yang harus bertindak",
    "meeting": "ID rapat",
    "action_count": "Jumlah aksi",
    "budget_line": "ID baris anggaran",
    "sub_kegiatan": "Sub kegiatan",
    "import_batch": "Batch impor",
}


def _csv_join(value) -> str:
    return ", ".join(str(v) for v in value)


class PortalViewSet(viewsets.GenericViewSet):
    """Base of every resource: scope, pagination, ordering, downloads, writes.

    Subclasses declare ``queryset_for(user)`` (already scoped), the
    ``filterset_class``, ``ordering_fields`` and ``ordering``, and
    ``doc_name`` (Indonesian, English) used by the schema descriptions.
    """

    permission_classes = [PortalPermission]
    pagination_class = PortalPagination
    export_actions = ("list",)
    export_title = ""
    doc_name = ("data", "records")
    region_path: str | None = "region_id"  # attribute path to the region code

    def queryset_for(self, user):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset_for(None)
        return self.queryset_for(self.request.user)

    def region_code_of(self, obj) -> str | None:
        value = obj
        for part in (self.region_path or "").split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    # --- downloads -------------------------------------------------------

    def get_renderers(self):
        if getattr(self, "action", None) in self.export_actions:
            return [renderers.JSONRenderer(), XLSXRenderer(), CSVRenderer()]
        return [renderers.JSONRenderer()]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            requested = request.query_params.get("format", "")
            raise exceptions.ValidationError(
                {
                    "format": [
                        _(
                            "Format '%(fmt)s' tidak dikenal di sini. Pilih json, atau "
                            "xlsx / csv untuk daftar dan ringkasan."
                        )
                        % {"fmt": requested[:20]}
                    ]
                }
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        # A download was negotiated but the answer is data (an error, a refusal):
        # send it as JSON, never as a file.
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, _DownloadRenderer) and isinstance(response, Response):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def export_format(self) -> str | None:
        renderer = getattr(self.request, "accepted_renderer", None)
        fmt = getattr(renderer, "format", None)
        return fmt if fmt in EXPORT_FORMATS else None

    # Query parameters, besides the filterset's, that change what a download holds.
    stamp_params: tuple[str, ...] = ("ordering",)

    def applied_filters(self) -> dict:
        """The filters of the request that the resource knows, for the file's stamp.

        Unknown parameters are never echoed into a file: a crafted link cannot
        make the portal serve text of its choosing.
        """
        known = set(self.stamp_params)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        known |= set(getattr(self, "filterset_fields", None) or ())
        return {
            k: v for k, v in self.request.query_params.items() if k in known
        }

    def export_columns(self) -> list[Column]:
        serializer = self.get_serializer()
        columns = []
        for name, field in serializer.fields.items():
            if field.write_only or name in getattr(self, "export_exclude", ()):
                continue
            kind = "text"
            if isinstance(field, serializers.DecimalField):
                kind = "money"
            elif isinstance(field, serializers.IntegerField):
                kind = "number"
            header = EXPORT_HEADERS.get(name) or str(field.label or name)
            columns.append(Column(name, header, kind))
        return columns

    def export_rows(self, queryset) -> Iterable[dict]:
        columns = self.export_columns()
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        money = {c.key for c in columns if c.kind == "money"}
        for obj in queryset:
            data = serializer_class(obj, context=context).data
            row = {}
            for column in columns:
                value = data.get(column.key)
                if column.key in money and value is not None:
                    value = Decimal(value)
                elif isinstance(value, list):
                    value = _csv_join(value)
                elif isinstance(value, dict):
                    value = _csv_join(value.values())
                row[column.key] = value
            yield row

    def export(self, queryset, fmt: str) -> HttpResponse:
        return export_response(
            fmt=fmt,
            title=self.export_title or self.doc_name[0],
            columns=self.export_columns(),
            rows=self.export_rows(queryset),
            filters=self.applied_filters(),
            user=self.request.user,
        )

    # --- reads -----------------------------------------------------------

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        fmt = self.export_format()
        if fmt:
            return self.export(queryset, fmt)
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    # --- writes (subclasses supply the service calls) --------------------

    def refreshed(self, obj):
        """The saved object reloaded through the list queryset (joins, prefetches)."""
        return self.queryset_for(self.request.user).get(pk=obj.pk)


def refuse_region_move(instance, region) -> None:
    """A record stays in its region: moving it is deleting and creating anew."""
    if region is not None and region.pk != instance.region_id:
        raise exceptions.ValidationError(
            {"region": [_("Wilayah tidak dapat dipindah. Hapus lalu buat baru.")]}
        )
