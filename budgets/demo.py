"""Synthetic demo data ("data contoh") that reproduces the Rakor TKPKD headline figures.

- APBD Provinsi Banten 2023: exactly Rp2.200.000.000.000 over 16 OPD;
- APBD Provinsi Banten 2024: exactly Rp1.700.000.000.000 over 9 OPD and 9 UPTD;
- smaller synthetic budgets for the 8 kabupaten/kota (2023 and 2024), so the
  map and the convergence matrix have something to show;
- interventions, roadmaps with actions, obstacles and one Rakor meeting.

Every record is flagged ``is_demo``; the coordination records say "DATA CONTOH" in
their names. All amounts are made up. The nomenclature, account and funding source
codes and names are real ones, read from ``demo_data/nomenclature_real.csv`` (SIPD RI
exports of Kabupaten Buru, MIT licence: see ``demo_data/README.md``), so a real import
never meets a demo name that contradicts its file. Unit codes follow SIPD's shape
(``1.06.0.00.0.00.01.0000``, a UPTD ``...0001``, combined OPD carrying a second
bidang such as ``1.01.2.22.0.00.01.0000``); unit names are the region's own.
Running it twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record
from programs.models import (
    Intervention,
    InterventionStatus,
    Pillar,
    Strategy,
    StrategyFocus,
)
from programs.reference import reference_ensure
from regions.models import Region, Role
from regions.services import user_scope_set
from roadmap.models import (
    ActionStatus,
    Decision,
    FollowUpStatus,
    Meeting,
    Obstacle,
    ObstacleCategory,
    ObstacleStatus,
    Roadmap,
    RoadmapAction,
)

from .codes import account_group, ancestors
from .models import (
    Account,
    BudgetLine,
    FundingSource,
    LineOrigin,
    NameSource,
    Nomenclature,
    Stage,
    Tag,
    TagSource,
    Unit,
    UnitKind,
)

DEMO_PASSWORD = "tkpkd-demo"
PROVINCE = "36"
DEMO_REASON = "Data contoh (seed_demo)"

USERS = [
    # username, first name, role, region, superuser
    ("admin", "Admin Portal", Role.ADMIN, "36", True),
    ("koordinator.provinsi", "Koordinator TKPKD Provinsi", Role.KOORDINATOR, "36", False),
    ("koordinator.lebak", "Koordinator TKPKD Lebak", Role.KOORDINATOR, "36.02", False),
    ("staf.data", "Staf Data Bappeda", Role.STAF_DATA, "36", False),
    ("pejabat", "Pejabat (Pj Sekda)", Role.PEJABAT, "36", False),
]

# SKPD code, name, short name, bidang, pillar, strategy. Codes are shaped as SIPD's:
# a combined OPD carries its second bidang (2.22 kebudayaan, 3.32 transmigrasi, 3.30
# perdagangan, 5.05 penelitian dan pengembangan) in the second and third parts.
OPD = [
    ("1.06.0.00.0.00.01.0000", "Dinas Sosial", "Dinsos", "1.06", "jaminan_sosial", "pengurangan_beban"),
    ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "Dinkes", "1.02", "jaminan_sosial", "pengurangan_beban"),
    ("1.04.0.00.0.00.01.0000", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "Disperkim", "1.04", "kebutuhan_pokok", "penurunan_kantong"),
    ("2.07.3.32.0.00.01.0000", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans", "2.07", "budaya_usaha", "peningkatan_pendapatan"),
    ("2.09.0.00.0.00.01.0000", "Dinas Ketahanan Pangan", "DKP", "2.09", "kebutuhan_pokok", "pengurangan_beban"),
    ("2.13.0.00.0.00.01.0000", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", "2.13", "budaya_usaha", "peningkatan_pendapatan"),
    ("2.17.0.00.0.00.01.0000", "Dinas Koperasi dan UKM", "Dinkop UKM", "2.17", "budaya_usaha", "peningkatan_pendapatan"),
    ("3.27.0.00.0.00.01.0000", "Dinas Pertanian", "Distan", "3.27", "budaya_usaha", "peningkatan_pendapatan"),
    ("3.25.0.00.0.00.01.0000", "Dinas Kelautan dan Perikanan", "DKP Kelautan", "3.25", "budaya_usaha", "peningkatan_pendapatan"),
    ("1.01.2.22.0.00.01.0000", "Dinas Pendidikan dan Kebudayaan", "Dindikbud", "1.01", "jaminan_sosial", "pengurangan_beban"),
    ("1.03.0.00.0.00.01.0000", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "1.03", "kebutuhan_pokok", "penurunan_kantong"),
    ("2.08.0.00.0.00.01.0000", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3AKKB", "2.08", "jaminan_sosial", "pengurangan_beban"),
    ("2.12.0.00.0.00.01.0000", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "2.12", "jaminan_sosial", "pengurangan_beban"),
    ("3.31.3.30.0.00.01.0000", "Dinas Perindustrian dan Perdagangan", "Disperindag", "3.31", "budaya_usaha", "peningkatan_pendapatan"),
    ("5.01.5.05.0.00.01.0000", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "5.01", "kebutuhan_pokok", "penurunan_kantong"),
    ("3.26.0.00.0.00.01.0000", "Dinas Pariwisata", "Dispar", "3.26", "budaya_usaha", "peningkatan_pendapatan"),
]
# The 9 OPD that carry the 2024 plan, each with one UPTD.
OPD_2024 = OPD[:9]
UPTD_NAMES = [
    "UPTD Panti Sosial Bina Laras",
    "UPTD Laboratorium Kesehatan Daerah",
    "UPTD Pengelolaan Rumah Susun",
    "UPTD Balai Latihan Kerja",
    "UPTD Balai Pengawasan Mutu Pangan",
    "UPTD Pelatihan Masyarakat Desa",
    "UPTD Pusat Layanan Usaha Terpadu",
    "UPTD Balai Benih Induk Padi",
    "UPTD Pelabuhan Perikanan Pantai",
]

# Real codes and names (demo_data/README.md): every nomenclature, account and funding
# source code the demo writes comes from this table, with its name.
REAL_NAMES_CSV = Path(__file__).with_name("demo_data") / "nomenclature_real.csv"


@dataclass(frozen=True)
class RealNames:
    # (year, level, code) -> name, as the real files give it
    names: dict[tuple[int, str, str], str]
    # bidang -> its sub kegiatan codes, in the table's order (one program per bidang)
    sub_kegiatan: dict[str, list[str]]
    accounts: list[str]
    funding: list[str]

    def name(self, year: int, level: str, code: str) -> str:
        """The real name of ``code`` for ``year``, or for the nearest year the table has.

        The table is of 2024; the demo's 2023 budget takes the 2024 names.
        """
        years = [y for (y, lv, c) in self.names if lv == level and c == code]
        if not years:
            raise KeyError(f"{level} {code} is not in {REAL_NAMES_CSV.name}")
        nearest = min(years, key=lambda y: (abs(y - year), -y))
        return self.names[(nearest, level, code)]


@cache
def real_names() -> RealNames:
    names: dict[tuple[int, str, str], str] = {}
    sub_kegiatan: dict[str, list[str]] = {}
    accounts: list[str] = []
    funding: list[str] = []
    with REAL_NAMES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            level, code = row["level"], row["code"]
            names[(int(row["year"]), level, code)] = row["name"]
            bucket = {"rekening": accounts, "sumber_dana": funding}.get(level)
            if level == "sub_kegiatan":
                bucket = sub_kegiatan.setdefault(code[:4], [])
            if bucket is not None and code not in bucket:
                bucket.append(code)
    return RealNames(names, sub_kegiatan, accounts, funding)


KABKOTA = ["36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]
KABKOTA_OPD = OPD[:6]

TOTALS = {2023: Decimal("2200000000000"), 2024: Decimal("1700000000000")}
LINES_PER_OPD = 4


@dataclass
class DemoResult:
    users_created: list[str] = field(default_factory=list)
    lines_created: int = 0
    lines_existing: int = 0


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """Split a whole-rupiah total into ``parts`` whole-million amounts summing to it."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = sum(weights)
    unit = Decimal(1_000_000)
    amounts = [(total * Decimal(w / scale) / unit).quantize(Decimal(1)) * unit for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def _users() -> list[str]:
    User = get_user_model()
    created = []
    for username, first_name, role, region, superuser in USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(username)
        user_scope_set(user=user, role=role, region_code=region)
    return created


def _nomenclature(year: int, bidang: str, seq: int) -> Nomenclature:
    """The ``seq``-th (0-based) sub kegiatan of ``bidang``, with its real chain and names.

    A bidang with fewer real sub kegiatan than lines per OPD cycles through them: the
    lines stay distinct by account.
    """
    real = real_names()
    codes = real.sub_kegiatan[bidang]
    code = codes[seq % len(codes)]
    parent = None
    for level, node_code in [*ancestors(code), ("sub_kegiatan", code)]:
        parent, _ = Nomenclature.objects.get_or_create(
            fiscal_year=year, level=level, code=node_code,
            defaults={"name": real.name(year, level, node_code), "parent": parent,
                      "name_source": NameSource.DEMO},
        )
    return parent


def _unit(region: str, code: str, name: str, short: str, kind: str, parent=None) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        region_id=region, code=code,
        defaults={"name": name, "short_name": short, "kind": kind, "parent": parent,
                  "is_demo": True, "name_source": NameSource.DEMO},
    )
    return unit


