"""The bulk line writer of the import commit on PostgreSQL (budgets.line_bulk):
a plain database role, every foreign key checked by PostgreSQL, the same lines
as the portable writer, and a clear refusal when a parent is gone."""

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


def _plain_role(cur) -> None:
    """A role that is no superuser and has no grant beyond its tables (rolled back
    with the test)."""
    cur.execute("CREATE ROLE tkpkd_test_plain NOLOGIN")
    cur.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO tkpkd_test_plain")
    cur.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO tkpkd_test_plain")
    cur.execute("SELECT current_database()")
    cur.execute(f'GRANT TEMP ON DATABASE "{cur.fetchone()[0]}" TO tkpkd_test_plain')
    cur.execute("SET ROLE tkpkd_test_plain")


@on_postgres[0]
@on_postgres[1]
def test_a_plain_role_commits_with_every_foreign_key_checked(data_staff):
    """No superuser, no special grant: the import never changes the replication
    role, and every foreign key of the lines table stays as it is."""
    keys_before = _foreign_keys()
    with connection.cursor() as cur:
        _plain_role(cur)
    try:
        batch = upload(data_staff, sample_path(), commit=True)
        with connection.cursor() as cur:
            cur.execute("SHOW session_replication_role")
            assert cur.fetchone()[0] == "origin"
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")
    assert batch.status == ImportStatus.COMMITTED and batch.created == 60
    assert _foreign_keys() == keys_before
    runs = ImportLineChange.objects.filter(batch=batch, action="created")
    assert runs.count() == 1  # one insert: one run of consecutive ids
    assert sorted(runs.get().line_ids) == sorted(
        BudgetLine.objects.values_list("pk", flat=True))
    _summary_matches_lines()


@on_postgres[0]
@on_postgres[1]
def test_the_postgres_and_portable_writers_give_identical_lines(data_staff, monkeypatch):
    from budgets.imports import commit

    upload(data_staff, sample_path(), commit=True)
    fast = [row[1:] for row in line_state()]
    BudgetSummary.objects.all().delete()
    ImportLineChange.objects.all().delete()
    BudgetLine.objects.all().delete()
    monkeypatch.setattr(commit.connection, "vendor", "sqlite")
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
    """Reference rows are checked set-based and locked before the insert."""
    batch = upload(data_staff, sample_path(), commit=True)
    line = BudgetLine.objects.first()
    missing_unit = Unit.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(line_bulk.MissingParent, match="budgets_unit"):
        with transaction.atomic():
            line_bulk.lock_parents({Unit: {missing_unit, line.sub_unit_id}})
    assert batch.status == ImportStatus.COMMITTED


@on_postgres[0]
@on_postgres[1]
def test_a_referenced_unit_cannot_be_deleted_through_django(data_staff):
    """Without a database key on the reference data, the ORM's PROTECT still
    refuses to delete a unit, code or account that lines name."""
    from django.db.models import ProtectedError

    upload(data_staff, sample_path(), commit=True)
    line = BudgetLine.objects.select_related("unit", "account").first()
    with pytest.raises(ProtectedError):
        line.account.delete()
    with pytest.raises(ProtectedError):
        Unit.objects.filter(pk=line.sub_unit_id).delete()


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
    from budgets.imports import commit

    batch = upload(data_staff, sample_path())
    real = commit._id_columns

    def gone(refs, lines):
        unit, sub_unit, sub_kegiatan, source, account = real(refs, lines)
        return unit, sub_unit, sub_kegiatan, source, [10**12] * len(account)

    monkeypatch.setattr(commit, "_id_columns", gone)
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
    from budgets.imports import commit

    batch = upload(data_staff, sample_path())

    def taken(**kwargs):
        raise IntegrityError('duplicate key value violates "budget_line_natural_key"')

    monkeypatch.setattr(commit, "lines_write_pg", taken)
    monkeypatch.setattr(commit, "_write_lines_orm", lambda *a, **k: taken())
    with pytest.raises(imports.ImportRefused) as exc:
        imports.import_batch_commit(user=data_staff, batch=batch)
    assert "Simpan ulang" in exc.value.message and exc.value.status == 409
    assert BudgetLine.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW
