"""Input of the intervention pages: explicit fields, choices limited by the access rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.models import Stage
from core.forms import bounded_id
from regions import access
from regions.models import Level, Region
from roadmap.form_fields import (
    REASON_HELP,
    YEAR_FIELD,
    RegionChoiceField,
    UnitChoiceField,
    UnitMultipleChoiceField,
    check_unit_region,
    owner_regions,
    unit_choices,
)

from .models import (
    EvidenceKind,
    Intervention,
    InterventionStatus,
    Pillar,
    Strategy,
    StrategyFocus,
)


class TargetRegionField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name} ({obj.get_level_display()})"


class InterventionForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Wilayah pelaksana"))
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), **YEAR_FIELD)
    name = forms.CharField(label=_("Nama intervensi"), max_length=255)
    description = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    pillar = forms.ModelChoiceField(queryset=Pillar.objects.all(), label=_("Pilar"))
    strategy = forms.ModelChoiceField(queryset=Strategy.objects.all(), label=_("Strategi"),
                                      required=False)
    focus = forms.ModelChoiceField(queryset=StrategyFocus.objects.all(),
                                   label=_("Fokus strategi"), required=False)
    lead_unit = UnitChoiceField(queryset=None, label=_("OPD pengampu"), required=False)
    partner_units = UnitMultipleChoiceField(
        queryset=None, label=_("OPD mitra"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Tahan Ctrl (Cmd di Mac) untuk memilih lebih dari satu."),
    )
    target_regions = TargetRegionField(
        queryset=Region.objects.none(), label=_("Wilayah sasaran (kecamatan/desa)"),
        required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Kecamatan atau desa di wilayah pelaksana."),
    )
    target_group = forms.CharField(label=_("Kelompok sasaran"), max_length=255, required=False)
    beneficiaries_target = forms.IntegerField(
        label=_("Target penerima manfaat"), min_value=0, initial=0
    )
    start_date = forms.DateField(label=_("Tanggal mulai"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Tanggal selesai"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)
    reason = forms.CharField(label=_("Alasan perubahan"), max_length=500, required=False,
                             help_text=REASON_HELP)

    def __init__(self, *args, user, instance: Intervention | None = None, **kwargs):
        self.user, self.instance = user, instance
        super().__init__(*args, **kwargs)
        regions = owner_regions(user)
        self.fields["region"].queryset = regions
        region_code = instance.region_id if instance else None
        self.fields["lead_unit"].queryset = unit_choices(user, region_code)
        self.fields["partner_units"].queryset = unit_choices(user, region_code)
        targets = access.changeable_regions(user).filter(
            level__in=[Level.KECAMATAN, Level.DESA, Level.KELURAHAN]
        )
        if region_code:
            targets = targets.filter(code__startswith=region_code + ".")
        self.fields["target_regions"].queryset = targets.order_by("code")
        if instance is not None:
            self.fields["region"].disabled = True
            self.fields["fiscal_year"].disabled = True

    def clean(self):
        data = super().clean()
        region = data.get("region")
        check_unit_region(self, "lead_unit", region)
        check_unit_region(self, "partner_units", region)
        if region is not None:
            for target in data.get("target_regions") or []:
                if not target.code.startswith(region.code + "."):
                    self.add_error(
                        "target_regions",
                        _("%(name)s tidak berada di %(region)s.")
                        % {"name": target.name, "region": region.name},
                    )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Tanggal selesai tidak boleh sebelum mulai."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("region", None)
        data.pop("reason", None)
        return data


class InterventionCloseForm(forms.Form):
    reason = forms.CharField(label=_("Alasan / catatan penutupan"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("Triwulan"), coerce=int, choices=[(q, f"Triwulan {q}") for q in (1, 2, 3, 4)]
    )
    reached = forms.IntegerField(label=_("Penerima manfaat tercapai pada triwulan ini"),
                                 min_value=0)
    note = forms.CharField(label=_("Catatan"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis bukti"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("PDF (berita acara) atau foto JPG/PNG, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    description = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class LineLinkFilterForm(forms.Form):
    """The small filter over the intervention region's lines (never all in one select)."""

    fiscal_year = forms.IntegerField(label=_("Tahun"), required=False, **YEAR_FIELD)
    stage = forms.ChoiceField(label=_("Tahapan"), required=False,
                              choices=[("", _("Semua")), *Stage.choices])
    sub_kegiatan = forms.CharField(label=_("Kode sub kegiatan (awalan)"), required=False)
    q = forms.CharField(label=_("Cari (sub kegiatan, OPD, paket)"), required=False)


class LineLinkForm(forms.Form):
    """Lines ticked to link (``add``) or unlink (``remove``); ids are checked here
    against the intervention's region, and again by the service."""

    add = forms.TypedMultipleChoiceField(coerce=bounded_id, required=False)
    remove = forms.TypedMultipleChoiceField(coerce=bounded_id, required=False)

    def __init__(self, *args, region_code: str, linked_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code, self.linked_ids = region_code, set(linked_ids)
        for name in ("add", "remove"):
            self.fields[name].valid_value = lambda value: True

    def clean_add(self):
        from budgets.models import BudgetLine

        ids = set(self.cleaned_data.get("add") or [])
        own = set(
            BudgetLine.objects.filter(pk__in=ids, region_id=self.region_code).values_list(
                "pk", flat=True
            )
        )
        foreign = ids - own
        if foreign:
            raise forms.ValidationError(
                _("Baris anggaran %(ids)s bukan milik wilayah intervensi ini.")
                % {"ids": ", ".join(f"#{i}" for i in sorted(foreign))}
            )
        return ids

    def clean_remove(self):
        return set(self.cleaned_data.get("remove") or []) & self.linked_ids
