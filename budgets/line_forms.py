"""Input of the hand-entered line and bulk tagging pages (explicit fields)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Pillar, Strategy
from regions import access
from regions.models import Region
from roadmap.form_fields import (
    REASON_HELP,
    YEAR_FIELD,
    RegionChoiceField,
    UnitChoiceField,
    owner_regions,
)

from .codes import level_of
from .models import FundingSource, Stage, Unit

MONEY_FIELD = {"max_digits": 18, "decimal_places": 2, "min_value": Decimal("0")}


class BudgetLineForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Wilayah (pemda)"))
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), **YEAR_FIELD)
    stage = forms.ChoiceField(label=_("Tahapan"), choices=Stage.choices, initial=Stage.MURNI)
    unit = UnitChoiceField(queryset=None, label=_("Perangkat daerah"))
    sub_unit = UnitChoiceField(queryset=None, label=_("Sub unit"), required=False,
                               help_text=_("Kosongkan bila sama dengan perangkat daerah."))
    sub_kegiatan_code = forms.CharField(
        label=_("Kode sub kegiatan"), max_length=32,
        help_text=_("Format Kepmendagri, mis. 1.06.05.2.02.0001."),
    )
    sub_kegiatan_name = forms.CharField(label=_("Nama sub kegiatan"), max_length=500)
    funding_source = forms.ModelChoiceField(queryset=FundingSource.objects.all(),
                                            label=_("Sumber dana"))
    account_code = forms.CharField(label=_("Kode rekening"), max_length=40,
                                   help_text=_("mis. 5.1.06.01.01.0001"))
    account_name = forms.CharField(label=_("Nama rekening"), max_length=500)
    pagu = forms.DecimalField(label=_("Pagu (Rp)"), **MONEY_FIELD)
    realisasi = forms.DecimalField(label=_("Realisasi (Rp)"), initial=0, **MONEY_FIELD)
    reason = forms.CharField(label=_("Alasan"), max_length=500, help_text=REASON_HELP)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = owner_regions(user)
        # A line's units belong to the line's own pemda (never the province's).
        units = Unit.objects.filter(access.changeable_q(user)).order_by("region_id", "code")
        if instance is not None:
            units = units.filter(region_id=instance.region_id)
        self.fields["unit"].queryset = units
        self.fields["sub_unit"].queryset = units
        if instance is not None:
            self.fields["region"].disabled = True

    def clean_sub_kegiatan_code(self):
        code = self.cleaned_data["sub_kegiatan_code"].strip()
        if level_of(code) != "sub_kegiatan":
            raise forms.ValidationError(
                _("'%(code)s' bukan kode sub kegiatan (lima tingkat, mis. 1.06.05.2.02.0001).")
                % {"code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        region = data.get("region")
        for name in ("unit", "sub_unit"):
            unit = data.get(name)
            if region is not None and unit is not None and unit.region_id != region.code:
                self.add_error(name, _("%(unit)s bukan perangkat daerah %(region)s.")
                               % {"unit": unit.name, "region": region.name})
        if (data.get("pagu") is not None and data.get("realisasi") is not None
                and data["realisasi"] > data["pagu"]):
            self.add_error("realisasi", _("Realisasi melebihi pagu; periksa kembali angkanya."))
        return data


class LineDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penghapusan"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class LineTagForm(forms.Form):
    pillar = forms.ModelChoiceField(queryset=Pillar.objects.all(), label=_("Pilar"),
                                    required=False)
    strategy = forms.ModelChoiceField(queryset=Strategy.objects.all(), label=_("Strategi"),
                                      required=False)
    reason = forms.CharField(label=_("Alasan penandaan"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Wajib: mengapa baris ini masuk pilar/strategi itu."))
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        data = super().clean()
        if not data.get("pillar") and not data.get("strategy"):
            raise forms.ValidationError(_("Pilih pilar atau strategi untuk penandaan."))
        return data
