"""The parents of lines and realisation documents, and the reference data of
cash plan lines, are checked by the writes, set-based (see BudgetLine), not by
PostgreSQL row by row. SQLite rebuilds the tables for it, which drops the lines
table's summary triggers: they are put back as in 0010. Also: the "discarded"
batch status."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_0010 = importlib.import_module("budgets.migrations.0010_sqlite_summary_triggers_again")


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0011_real_sipd_stages_documents'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='budgetline',
            name='account',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='budget_lines', to='budgets.account', verbose_name='kode rekening'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='funding_source',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='budget_lines', to='budgets.fundingsource', verbose_name='sumber dana'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='import_batch',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='budgets.importbatch', verbose_name='batch impor'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='region',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='budget_lines', to='regions.region', verbose_name='wilayah'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='sub_kegiatan',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='budget_lines', to='budgets.nomenclature', verbose_name='sub kegiatan'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='sub_unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sub_unit_budget_lines', to='budgets.unit', verbose_name='sub unit'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='budget_lines', to='budgets.unit', verbose_name='perangkat daerah'),
        ),
        migrations.AlterField(
            model_name='cashplanline',
            name='account',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.account', verbose_name='kode rekening'),
        ),
        migrations.AlterField(
            model_name='cashplanline',
            name='sub_kegiatan',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.nomenclature', verbose_name='sub kegiatan'),
        ),
        migrations.AlterField(
            model_name='cashplanline',
            name='sub_unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sub_unit_cash_plan_lines', to='budgets.unit', verbose_name='sub unit'),
        ),
        migrations.AlterField(
            model_name='cashplanline',
            name='unit',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='cash_plan_lines', to='budgets.unit', verbose_name='perangkat daerah'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('pending', 'Menunggu'), ('parsing', 'Membaca berkas'), ('preview', 'Pratinjau'), ('committing', 'Menyimpan'), ('committed', 'Tersimpan'), ('rejected', 'Ditolak'), ('failed', 'Gagal'), ('rolled_back', 'Dibatalkan'), ('discarded', 'Dibuang')], db_index=True, default='pending', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='realisationdocument',
            name='account',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='budgets.account', verbose_name='kode rekening'),
        ),
        migrations.AlterField(
            model_name='realisationdocument',
            name='import_batch',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='budgets.importbatch', verbose_name='batch impor'),
        ),
        migrations.AlterField(
            model_name='realisationdocument',
            name='region',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='regions.region', verbose_name='wilayah'),
        ),
        migrations.AlterField(
            model_name='realisationdocument',
            name='sub_kegiatan',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='budgets.nomenclature', verbose_name='sub kegiatan'),
        ),
        migrations.AlterField(
            model_name='realisationdocument',
            name='sub_unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sub_unit_realisation_documents', to='budgets.unit', verbose_name='sub unit'),
        ),
        migrations.AlterField(
            model_name='realisationdocument',
            name='unit',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='realisation_documents', to='budgets.unit', verbose_name='perangkat daerah'),
        ),
        migrations.RunPython(_0010.sqlite_triggers, migrations.RunPython.noop),
    ]
