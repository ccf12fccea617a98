"""Seed the three pillars, the two strategy focuses and the Inpres 4/2022 strategies.

They are data, editable by an admin; this migration only creates them once.
"""

from django.db import migrations

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


def seed(apps, schema_editor):
    for model_name, rows, basis in (
        ("Pillar", PILLARS, RAKOR),
        ("StrategyFocus", FOCUSES, RAKOR),
        ("Strategy", STRATEGIES, INPRES),
    ):
        model = apps.get_model("programs", model_name)
        for code, name, name_en, order in rows:
            model.objects.get_or_create(
                code=code,
                defaults={"name": name, "name_en": name_en, "order": order, "basis": basis},
            )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
