"""Synthetic demo data ("data contoh") that reproduces the Rakor TKPKD headline figures.

- APBD Provinsi Banten 2023: exactly Rp2.200.000.000.000 over 16 OPD;
- APBD Provinsi Banten 2024: exactly Rp1.700.000.000.000 over 9 OPD and 9 UPTD;
- smaller synthetic budgets for the 8 kabupaten/kota (2023 and 2024), so the
  map and the convergence matrix have something to show;
- interventions, roadmaps with actions, obstacles and one Rakor meeting.

Every record is flagged ``is_demo`` and every name says "DATA CONTOH" where it is
shown. All amounts are made up. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

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

from .codes import account_group
from .models import (
    Account,
    BudgetLine,
    FundingSource,
    LineOrigin,
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

# SKPD code, name, short name, bidang, pillar, strategy, sub kegiatan suffixes
OPD = [
    ("1.06.0.00.0.00.01.0000", "Dinas Sosial", "Dinsos", "1.06", "jaminan_sosial", "pengurangan_beban"),
    ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "Dinkes", "1.02", "jaminan_sosial", "pengurangan_beban"),
    ("1.04.0.00.0.00.01.0000", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "Disperkim", "1.04", "kebutuhan_pokok", "penurunan_kantong"),
    ("2.07.0.00.0.00.01.0000", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans", "2.07", "budaya_usaha", "peningkatan_pendapatan"),
    ("2.09.0.00.0.00.01.0000", "Dinas Ketahanan Pangan", "DKP", "2.09", "kebutuhan_pokok", "pengurangan_beban"),
    ("2.13.0.00.0.00.01.0000", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", "2.13", "budaya_usaha", "peningkatan_pendapatan"),
    ("2.17.0.00.0.00.01.0000", "Dinas Koperasi dan UKM", "Dinkop UKM", "2.17", "budaya_usaha", "peningkatan_pendapatan"),
    ("3.27.0.00.0.00.01.0000", "Dinas Pertanian", "Distan", "3.27", "budaya_usaha", "peningkatan_pendapatan"),
    ("3.25.0.00.0.00.01.0000", "Dinas Kelautan dan Perikanan", "DKP Kelautan", "3.25", "budaya_usaha", "peningkatan_pendapatan"),
    ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan dan Kebudayaan", "Dindikbud", "1.01", "jaminan_sosial", "pengurangan_beban"),
    ("1.03.0.00.0.00.01.0000", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "1.03", "kebutuhan_pokok", "penurunan_kantong"),
    ("2.08.0.00.0.00.01.0000", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3AKKB", "2.08", "jaminan_sosial", "pengurangan_beban"),
    ("2.12.0.00.0.00.01.0000", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "2.12", "jaminan_sosial", "pengurangan_beban"),
    ("3.31.0.00.0.00.01.0000", "Dinas Perindustrian dan Perdagangan", "Disperindag", "3.31", "budaya_usaha", "peningkatan_pendapatan"),
    ("5.01.0.00.0.00.01.0000", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "5.01", "kebutuhan_pokok", "penurunan_kantong"),
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
PROGRAM_BY_BIDANG = {
    "1.06": ("05", "Program Perlindungan dan Jaminan Sosial"),
    "1.02": ("02", "Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya Kesehatan Masyarakat"),
    "1.04": ("02", "Program Pengembangan Perumahan"),
    "2.07": ("03", "Program Pelatihan Kerja dan Produktivitas Tenaga Kerja"),
    "2.09": ("02", "Program Peningkatan Diversifikasi dan Ketahanan Pangan Masyarakat"),
    "2.13": ("05", "Program Pemberdayaan Lembaga Kemasyarakatan, Lembaga Adat dan Masyarakat Hukum Adat"),
    "2.17": ("07", "Program Pemberdayaan Usaha Menengah, Usaha Kecil, dan Usaha Mikro"),
    "3.27": ("03", "Program Penyediaan dan Pengembangan Prasarana Pertanian"),
    "3.25": ("03", "Program Pengelolaan Perikanan Tangkap"),
    "1.01": ("02", "Program Pengelolaan Pendidikan"),
    "1.03": ("05", "Program Pengelolaan dan Pengembangan Sistem Penyediaan Air Minum"),
    "2.08": ("02", "Program Pemberdayaan Perempuan"),
    "2.12": ("02", "Program Pendaftaran Penduduk"),
    "3.31": ("03", "Program Pengembangan Industri"),
    "5.01": ("02", "Program Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah"),
    "3.26": ("02", "Program Peningkatan Daya Tarik Destinasi Pariwisata"),
}
BIDANG_NAMES = {
    "1.01": "Pendidikan", "1.02": "Kesehatan", "1.03": "Pekerjaan Umum dan Penataan Ruang",
    "1.04": "Perumahan dan Kawasan Permukiman", "1.06": "Sosial", "2.07": "Tenaga Kerja",
    "2.08": "Pemberdayaan Perempuan dan Perlindungan Anak", "2.09": "Pangan",
    "2.12": "Administrasi Kependudukan dan Pencatatan Sipil",
    "2.13": "Pemberdayaan Masyarakat dan Desa", "2.17": "Koperasi, Usaha Kecil, dan Menengah",
    "3.25": "Kelautan dan Perikanan", "3.26": "Pariwisata", "3.27": "Pertanian",
    "3.31": "Perindustrian", "5.01": "Perencanaan",
}
URUSAN_NAMES = {
    "1": "Urusan Pemerintahan Wajib yang Berkaitan dengan Pelayanan Dasar",
    "2": "Urusan Pemerintahan Wajib yang Tidak Berkaitan dengan Pelayanan Dasar",
    "3": "Urusan Pemerintahan Pilihan",
    "5": "Unsur Penunjang Urusan Pemerintahan",
}
ACCOUNTS = [
    ("5.1.06.01.01.0001", "Belanja Bantuan Sosial Uang kepada Individu"),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"),
    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi"),
    ("5.1.02.03.02.0035", "Belanja Pemeliharaan Bangunan Gedung"),
    ("5.2.03.01.01.0001", "Belanja Modal Bangunan Gedung Tempat Tinggal"),
]
FUNDING = [("1.1", "Pendapatan Asli Daerah"), ("2.1", "Dana Alokasi Umum")]
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


def _nomenclature(year: int, bidang: str, level_digit: str, seq: int) -> Nomenclature:
    urusan = bidang.split(".")[0]
    prog_no, prog_name = PROGRAM_BY_BIDANG[bidang]
    chain = [
        ("urusan", urusan, URUSAN_NAMES[urusan]),
        ("bidang", bidang, BIDANG_NAMES[bidang]),
        ("program", f"{bidang}.{prog_no}", prog_name),
        (
            "kegiatan",
            f"{bidang}.{prog_no}.{level_digit}.01",
            f"Kegiatan Penanggulangan Kemiskinan {BIDANG_NAMES[bidang]} (DATA CONTOH)",
        ),
    ]
    parent = None
    for level, code, name in chain:
        parent, _ = Nomenclature.objects.get_or_create(
            fiscal_year=year, level=level, code=code,
            defaults={"name": name, "parent": parent},
        )
    code = f"{bidang}.{prog_no}.{level_digit}.01.{seq:04d}"
    node, _ = Nomenclature.objects.get_or_create(
        fiscal_year=year, level="sub_kegiatan", code=code,
        defaults={
            "name": f"Sub Kegiatan Contoh {seq} {BIDANG_NAMES[bidang]} (DATA CONTOH)",
            "parent": parent,
        },
    )
    return node


def _unit(region: str, code: str, name: str, short: str, kind: str, parent=None) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        region_id=region, code=code,
        defaults={"name": name, "short_name": short, "kind": kind, "parent": parent,
                  "is_demo": True},
    )
    return unit


def _lines_for(
    *, year: int, region: str, opd_rows, total: Decimal, rng: random.Random, level: str,
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
                    sub_kegiatan=_nomenclature(year, bidang, level, n + 1),
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
    accounts = []
    for code, name in ACCOUNTS:
        account, _ = Account.objects.get_or_create(
            code=code, defaults={"name": name, "group": account_group(code)}
        )
        accounts.append(account)
    funding = [
        FundingSource.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in FUNDING
    ]
    rng = random.Random(3600)
    common = {"pillars": pillars, "strategies": strategies, "tagger": coordinator,
                  "accounts": accounts, "funding": funding}
    plans = [
        (2023, PROVINCE, OPD, TOTALS[2023], "1", False),
        (2024, PROVINCE, OPD_2024, TOTALS[2024], "1", True),
    ]
    kab_rng = random.Random(3601)
    for code in KABKOTA:
        for year in (2023, 2024):
            total = Decimal(kab_rng.randrange(60, 240)) * Decimal(1_000_000_000)
            plans.append((year, code, KABKOTA_OPD, total, "2", False))
    for year, region, opd_rows, total, level, with_uptd in plans:
        created, existing = _lines_for(
            year=year, region=region, opd_rows=opd_rows, total=total, rng=rng,
            level=level, with_uptd=with_uptd, **common,
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
