"""The bulk line writer of the import commit on PostgreSQL (budgets.line_bulk):
the same lines, summary and foreign keys whether row checks are switched off
for the insert (set-based parent check) or not (a role without the privilege)."""

from decimal import Decimal

import pytest

from django.db import connection, transaction
from django.db.models import Sum

from budgets import line_bulk
from budgets.models import (
    BudgetLine,
    BudgetSummary,
    ImportLineChange,
    ImportStatus,
    Unit,
)

from .import_helpers import line_state, sample_path, upload

on_postgres = [pytest.mark.django_db, pytest.mark.postgres]


def _foreign_keys() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [BudgetLine._meta.db_table],
        )
        return cur.fetchall()


def _summary_matches_lines() -> None:
    lines = BudgetLine.objects.aggregate(p=Sum("pagu"))["p"]
    summary = BudgetSummary.objects.aggregate(p=Sum("pagu"))["p"]
    assert lines == summary == Decimal("25000000000")


@pytest.fixture
def spy_bulk(monkeypatch):
    seen = []
    real = line_bulk._bulk_mode

    def spy(cur):
        seen.append(real(cur))
        return seen[-1]

    monkeypatch.setattr(line_bulk, "_bulk_mode", spy)
    return seen


@on_postgres[0]
@on_postgres[1]
def test_a_superuser_role_inserts_without_row_checks_and_keeps_every_constraint(
    data_staff, spy_bulk
):
    keys_before = _foreign_keys()
    batch = upload(data_staff, sample_path(), commit=True)
    assert batch.status == ImportStatus.COMMITTED and batch.created == 60
    assert spy_bulk == [True]
    assert _foreign_keys() == keys_before  # nothing dropped, nothing left NOT VALID
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        assert cur.fetchone()[0] == "origin"  # switched back after the insert
    runs = ImportLineChange.objects.filter(batch=batch, action="created")
    assert runs.count() == 1  # one insert: one run of consecutive ids
    assert sorted(runs.get().line_ids) == sorted(
        BudgetLine.objects.values_list("pk", flat=True))
    _summary_matches_lines()


@on_postgres[0]
@on_postgres[1]
def test_a_role_without_the_privilege_gets_row_checks_and_the_same_result(
    data_staff, spy_bulk
):
    """A plain role (not superuser, no GRANT SET ON PARAMETER) commits the same lines."""
    with connection.cursor() as cur:
        cur.execute("CREATE ROLE tkpkd_test_plain NOLOGIN")  # rolled back with the test
        cur.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO tkpkd_test_plain")
        cur.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO tkpkd_test_plain")
        cur.execute("SELECT current_database()")
        cur.execute(f'GRANT TEMP ON DATABASE "{cur.fetchone()[0]}" TO tkpkd_test_plain')
        cur.execute("SET ROLE tkpkd_test_plain")
    try:
        batch = upload(data_staff, sample_path(), commit=True)
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")
    assert spy_bulk == [False]
    assert batch.status == ImportStatus.COMMITTED and batch.created == 60
    _summary_matches_lines()


@on_postgres[0]
@on_postgres[1]
def test_both_paths_write_identical_lines(data_staff, monkeypatch):
    upload(data_staff, sample_path(), commit=True)
    fast = [row[1:] for row in line_state()]  # without ids
    BudgetSummary.objects.all().delete()
    ImportLineChange.objects.all().delete()
    BudgetLine.objects.all().delete()
    monkeypatch.setattr(line_bulk, "_bulk_mode", lambda cur: False)
    upload(data_staff, sample_path(), commit=True)
    slow = [row[1:] for row in line_state()]
    strip = [
        i - 1 for i, f in enumerate(BudgetLine._meta.concrete_fields)
        if f.attname in {"id", "import_batch_id", "created_at", "updated_at"}
    ]

    def same(rows):
        return [tuple(v for i, v in enumerate(r) if i not in strip) for r in rows]
    assert same(fast) == same(slow)