def _lines_for(
    *, year: int, region: str, opd_rows, total: Decimal, rng: random.Random,
    with_uptd: bool, pillars, strategies, tagger, accounts, funding,
) -> tuple[int, int]:
    if BudgetLine.objects.filter(fiscal_year=year, region_id=region, is_demo=True).exists():
        return 0, BudgetLine.objects.filter(fiscal_year=year, region_id=region, is_demo=True).count()
    amounts = iter(_split(total, len(opd_rows) * LINES_PER_OPD, rng))
    served = Decimal("0.9") if year < 2024 else Decimal("0.55")
    lines, tags = [], []
    for index, (code, name, short, bidang, pillar, strategy) in enumerate(opd_rows):
        region_name = "" if region == PROVINCE else f" {Region.objects.get(pk=region).name}"
        opd = _unit(region, code, f"{name}{region_name}", short, UnitKind.OPD)
        sub_units = [opd]
        if with_uptd:
            uptd_code = code[:-4] + "0001"
            sub_units.append(
                _unit(region, uptd_code, UPTD_NAMES[index], UPTD_NAMES[index], UnitKind.UPTD, opd)
            )
        for n in range(LINES_PER_OPD):
            sub_unit = sub_units[n % len(sub_units)]
            pagu = next(amounts)
            realisasi = (pagu * served * Decimal(rng.uniform(0.8, 1.1))).quantize(Decimal(1))
            lines.append(
                BudgetLine(
                    fiscal_year=year, stage=Stage.MURNI, region_id=region, unit=opd,
                    sub_unit=sub_unit,
                    sub_kegiatan=_nomenclature(year, bidang, n),
                    funding_source=funding[n % len(funding)],
                    account=accounts[(index + n) % len(accounts)],
                    pagu=pagu,
                    realisasi=min(realisasi, pagu), origin=LineOrigin.DEMO,
                    pillar=pillars[pillar], strategy=strategies[strategy], is_demo=True,
                )
            )
    BudgetLine.objects.bulk_create(lines, batch_size=500)
    created = list(
        BudgetLine.objects.filter(fiscal_year=year, region_id=region, is_demo=True)
    )
    for line in created:
        tags.append(
            Tag(budget_line=line, pillar_id=line.pillar_id, strategy_id=line.strategy_id,
                source=TagSource.PERSON, reason=DEMO_REASON, created_by=tagger, is_demo=True)
        )
    Tag.objects.bulk_create(tags, batch_size=500)
    return len(created), 0


