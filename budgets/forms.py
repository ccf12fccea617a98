"""Forms of the budgets app."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .imports import importable_region_choices
from .models import Stage


class ImportUploadForm(forms.Form):
    """Upload of one SIPD export: the file, the region it belongs to, the stage."""

    file = forms.FileField(
        label=_("Berkas SIPD (.xlsx)"),
        help_text=_("Rekap pagu atau Laporan Realisasi Per Dokumen, apa adanya dari SIPD."),
    )
    region = forms.ChoiceField(label=_("Wilayah pemilik data"))
    stage = forms.ChoiceField(
        label=_("Tahapan"), required=False,
        choices=[("", _("Dari kolom TAHAPAN berkas (tanpa kolom itu: Murni)"))] + list(Stage.choices),
        help_text=_("Setiap tahapan adalah potret lengkap anggaran tahun itu; tahapan yang "
                    "lebih baru tidak mengubah tahapan sebelumnya."),
    )
    fiscal_year = forms.IntegerField(
        label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100,
        help_text=_("Kosongkan bila berkas menyebut tahunnya (kolom TAHUN atau judul)."),
    )
    dry_run = forms.BooleanField(
        label=_("Hanya pratinjau (jangan simpan)"), required=False,
    )
    commit_valid_only = forms.BooleanField(
        label=_("Simpan baris yang valid saja bila ada baris salah"), required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = list(importable_region_choices(user=user))
        self.fields["region"].choices = [(r.code, f"{r.code} {r.display_name}") for r in regions]
        own = getattr(getattr(user, "scope", None), "region_id", None)
        if own and any(r.code == own for r in regions):
            self.fields["region"].initial = own

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas melebihi batas unggah %(limit)d MB.")
                % {"limit": limit // (1024 * 1024)}
            )
        return upload
