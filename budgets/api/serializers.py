"""Serializers of the import API."""

from rest_framework import serializers

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from budgets.imports import batch_report
from budgets.models import ImportBatch, Stage
from budgets.stages import parse_stage


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Berkas ekspor SIPD (.xlsx)."))
    region = serializers.CharField(required=False, allow_blank=True, max_length=13)
    stage = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60,
        help_text=_("Tahapan: murni, pergeseran-01.., perubahan, perubahan-pergeseran-01.. "
                    "(juga 'Pergeseran 2'); kosong: dari kolom TAHAPAN berkas, bila tidak "
                    "ada Murni."),
    )

    def validate_stage(self, value):
        if value and parse_stage(value) is None:
            raise serializers.ValidationError(
                _("Tahapan tidak dikenal. Pilih salah satu: %(codes)s.")
                % {"codes": ", ".join(Stage.values[:3]) + ", ..."}
            )
        return parse_stage(value) if value else ""
    fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    dry_run = serializers.BooleanField(default=False)
    commit_valid_only = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                _("Berkas melebihi batas unggah %(limit)d MB.")
                % {"limit": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportBatchSerializer(serializers.ModelSerializer):
    """A batch: metadata plus the report in the shape of ``import_sipd --json``."""

    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    report = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "region", "original_name", "sha256", "size", "kind", "fiscal_year",
            "stage", "status", "dry_run", "commit_valid_only", "uploaded_by",
            "created_at", "committed_at", "rolled_back_at", "report",
        ]
        read_only_fields = fields

    def get_report(self, obj) -> dict:
        return batch_report(obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        report = data.pop("report")
        # The report's keys at the top level, as the command prints them.
        for key, value in report.items():
            data.setdefault(key, value)
        data["status"] = report["status"]
        return data
