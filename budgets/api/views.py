"""The imports endpoint: /api/v1/imports/ (upload, status, commit, rollback, errors)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.context import audit_via
from budgets import imports
from budgets.models import ImportBatch, ImportStatus
from core.auth import TokenAuthentication
from regions import access

from .serializers import ImportBatchSerializer, ImportUploadSerializer


class ImportPermission(permissions.IsAuthenticated):
    """Reading batches follows the read scope; uploading, committing and rolling
    back need the import right (Staf Data, Koordinator, Admin). The service
    checks the batch's region again."""

    message = gettext_lazy("Peran Anda tidak berwenang mengimpor data SIPD.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.can_import_anything(request.user)


class ImportBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """SIPD import batches of the regions the user may import into."""

    serializer_class = ImportBatchSerializer
    # Token first, so an anonymous request gets 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [ImportPermission]
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["status", "kind", "fiscal_year", "region", "stage"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return ImportBatch.objects.filter(access.importable_q(self.request.user)).select_related(
            "region", "uploaded_by"
        )

    def _refused(self, exc: imports.ImportRefused) -> Response:
        return Response({"detail": exc.message}, status=exc.status)

    def create(self, request, *args, **kwargs):
        if not access.can_import_anything(request.user):
            return Response(
                {"detail": _("Anda tidak berwenang mengimpor data SIPD.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            with audit_via("api"):
                batch = imports.import_batch_create(
                    user=request.user,
                    upload=data["file"],
                    original_name=data["file"].name,
                    region_code=data.get("region") or None,
                    stage=data["stage"],
                    fiscal_year=data.get("fiscal_year"),
                    dry_run=data["dry_run"],
                    commit_valid_only=data["commit_valid_only"],
                )
        except imports.ImportRefused as exc:
            return self._refused(exc)
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ImportBatchSerializer, 202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None, format=None):
        """Simpan batch pratinjau. Penulisan dikerjakan worker, seperti dari
        halaman impor: 202 selama batch diantrekan (pantau dengan GET), 200
        bila sudah tersimpan, 409 bila tidak dapat disimpan.

        Commit a previewed batch. The worker writes it, as from the import
        page: 202 while it is queued (follow it with GET), 200 once committed,
        409 when it cannot be committed."""
        batch = self.get_object()
        if batch.status == ImportStatus.COMMITTING:
            # A commit whose worker died never blocks a new one.
            batch = imports.import_batch_recover(batch_id=batch.pk) or batch
        if batch.status != ImportStatus.PREVIEW:
            return Response(
                {"detail": _("Batch #%(id)d berstatus %(status)s dan tidak dapat "
                             "disimpan.") % {"id": batch.pk,
                                             "status": batch.get_status_display()}},
                status=status.HTTP_409_CONFLICT,
            )
        access.ensure_can_import(request.user, batch.region_id)
        # The same task the import page queues (in-process when no broker is
        # configured); the service checks the access rule and the state again.
        from budgets.tasks import import_batch_commit

        user_id = request.user.pk
        message_before = batch.message
        with audit_via("api"):
            transaction.on_commit(lambda: import_batch_commit.delay(batch.pk, user_id))
        batch.refresh_from_db()
        if batch.status == ImportStatus.COMMITTED:
            return Response(self.get_serializer(batch).data)
        if batch.status == ImportStatus.PREVIEW and batch.message != message_before:
            # Run in-process and refused (e.g. errors in the file, a locked year).
            return Response({"detail": batch.message}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None, format=None):
        batch = self.get_object()
        try:
            with audit_via("api"):
                imports.import_batch_rollback(
                    user=request.user, batch=batch,
                    reason=str(request.data.get("reason", ""))[:500],
                )
        except imports.ImportRefused as exc:
            return self._refused(exc)
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data)

    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None, format=None):
        """Throw away a batch that was never committed (preview, refused, failed)."""
        batch = self.get_object()
        try:
            with audit_via("api"):
                imports.import_batch_discard(user=request.user, batch=batch)
        except imports.ImportRefused as exc:
            return self._refused(exc)
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data)

    @action(detail=True, methods=["get"], url_path=r"preview/(?P<kind>[^/.]+)",
            url_name="preview")
    def preview(self, request, pk=None, kind="new", format=None):
        """Every row of the preview of one kind (``new``, ``changed`` or ``gone``),
        a page at a time (``?page=``, ``?page_size=`` up to 500)."""
        batch = self.get_object()
        if kind not in ("new", "changed", "gone"):
            raise NotFound(_("Jenis pratinjau %(kind)s tidak ada: pilih new, changed atau "
                             "gone.") % {"kind": kind[:20]})
        try:
            page = max(int(request.query_params.get("page", 1)), 1)
            size = min(max(int(request.query_params.get("page_size", 100)), 1), 500)
        except (TypeError, ValueError):
            return Response({"detail": _("page dan page_size harus bilangan bulat.")},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(imports.preview_page(batch, kind, page=page, per_page=size))

    @action(detail=True, methods=["get"], url_path="errors.xlsx", url_name="errors")
    def errors_xlsx(self, request, pk=None, format=None):
        batch = self.get_object()
        if not batch.errors or not batch.kind:
            raise NotFound(_("Batch ini tidak memiliki daftar kesalahan per baris."))
        try:
            path = imports.error_workbook_path(batch)
        except imports.ImportRefused as exc:
            return self._refused(exc)
        return FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=f"kesalahan-batch-{batch.pk}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