@on_postgres[0]
@on_postgres[1]
def test_a_parent_gone_before_the_insert_refuses_the_whole_write(data_staff):
    batch = upload(data_staff, sample_path(), commit=True)
    line = BudgetLine.objects.first()
    before = BudgetLine.objects.count()
    missing_unit = Unit.objects.order_by("-pk").first().pk + 1000
    columns = [[missing_unit], [line.sub_unit_id], [line.sub_kegiatan_id],
               [line.funding_source_id], [line.account_id], ["X-1"], [""],
               [Decimal("1.00")], [Decimal("0.00")]]
    parents = {
        "units": {missing_unit, line.sub_unit_id}, "nomenclature": {line.sub_kegiatan_id},
        "funding_sources": {line.funding_source_id}, "accounts": {line.account_id},
        "region": line.region_id, "batch": batch.pk,
    }
    with pytest.raises(line_bulk.MissingParent, match="budgets_unit"):
        with transaction.atomic():
            line_bulk.lines_write_pg(
                batch_id=batch.pk, region_id=line.region_id, fiscal_year=line.fiscal_year,
                stage=line.stage, columns=columns, parents=parents, set_realisasi=False,
            )
    assert BudgetLine.objects.count() == before


def test_the_copy_stream_gives_every_row_once_whatever_the_read_size():
    import csv
    import io

    n = 12_345
    columns = [
        list(range(n)),
        [f"paket, \"{i % 7}\"" for i in range(n)],
        ["" if i % 3 else "a\nb" for i in range(n)],
        [Decimal(i) / 100 for i in range(n)],
        [None] * n,
    ]
    stream = line_bulk.CopyColumns(columns, chunk_rows=1000)
    parts = []
    while chunk := stream.read(7919):
        parts.append(chunk)
    rows = list(csv.reader(io.StringIO("".join(parts))))
    assert len(rows) == n
    assert rows[-1] == ["12344", 'paket, "3"', "", "123.44", ""]
    assert rows[0] == ["0", 'paket, "0"', "a\nb", "0", ""]
    # Texts are quoted (an empty text is a string, not NULL); None is NULL.
    assert "".join(parts).endswith('12344,"paket, ""3""","",123.44,\n')


def test_id_runs_cover_exactly_the_ids():
    from budgets.models import id_runs

    assert id_runs([]) == []
    assert id_runs([7]) == [(7, 7)]
    assert id_runs([5, 3, 4, 9, 10, 12]) == [(3, 5), (9, 10), (12, 12)]


@on_postgres[0]
@on_postgres[1]
def test_a_parent_deleted_during_the_commit_refuses_the_batch_with_a_message(
    data_staff, monkeypatch
):
    from budgets import imports

    batch = upload(data_staff, sample_path())
    real = line_bulk._lock_parents

    def gone(cur, parents):
        parents = dict(parents, accounts=set(parents["accounts"]) | {10**12})
        return real(cur, parents)

    monkeypatch.setattr(line_bulk, "_lock_parents", gone)
    with pytest.raises(imports.ImportRefused) as exc:
        imports.import_batch_commit(user=data_staff, batch=batch)
    assert "tidak ada yang tersimpan" in exc.value.message
    assert exc.value.status == 409
    assert BudgetLine.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW  # can be committed again


@pytest.mark.django_db
def test_a_key_taken_meanwhile_refuses_the_batch_with_a_message(data_staff, monkeypatch):
    """A line entered by hand with the same natural key while the commit ran."""
    from django.db import IntegrityError

    from budgets import imports

    batch = upload(data_staff, sample_path())

    def taken(**kwargs):
        raise IntegrityError('duplicate key value violates "budget_line_natural_key"')

    monkeypatch.setattr(imports, "lines_write_pg", taken)
    monkeypatch.setattr(imports, "_write_lines_orm", lambda *a, **k: taken())
    with pytest.raises(imports.ImportRefused) as exc:
        imports.import_batch_commit(user=data_staff, batch=batch)
    assert "Simpan ulang" in exc.value.message and exc.value.status == 409
    assert BudgetLine.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW
