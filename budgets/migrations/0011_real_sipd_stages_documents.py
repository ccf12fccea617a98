"""Real SIPD exports: stages as ordered codes, summed lines with their detail rows,
realisation per document, the monthly cash plan, name provenance and canonical codes.

Data: stage "pergeseran" becomes "pergeseran-01"; a line's package and package
name become its detail rows (``items``); lines that then share the natural key
(only when two packages of one key were stored) are merged into the first,
their pagu and realisasi summed and their rows kept as items; canonical codes
are filled. SQLite rebuilds the lines table for the new key, which drops its
summary triggers: they are put back as in 0010.
"""

import importlib
from collections import defaultdict
from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


_0004 = importlib.import_module("budgets.migrations.0004_budget_summary_table")


def _canonical(code):
    # The rule of budgets.importers.codes.canonical_account_code, frozen here.
    s = (code or "").strip()
    parts = s.split(".")
    if not s or not all(p.isdigit() for p in parts):
        return s
    return ".".join(str(int(p)) for p in parts)


def forwards(apps, schema_editor):
    BudgetLine = apps.get_model("budgets", "BudgetLine")
    ImportBatch = apps.get_model("budgets", "ImportBatch")
    BudgetSummary = apps.get_model("budgets", "BudgetSummary")
    Account = apps.get_model("budgets", "Account")
    FundingSource = apps.get_model("budgets", "FundingSource")
    Tag = apps.get_model("budgets", "Tag")
    for model in (BudgetLine, ImportBatch, BudgetSummary):
        model.objects.filter(stage="pergeseran").update(stage="pergeseran-01")
    for model in (Account, FundingSource):
        for obj in model.objects.all().only("pk", "code"):
            model.objects.filter(pk=obj.pk).update(canonical_code=_canonical(obj.code))
    groups = defaultdict(list)
    for line in BudgetLine.objects.exclude(package="", package_name="").order_by("pk"):
        line.items = [{"kind": line.package, "code": "", "name": line.package_name,
                       "amount": str(line.pagu), "row": None}]
        line.save(update_fields=["items"])
    for line in BudgetLine.objects.order_by("pk").only(
        "pk", "unit_id", "sub_unit_id", "sub_kegiatan_id", "funding_source_id",
        "account_id", "fiscal_year", "stage",
    ):
        groups[(line.unit_id, line.sub_unit_id, line.sub_kegiatan_id,
                line.funding_source_id, line.account_id, line.fiscal_year,
                line.stage)].append(line.pk)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        lines = list(BudgetLine.objects.filter(pk__in=ids).order_by("pk"))
        keep = lines[0]
        items = []
        for line in lines:
            items += line.items or [{"kind": line.package, "code": "",
                                     "name": line.package_name, "amount": str(line.pagu),
                                     "row": None}]
        keep.pagu = sum((line.pagu for line in lines), Decimal("0"))
        keep.realisasi = sum((line.realisasi for line in lines), Decimal("0"))
        keep.items = items
        keep.save(update_fields=["pagu", "realisasi", "items"])
        others = [line.pk for line in lines[1:]]
        Tag.objects.filter(budget_line_id__in=others).update(budget_line_id=keep.pk)
        BudgetLine.objects.filter(pk__in=others).delete()


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    _0004._run(schema_editor, _0004.SQLITE_DROP + _0004.SQLITE_TRIGGERS)
    _0004._run(
        schema_editor,
        [
            "INSERT OR IGNORE INTO budgets_summarydirty (fiscal_year, region_id) "
            "SELECT DISTINCT fiscal_year, region_id FROM budgets_budgetline"
        ],
    )


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0010_sqlite_summary_triggers_again'),
        ('programs', '0003_intervention_evidence'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CashPlanLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='tahun anggaran')),
                ('stage', models.CharField(choices=[('murni', 'Murni'), ('pergeseran-01', 'Pergeseran ke-1'), ('pergeseran-02', 'Pergeseran ke-2'), ('pergeseran-03', 'Pergeseran ke-3'), ('pergeseran-04', 'Pergeseran ke-4'), ('pergeseran-05', 'Pergeseran ke-5'), ('pergeseran-06', 'Pergeseran ke-6'), ('pergeseran-07', 'Pergeseran ke-7'), ('pergeseran-08', 'Pergeseran ke-8'), ('pergeseran-09', 'Pergeseran ke-9'), ('pergeseran-10', 'Pergeseran ke-10'), ('pergeseran-11', 'Pergeseran ke-11'), ('pergeseran-12', 'Pergeseran ke-12'), ('pergeseran-13', 'Pergeseran ke-13'), ('pergeseran-14', 'Pergeseran ke-14'), ('pergeseran-15', 'Pergeseran ke-15'), ('perubahan', 'Perubahan'), ('perubahan-pergeseran-01', 'Pergeseran setelah perubahan ke-1'), ('perubahan-pergeseran-02', 'Pergeseran setelah perubahan ke-2'), ('perubahan-pergeseran-03', 'Pergeseran setelah perubahan ke-3'), ('perubahan-pergeseran-04', 'Pergeseran setelah perubahan ke-4'), ('perubahan-pergeseran-05', 'Pergeseran setelah perubahan ke-5'), ('perubahan-pergeseran-06', 'Pergeseran setelah perubahan ke-6'), ('perubahan-pergeseran-07', 'Pergeseran setelah perubahan ke-7'), ('perubahan-pergeseran-08', 'Pergeseran setelah perubahan ke-8'), ('perubahan-pergeseran-09', 'Pergeseran setelah perubahan ke-9'), ('perubahan-pergeseran-10', 'Pergeseran setelah perubahan ke-10'), ('perubahan-pergeseran-11', 'Pergeseran setelah perubahan ke-11'), ('perubahan-pergeseran-12', 'Pergeseran setelah perubahan ke-12'), ('perubahan-pergeseran-13', 'Pergeseran setelah perubahan ke-13'), ('perubahan-pergeseran-14', 'Pergeseran setelah perubahan ke-14'), ('perubahan-pergeseran-15', 'Pergeseran setelah perubahan ke-15')], default='murni', max_length=24, verbose_name='tahapan')),
                ('funding_source_name', models.CharField(blank=True, max_length=255, verbose_name='sumber dana')),
                ('total', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='nilai rincian')),
                ('months', models.JSONField(default=list, help_text='Dua belas nilai (Januari..Desember) sebagai teks desimal.', verbose_name='rencana per bulan')),
                ('document_type', models.CharField(blank=True, max_length=40, verbose_name='tipe dokumen')),
            ],
            options={
                'verbose_name': 'anggaran kas',
                'verbose_name_plural': 'anggaran kas',
                'ordering': ['fiscal_year', 'region_id', 'unit_id', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ImportRecordChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('model', models.CharField(max_length=40, verbose_name='jenis data')),
                ('record_id', models.BigIntegerField(verbose_name='id data')),
                ('action', models.CharField(choices=[('created', 'Baru'), ('updated', 'Berubah'), ('removed', 'Dihapus')], max_length=8, verbose_name='tindakan')),
                ('before', models.JSONField(blank=True, null=True, verbose_name='sebelum')),
            ],
            options={
                'verbose_name': 'perubahan data oleh impor',
                'verbose_name_plural': 'perubahan data oleh impor',
            },
        ),
        migrations.CreateModel(
            name='RealisationDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='tahun anggaran')),
                ('document_number', models.CharField(max_length=120, verbose_name='nomor dokumen')),
                ('document_kind', models.CharField(blank=True, max_length=20, verbose_name='jenis dokumen')),
                ('transaction_kind', models.CharField(blank=True, max_length=20, verbose_name='jenis transaksi')),
                ('document_date', models.DateField(blank=True, null=True, verbose_name='tanggal dokumen')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='nilai realisasi')),
                ('refund', models.DecimalField(decimal_places=2, default=0, max_digits=18, verbose_name='nilai setoran')),
                ('apbd_stage', models.CharField(blank=True, max_length=60, verbose_name='tahapan APBD')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dibuat')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='diubah')),
            ],
            options={
                'verbose_name': 'dokumen realisasi',
                'verbose_name_plural': 'dokumen realisasi',
                'ordering': ['fiscal_year', 'region_id', 'document_date', 'id'],
            },
        ),
        migrations.AddField(
            model_name='account',
            name='canonical_code',
            field=models.CharField(db_index=True, default='', editable=False, help_text='Kode tanpa nol di depan tiap bagian: 5.1.02.03.03.0001 dan 5.1.02.03.003.00001 adalah rekening yang sama.', max_length=40, verbose_name='kode baku'),
        ),
        migrations.AddField(
            model_name='account',
            name='name_source',
            field=models.CharField(choices=[('sipd', 'File SIPD'), ('manual', 'Diketik manual'), ('demo', 'Data contoh')], default='manual', max_length=8, verbose_name='asal nama'),
        ),
        migrations.AddField(
            model_name='budgetline',
            name='items',
            field=models.JSONField(blank=True, default=list, help_text='Baris berkas SIPD yang dijumlahkan menjadi baris ini (paket/kelompok, standar harga) dengan nilainya.', verbose_name='rincian'),
        ),
        migrations.AddField(
            model_name='fundingsource',
            name='canonical_code',
            field=models.CharField(db_index=True, default='', editable=False, help_text='Kode tanpa nol di depan tiap bagian: kode yang sama yang ditulis dengan lebar bagian lain pada tahun lain.', max_length=40, verbose_name='kode baku'),
        ),
        migrations.AddField(
            model_name='fundingsource',
            name='name_source',
            field=models.CharField(choices=[('sipd', 'File SIPD'), ('manual', 'Diketik manual'), ('demo', 'Data contoh')], default='manual', max_length=8, verbose_name='asal nama'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='stage_chosen',
            field=models.BooleanField(default=True, help_text='Tidak dicentang: tahapan dibaca dari kolom TAHAPAN berkas.', verbose_name='tahapan dipilih pengunggah'),
        ),
        migrations.AddField(
            model_name='nomenclature',
            name='name_source',
            field=models.CharField(choices=[('sipd', 'File SIPD'), ('manual', 'Diketik manual'), ('demo', 'Data contoh')], default='manual', max_length=8, verbose_name='asal nama'),
        ),
        migrations.AddField(
            model_name='unit',
            name='name_source',
            field=models.CharField(choices=[('sipd', 'File SIPD'), ('manual', 'Diketik manual'), ('demo', 'Data contoh')], default='manual', max_length=8, verbose_name='asal nama'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='stage',
            field=models.CharField(choices=[('murni', 'Murni'), ('pergeseran-01', 'Pergeseran ke-1'), ('pergeseran-02', 'Pergeseran ke-2'), ('pergeseran-03', 'Pergeseran ke-3'), ('pergeseran-04', 'Pergeseran ke-4'), ('pergeseran-05', 'Pergeseran ke-5'), ('pergeseran-06', 'Pergeseran ke-6'), ('pergeseran-07', 'Pergeseran ke-7'), ('pergeseran-08', 'Pergeseran ke-8'), ('pergeseran-09', 'Pergeseran ke-9'), ('pergeseran-10', 'Pergeseran ke-10'), ('pergeseran-11', 'Pergeseran ke-11'), ('pergeseran-12', 'Pergeseran ke-12'), ('pergeseran-13', 'Pergeseran ke-13'), ('pergeseran-14', 'Pergeseran ke-14'), ('pergeseran-15', 'Pergeseran ke-15'), ('perubahan', 'Perubahan'), ('perubahan-pergeseran-01', 'Pergeseran setelah perubahan ke-1'), ('perubahan-pergeseran-02', 'Pergeseran setelah perubahan ke-2'), ('perubahan-pergeseran-03', 'Pergeseran setelah perubahan ke-3'), ('perubahan-pergeseran-04', 'Pergeseran setelah perubahan ke-4'), ('perubahan-pergeseran-05', 'Pergeseran setelah perubahan ke-5'), ('perubahan-pergeseran-06', 'Pergeseran setelah perubahan ke-6'), ('perubahan-pergeseran-07', 'Pergeseran setelah perubahan ke-7'), ('perubahan-pergeseran-08', 'Pergeseran setelah perubahan ke-8'), ('perubahan-pergeseran-09', 'Pergeseran setelah perubahan ke-9'), ('perubahan-pergeseran-10', 'Pergeseran setelah perubahan ke-10'), ('perubahan-pergeseran-11', 'Pergeseran setelah perubahan ke-11'), ('perubahan-pergeseran-12', 'Pergeseran setelah perubahan ke-12'), ('perubahan-pergeseran-13', 'Pergeseran setelah perubahan ke-13'), ('perubahan-pergeseran-14', 'Pergeseran setelah perubahan ke-14'), ('perubahan-pergeseran-15', 'Pergeseran setelah perubahan ke-15')], default='murni', max_length=24, verbose_name='tahapan'),
        ),
        migrations.AlterField(
            model_name='budgetsummary',
            name='stage',
            field=models.CharField(max_length=24, verbose_name='tahapan'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='kind',
            field=models.CharField(blank=True, choices=[('rekap', 'Rekap pagu'), ('realisasi', 'Realisasi per dokumen'), ('rak', 'Anggaran kas (DPA/RAK)')], max_length=10, verbose_name='jenis'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='stage',
            field=models.CharField(choices=[('murni', 'Murni'), ('pergeseran-01', 'Pergeseran ke-1'), ('pergeseran-02', 'Pergeseran ke-2'), ('pergeseran-03', 'Pergeseran ke-3'), ('pergeseran-04', 'Pergeseran ke-4'), ('pergeseran-05', 'Pergeseran ke-5'), ('pergeseran-06', 'Pergeseran ke-6'), ('pergeseran-07', 'Pergeseran ke-7'), ('pergeseran-08', 'Pergeseran ke-8'), ('pergeseran-09', 'Pergeseran ke-9'), ('pergeseran-10', 'Pergeseran ke-10'), ('pergeseran-11', 'Pergeseran ke-11'), ('pergeseran-12', 'Pergeseran ke-12'), ('pergeseran-13', 'Pergeseran ke-13'), ('pergeseran-14', 'Pergeseran ke-14'), ('pergeseran-15', 'Pergeseran ke-15'), ('perubahan', 'Perubahan'), ('perubahan-pergeseran-01', 'Pergeseran setelah perubahan ke-1'), ('perubahan-pergeseran-02', 'Pergeseran setelah perubahan ke-2'), ('perubahan-pergeseran-03', 'Pergeseran setelah perubahan ke-3'), ('perubahan-pergeseran-04', 'Pergeseran setelah perubahan ke-4'), ('perubahan-pergeseran-05', 'Pergeseran setelah perubahan ke-5'), ('perubahan-pergeseran-06', 'Pergeseran setelah perubahan ke-6'), ('perubahan-pergeseran-07', 'Pergeseran setelah perubahan ke-7'), ('perubahan-pergeseran-08', 'Pergeseran setelah perubahan ke-8'), ('perubahan-pergeseran-09', 'Pergeseran setelah perubahan ke-9'), ('perubahan-pergeseran-10', 'Pergeseran setelah perubahan ke-10'), ('perubahan-pergeseran-11', 'Pergeseran setelah perubahan ke-11'), ('perubahan-pergeseran-12', 'Pergeseran setelah perubahan ke-12'), ('perubahan-pergeseran-13', 'Pergeseran setelah perubahan ke-13'), ('perubahan-pergeseran-14', 'Pergeseran setelah perubahan ke-14'), ('perubahan-pergeseran-15', 'Pergeseran setelah perubahan ke-15')], default='murni', max_length=24, verbose_name='tahapan'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='budgetline',
            name='budget_line_natural_key',
        ),
        migrations.RemoveField(
            model_name='budgetline',
            name='package',
        ),
        migrations.RemoveField(
            model_name='budgetline',
            name='package_name',
        ),
        migrations.AddConstraint(
            model_name='budgetline',
            constraint=models.UniqueConstraint(fields=('unit', 'sub_unit', 'sub_kegiatan', 'funding_source', 'account', 'fiscal_year', 'stage'), name='budget_line_natural_key', violation_error_message='Baris anggaran dengan tahun, tahapan, unit, sub unit, sub kegiatan, sumber dana dan rekening yang sama sudah ada.'),
        ),
        migrations.AddField(
            model_name='cashplanline',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.account', verbose_name='kode rekening'),
        ),
        migrations.AddField(
            model_name='cashplanline',
            name='import_batch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.importbatch', verbose_name='batch impor'),
        ),
        migrations.AddField(
            model_name='cashplanline',
            name='region',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='regions.region', verbose_name='wilayah'),
        ),
        migrations.AddField(
            model_name='cashplanline',
            name='sub_kegiatan',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.nomenclature', verbose_name='sub kegiatan'),
        ),
        migrations.AddField(
            model_name='cashplanline',
            name='sub_unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sub_unit_cash_plan_lines', to='budgets.unit', verbose_name='sub unit'),
        ),
        migrations.AddField(
            model_name='cashplanline',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.unit', verbose_name='perangkat daerah'),
        ),
        migrations.AddField(
            model_name='importrecordchange',
            name='batch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='record_changes', to='budgets.importbatch', verbose_name='batch impor'),
        ),
        migrations.AddField(
            model_name='realisationdocument',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='budgets.account', verbose_name='kode rekening'),
        ),
        migrations.AddField(
            model_name='realisationdocument',
            name='import_batch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='budgets.importbatch', verbose_name='batch impor'),
        ),
        migrations.AddField(
            model_name='realisationdocument',
            name='region',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='regions.region', verbose_name='wilayah'),
        ),
        migrations.AddField(
            model_name='realisationdocument',
            name='sub_kegiatan',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='budgets.nomenclature', verbose_name='sub kegiatan'),
        ),
        migrations.AddField(
            model_name='realisationdocument',
            name='sub_unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sub_unit_realisation_documents', to='budgets.unit', verbose_name='sub unit'),
        ),
        migrations.AddField(
            model_name='realisationdocument',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='budgets.unit', verbose_name='perangkat daerah'),
        ),
        migrations.AddIndex(
            model_name='cashplanline',
            index=models.Index(fields=['region', 'fiscal_year', 'stage'], name='cashplan_scope', opclasses=['varchar_pattern_ops', 'int2_ops', 'varchar_ops']),
        ),
        migrations.AddConstraint(
            model_name='cashplanline',
            constraint=models.UniqueConstraint(fields=('region', 'fiscal_year', 'stage', 'sub_unit', 'sub_kegiatan', 'account', 'funding_source_name'), name='cash_plan_key'),
        ),
        migrations.AddIndex(
            model_name='realisationdocument',
            index=models.Index(fields=['region', 'fiscal_year'], name='document_region_year', opclasses=['varchar_pattern_ops', 'int2_ops']),
        ),
        migrations.AddConstraint(
            model_name='realisationdocument',
            constraint=models.UniqueConstraint(fields=('region', 'fiscal_year', 'sub_unit', 'sub_kegiatan', 'account', 'document_number'), name='realisation_document_key', violation_error_message='Dokumen dengan nomor, sub unit, sub kegiatan dan rekening yang sama sudah tersimpan.'),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
