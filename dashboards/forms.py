from django import forms
from django.utils.translation import gettext_lazy as _


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas tabel indikator (XLSX atau CSV)"),
        help_text=_(
            "Kolom: kode_wilayah, periode, indikator, nilai, satuan, sumber. "
            "Baris pertama berisi judul kolom."
        ),
    )