def _coordination(pillars, strategies, focuses, coordinator, lebak) -> None:
    if Meeting.objects.filter(is_demo=True).exists():
        return
    province_units = {u.short_name: u for u in Unit.objects.filter(region_id=PROVINCE, is_demo=True)}
    meeting = Meeting.objects.create(
        region_id=PROVINCE,
        title="Rakor TKPKD Provinsi Banten (DATA CONTOH)",
        date=datetime.date(2024, 2, 20),
        place="Pendopo Gubernur Banten, Serang",
        participants="Pj Sekda, Kepala Bappeda, 16 OPD Provinsi, TKPK 4 kabupaten dan 4 kota",
        summary=(
            "Menyepakati peta jalan intervensi 2024 dan arah kebijakan: perlindungan "
            "keluarga miskin sementara; pemberdayaan miskin kronis dan pencegahan "
            "kemiskinan baru. (DATA CONTOH)"
        ),
        is_demo=True,
    )
    decisions = [
        Decision.objects.create(
            meeting=meeting, is_demo=True, responsible="Bappeda Provinsi Banten",
            text="Seluruh OPD menandai sub kegiatan kemiskinan ekstrem sesuai Kepmendagri 900.1.15.5-1317/2023.",
            due_date=datetime.date(2024, 3, 31), follow_up_status=FollowUpStatus.DONE,
        ),
        Decision.objects.create(
            meeting=meeting, is_demo=True, responsible="Dinas Sosial",
            text="Padankan data P3KE desil 1 dengan DTKS sebelum penyaluran bansos triwulan II.",
            due_date=datetime.date(2024, 6, 30), follow_up_status=FollowUpStatus.IN_PROGRESS,
        ),
        Decision.objects.create(
            meeting=meeting, is_demo=True, responsible="TKPK Kabupaten Lebak",
            text="Percepat verifikasi rumah tidak layak huni di kantong kemiskinan Lebak selatan.",
            due_date=datetime.date(2024, 9, 30),
        ),
    ]
    for region, title, direction in (
        (PROVINCE, "Peta Jalan Intervensi Kemiskinan Ekstrem Provinsi Banten 2024",
         "Fokus pada desil 1 P3KE: perlindungan sosial tepat sasaran, pemberdayaan "
         "usaha, dan penurunan kantong kemiskinan. (DATA CONTOH)"),
        ("36.02", "Peta Jalan Intervensi Kabupaten Lebak 2024",
         "Menuntaskan rumah tidak layak huni dan akses air minum di kecamatan "
         "termiskin. (DATA CONTOH)"),
    ):
        roadmap = Roadmap.objects.create(
            region_id=region, fiscal_year=2024, title=title, policy_direction=direction,
            is_demo=True,
        )
        actions = [
            ("Penandaan anggaran kemiskinan ekstrem di SIPD", 1, ActionStatus.DONE, 100),
            ("Pemadanan data P3KE dan DTKS", 2, ActionStatus.IN_PROGRESS, 60),
            ("Penyaluran bantuan sosial desil 1", 3, ActionStatus.IN_PROGRESS, 40),
            ("Evaluasi capaian dan laporan triwulan IV", 4, ActionStatus.NOT_STARTED, 0),
        ]
        for title_a, quarter, status, progress in actions:
            RoadmapAction.objects.create(
                roadmap=roadmap, title=f"{title_a} (DATA CONTOH)", target_year=2024,
                target_quarter=quarter, status=status, progress=progress,
                owner_unit=province_units.get("Bappeda") if region == PROVINCE else None,
                pillar=pillars["jaminan_sosial"], strategy=strategies["pengurangan_beban"],
                completed_at=datetime.date(2024, 3, 28) if status == ActionStatus.DONE else None,
                decision=decisions[1] if quarter == 2 else None, is_demo=True,
            )
    interventions = [
        (PROVINCE, "Bantuan Sosial Jaminan Hidup Keluarga Desil 1", "jaminan_sosial",
         "pengurangan_beban", "perlindungan", "Dinsos", "Rumah tangga desil 1 P3KE", 12000, 7400),
        (PROVINCE, "Pelatihan Kerja Berbasis Kompetensi bagi Pemuda Miskin", "budaya_usaha",
         "peningkatan_pendapatan", "pemberdayaan", "Disnakertrans", "Pemuda usia 18-30 dari desil 1-2", 1500, 620),
        (PROVINCE, "Rehabilitasi Rumah Tidak Layak Huni", "kebutuhan_pokok",
         "penurunan_kantong", "perlindungan", "Disperkim", "Rumah tangga miskin ekstrem", 800, 310),
        ("36.02", "Air Minum Perdesaan Lebak Selatan", "kebutuhan_pokok",
         "penurunan_kantong", "pemberdayaan", None, "Desa dengan akses air minum < 50%", 2400, 900),
    ]
    for region, name, pillar, strategy, focus, lead, group, target, reached in interventions:
        intervention = Intervention.objects.create(
            region_id=region, fiscal_year=2024, name=f"{name} (DATA CONTOH)",
            pillar=pillars[pillar], strategy=strategies[strategy], focus=focuses[focus],
            lead_unit=province_units.get(lead) if lead else None, target_group=group,
            beneficiaries_target=target, beneficiaries_reached=reached,
            start_date=datetime.date(2024, 1, 15), end_date=datetime.date(2024, 12, 20),
            status=InterventionStatus.ACTIVE, is_demo=True,
            created_by=lebak if region == "36.02" else coordinator,
        )
        lines = BudgetLine.objects.filter(
            fiscal_year=2024, region_id=region, pillar=pillars[pillar], is_demo=True
        )[:3]
        intervention.budget_lines.set(lines)
        if region == PROVINCE:
            intervention.target_regions.set(Region.objects.filter(code__in=KABKOTA[:4]))
        else:
            intervention.target_regions.set(
                Region.objects.filter(parent_id="36.02").order_by("code")[:3]
            )
    obstacles = [
        ("36.02", "Data P3KE desil 1 belum padan dengan DTKS di 12 desa", ObstacleCategory.DATA,
         ObstacleStatus.OPEN, "Dinas Sosial Provinsi"),
        ("36.02", "Pagu rehabilitasi RTLH tidak cukup untuk seluruh usulan", ObstacleCategory.BUDGET,
         ObstacleStatus.HANDLED, "Bappeda Kabupaten Lebak"),
        ("36.01", "Keterlambatan penetapan penerima bantuan oleh desa", ObstacleCategory.COORDINATION,
         ObstacleStatus.OPEN, "DPMD Kabupaten Pandeglang"),
        (PROVINCE, "Penandaan sub kegiatan di SIPD belum seragam antar OPD", ObstacleCategory.REGULATION,
         ObstacleStatus.RESOLVED, "Bappeda Provinsi Banten"),
    ]
    for region, title, category, status, responsible in obstacles:
        Obstacle.objects.create(
            region_id=region, fiscal_year=2024, title=f"{title} (DATA CONTOH)",
            category=category, status=status, responsible=responsible,
            resolution="Disepakati dalam Rakor Februari 2024." if status == ObstacleStatus.RESOLVED else "",
            resolved_at=datetime.date(2024, 3, 15) if status == ObstacleStatus.RESOLVED else None,
            decision=decisions[0] if status == ObstacleStatus.RESOLVED else None,
            raised_by=lebak if region == "36.02" else coordinator, is_demo=True,
        )


@transaction.atomic
def demo_seed() -> DemoResult:
    """Create the demo users and data; idempotent."""
    # Reference data normally comes from a migration; a flushed database (tests)
    # gets it back here, so the demo never depends on how the tables were emptied.
    reference_ensure(pillar_model=Pillar, focus_model=StrategyFocus, strategy_model=Strategy)
    result = DemoResult(users_created=_users())
    User = get_user_model()
    coordinator = User.objects.get(username="koordinator.provinsi")
    lebak = User.objects.get(username="koordinator.lebak")
    pillars = {p.code: p for p in Pillar.objects.all()}
    strategies = {s.code: s for s in Strategy.objects.all()}
    focuses = {f.code: f for f in StrategyFocus.objects.all()}
    real = real_names()
    accounts = []
    for code in real.accounts:
        # Accounts and funding sources are not versioned by year: the 2024 names.
        account, _ = Account.objects.get_or_create(
            code=code,
            defaults={"name": real.name(2024, "rekening", code), "group": account_group(code),
                      "name_source": NameSource.DEMO},
        )
        accounts.append(account)
    funding = [
        FundingSource.objects.get_or_create(
            code=code, defaults={"name": real.name(2024, "sumber_dana", code),
                                 "name_source": NameSource.DEMO}
        )[0]
        for code in real.funding
    ]
    rng = random.Random(3600)
    common = {"pillars": pillars, "strategies": strategies, "tagger": coordinator,
                  "accounts": accounts, "funding": funding}
    plans = [
        (2023, PROVINCE, OPD, TOTALS[2023], False),
        (2024, PROVINCE, OPD_2024, TOTALS[2024], True),
    ]
    kab_rng = random.Random(3601)
    for code in KABKOTA:
        for year in (2023, 2024):
            total = Decimal(kab_rng.randrange(60, 240)) * Decimal(1_000_000_000)
            plans.append((year, code, KABKOTA_OPD, total, False))
    for year, region, opd_rows, total, with_uptd in plans:
        created, existing = _lines_for(
            year=year, region=region, opd_rows=opd_rows, total=total, rng=rng,
            with_uptd=with_uptd, **common,
        )
        result.lines_created += created
        result.lines_existing += existing
    _coordination(pillars, strategies, focuses, coordinator, lebak)
    # Lines were bulk-created: build their summary rows (budgets.summary).
    from .summary import budget_summary_refresh

    budget_summary_refresh()
    if result.lines_created:
        audit_record(
            user=None, action=AuditAction.BULK, model_label="budgets.BudgetLine",
            object_repr=f"{result.lines_created} baris data contoh", region_code=PROVINCE,
            reason=DEMO_REASON,
        )
    return result
