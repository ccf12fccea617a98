"""Input of the roadmap, obstacle, Rakor and verification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Intervention, Pillar, Strategy
from regions import access
from regions.models import Level, Region

from .form_fields import (
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
    ActionStatus,
    FollowUpStatus,
    Obstacle,
    ObstacleCategory,
    ObstacleStatus,
    Roadmap,
    RoadmapAction,
)

QUARTERS = [(q, _("Triwulan %(q)d") % {"q": q}) for q in (1, 2, 3, 4)]
DATE = forms.DateInput(attrs={"type": "date"})


def _reason():
    return forms.CharField(label=_("Alasan perubahan"), max_length=500, required=False,
                           help_text=REASON_HELP)


class RoadmapForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Wilayah"))
    fiscal_year = forms.IntegerField(label=_("Tahun"), **YEAR_FIELD)
    title = forms.CharField(label=_("Judul"), max_length=255)
    policy_direction = forms.CharField(label=_("Arah kebijakan"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 4}))
    reason = _reason()

    def __init__(self, *args, user, instance: Roadmap | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = owner_regions(user)
        if instance is not None:
            self.fields["region"].disabled = True
            self.fields["fiscal_year"].disabled = True

    def clean(self):
        data = super().clean()
        region, year = data.get("region"), data.get("fiscal_year")
        if (region and year and "region" in self.changed_data
                and Roadmap.objects.filter(region=region, fiscal_year=year).exists()):
            self.add_error("fiscal_year", _("Peta jalan %(region)s tahun %(year)d sudah ada.")
                           % {"region": region.name, "year": year})
        return data


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Aksi"), max_length=255)
    description = forms.CharField(label=_("Uraian"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.ModelChoiceField(queryset=Pillar.objects.all(), label=_("Pilar"),
                                    required=False)
    strategy = forms.ModelChoiceField(queryset=Strategy.objects.all(), label=_("Strategi"),
                                      required=False)
    owner_unit = UnitChoiceField(queryset=None, label=_("OPD penanggung jawab"))
    partner_units = UnitMultipleChoiceField(
        queryset=None, label=_("OPD mitra"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    target_quarter = forms.TypedChoiceField(label=_("Triwulan target"), coerce=int,
                                            choices=QUARTERS)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices,
        help_text=_("\"Terlambat\" tidak diisi: dihitung dari triwulan target dan tanggal hari ini."),
    )
    progress = forms.IntegerField(label=_("Kemajuan (%)"), min_value=0, max_value=100,
                                  initial=0)
    progress_notes = forms.CharField(label=_("Catatan kemajuan"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    reason = _reason()

    def __init__(self, *args, user, roadmap: Roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.fields["owner_unit"].queryset = unit_choices(user, roadmap.region_id)
        self.fields["partner_units"].queryset = unit_choices(user, roadmap.region_id)

    def clean(self):
        data = super().clean()
        check_unit_region(self, "owner_unit", self.roadmap.region)
        check_unit_region(self, "partner_units", self.roadmap.region)
        return data


class ObstacleForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Wilayah"))
    fiscal_year = forms.IntegerField(label=_("Tahun"), **YEAR_FIELD)
    title = forms.CharField(label=_("Hambatan"), max_length=255)
    description = forms.CharField(label=_("Uraian"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Kategori"), choices=ObstacleCategory.choices)
    action = forms.ModelChoiceField(queryset=RoadmapAction.objects.none(),
                                    label=_("Aksi yang terhambat"), required=False)
    intervention = forms.ModelChoiceField(queryset=Intervention.objects.none(),
                                          label=_("Intervensi yang terhambat"), required=False)
    responsible = forms.CharField(label=_("Pihak yang harus bertindak"), max_length=255,
                                  required=False)
    responsible_unit = UnitChoiceField(queryset=None, label=_("OPD yang harus bertindak"),
                                       required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ObstacleStatus.choices)
    resolution = forms.CharField(label=_("Penyelesaian"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    reason = _reason()

    def __init__(self, *args, user, instance: Obstacle | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = owner_regions(user)
        self.fields["action"].queryset = RoadmapAction.objects.filter(
            access.changeable_q(user, field="roadmap__region__code")
        ).select_related("roadmap")
        self.fields["intervention"].queryset = Intervention.objects.filter(
            access.changeable_q(user)
        )
        self.fields["responsible_unit"].queryset = unit_choices(
            user, instance.region_id if instance else None
        )
        if instance is not None:
            self.fields["region"].disabled = True

    def clean(self):
        data = super().clean()
        region = data.get("region")
        if region is not None:
            for name, code in (
                ("action", data.get("action") and data["action"].roadmap.region_id),
                ("intervention", data.get("intervention") and data["intervention"].region_id),
            ):
                if code and not access.covers(region.code, code):
                    self.add_error(name, _("Pilihan ini bukan milik %(region)s.")
                                   % {"region": region.name})
            check_unit_region(self, "responsible_unit", region)
        if data.get("status") == ObstacleStatus.RESOLVED and not data.get("resolution"):
            self.add_error("resolution", _("Tuliskan penyelesaiannya bila hambatan selesai."))
        return data


class MeetingForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Wilayah penyelenggara"))
    title = forms.CharField(label=_("Judul"), max_length=255)
    date = forms.DateField(label=_("Tanggal"), widget=DATE)
    place = forms.CharField(label=_("Tempat"), max_length=255, required=False)
    participants = forms.CharField(label=_("Peserta"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    summary = forms.CharField(label=_("Ringkasan"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.FileField(
        label=_("Notulen (PDF/JPG/PNG, maks. 10 MB)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    reason = _reason()

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = owner_regions(user)
        if instance is not None:
            self.fields["region"].disabled = True


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Keputusan"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label=_("Penanggung jawab"), max_length=255, required=False)
    due_date = forms.DateField(label=_("Batas waktu"), required=False, widget=DATE)


class FollowUpForm(forms.Form):
    follow_up_status = forms.ChoiceField(label=_("Status tindak lanjut"),
                                         choices=FollowUpStatus.choices)
    follow_up_notes = forms.CharField(label=_("Catatan tindak lanjut"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))


class DecisionToActionForm(forms.Form):
    roadmap = forms.ModelChoiceField(queryset=Roadmap.objects.none(), label=_("Peta jalan"))
    target_quarter = forms.TypedChoiceField(label=_("Triwulan target"), coerce=int,
                                            choices=QUARTERS)
    owner_unit = UnitChoiceField(queryset=None, label=_("OPD penanggung jawab"),
                                 required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roadmap"].queryset = Roadmap.objects.filter(
            access.changeable_q(user)
        ).select_related("region")
        self.fields["owner_unit"].queryset = unit_choices(user)

    def clean(self):
        data = super().clean()
        if data.get("roadmap") is not None:
            check_unit_region(self, "owner_unit", data["roadmap"].region)
        return data


class DecisionResolvesForm(forms.Form):
    obstacle = forms.ModelChoiceField(queryset=Obstacle.objects.none(),
                                      label=_("Hambatan yang diselesaikan"))
    resolution = forms.CharField(label=_("Penyelesaian"),
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obstacle"].queryset = Obstacle.objects.filter(
            access.changeable_q(user)
        ).exclude(status=ObstacleStatus.RESOLVED)


class SubmissionOpenForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Kabupaten/kota"))
    fiscal_year = forms.IntegerField(label=_("Tahun"), **YEAR_FIELD)
    quarter = forms.TypedChoiceField(label=_("Triwulan"), coerce=int, choices=QUARTERS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.changeable_regions(user).filter(
            level__in=[Level.KABUPATEN, Level.KOTA]
        ).order_by("code")


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Catatan"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if required:
            self.fields["comment"].error_messages["required"] = _(
                "Catatan wajib diisi: tuliskan apa yang harus diperbaiki atau alasannya."
            )


class ReportForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Wilayah"))
    fiscal_year = forms.IntegerField(label=_("Tahun"), **YEAR_FIELD)
    quarter = forms.TypedChoiceField(label=_("Triwulan"), coerce=int, choices=QUARTERS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.readable_regions(user).filter(
            level__in=[Level.PROVINSI, Level.KABUPATEN, Level.KOTA]
        ).order_by("code")
