"""The seeded reference data: the three pillars, the two strategy focuses and the
three Inpres 4/2022 strategies. Data an admin may edit afterwards; this module
only creates what is missing (used by the data migration and by ``seed_demo``).
"""

INPRES = "Inpres 4/2022"
RAKOR = "Rakor TKPKD Banten"

PILLARS = [
    ("kebutuhan_pokok", "Penyediaan Kebutuhan Pokok", "Provision of basic needs", 1),
    ("jaminan_sosial", "Pengembangan Sistem Jaminan Sosial", "Social security system", 2),
    ("budaya_usaha", "Pengembangan Budaya Usaha", "Entrepreneurial culture", 3),
]
FOCUSES = [
    (
        "perlindungan",
        "Perlindungan keluarga dan kelompok masyarakat miskin sementara",
        "Protect families and groups in temporary poverty",
        1,
    ),
    (
        "pemberdayaan",
        "Pemberdayaan masyarakat miskin kronis dan pencegahan kemiskinan baru",
        "Empower the chronically poor and prevent new poverty",
        2,
    ),
]
STRATEGIES = [
    (
        "pengurangan_beban",
        "Pengurangan Beban Pengeluaran Masyarakat",
        "Reduce the spending burden",
        1,
    ),
    ("peningkatan_pendapatan", "Peningkatan Pendapatan Masyarakat", "Raise income", 2),
    (
        "penurunan_kantong",
        "Penurunan Jumlah Kantong-Kantong Kemiskinan",
        "Reduce poverty pockets",
        3,
    ),
]


def reference_ensure(*, pillar_model, focus_model, strategy_model) -> int:
    """Create the missing reference rows; never touches edited ones. Returns
    how many were created."""
    created = 0
    for model, rows, basis in (
        (pillar_model, PILLARS, RAKOR),
        (focus_model, FOCUSES, RAKOR),
        (strategy_model, STRATEGIES, INPRES),
    ):
        for code, name, name_en, order in rows:
            _obj, was_created = model.objects.get_or_create(
                code=code,
                defaults={"name": name, "name_en": name_en, "order": order, "basis": basis},
            )
            created += was_created
    return created
