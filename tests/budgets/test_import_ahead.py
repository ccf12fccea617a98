"""A one-shot import on PostgreSQL writes its lines while the reader child still
reads (budgets.imports._Ahead): the outcome must be exactly the usual way's, and
whatever the final parse finds that no block could see undoes everything."""

from decimal import Decimal

import pytest

from django.db.models import Sum

from budgets import imports
from budgets.importers import reader
from budgets.models import (
    Account,
    BudgetLine,
    BudgetSummary,
    ImportLineChange,
    ImportStatus,
    Nomenclature,
    Unit,
)
from tests.importers.workbooks import REKAP_HEADERS, Sheet, rekap_rows, xlsx_bytes

from .import_helpers import upload

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

_VOLATILE = {"id", "import_batch_id", "created_at", "updated_at"}


def _rekap(rows) -> bytes:
    return xlsx_bytes([Sheet("Sheet1", [list(REKAP_HEADERS)] + rows)])


def _lines() -> list[tuple]:
    fields = [f.attname for f in BudgetLine._meta.concrete_fields if f.attname not in _VOLATILE]
    return sorted(BudgetLine.objects.values_list(*fields))


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 7 or more rows, read 5 at a time (the child is forked: it
    inherits the settings), and a record of how each one-shot import ended and
    of how many rows were written ahead."""
    monkeypatch.setattr(reader, "STREAM_BLOCK_ROWS", 7)
    monkeypatch.setattr(reader, "READ_BLOCK_ROWS", 5)
    class Outcomes(list):
        written: list

    outcomes = Outcomes()
    real = imports._commit_ahead

    def spy(batch, *, user):
        out = real(batch, user=user)
        outcomes.append("ahead" if out is True else "usual")
        return out

    monkeypatch.setattr(imports, "_commit_ahead", spy)
    written = outcomes.written = []
    adopts = imports._Ahead.adopts

    def adopts_spy(self, result):
        written.append(len(self.rows))
        return adopts(self, result)

    monkeypatch.setattr(imports._Ahead, "adopts", adopts_spy)
    return outcomes


def test_lines_written_ahead_end_exactly_as_the_usual_way(data_staff, small_blocks):
    data = _rekap(rekap_rows(30))
    batch = upload(data_staff, data, commit=True)
    assert small_blocks == ["ahead"] and small_blocks.written == [30]
    assert batch.status == ImportStatus.COMMITTED
    assert (batch.rows, batch.created, batch.updated, batch.unchanged) == (30, 30, 0, 0)
    ahead = _lines()
    assert len(ahead) == 30
    assert set(BudgetLine.objects.values_list("import_batch_id", flat=True)) == {batch.pk}
    # Created lines are recorded (as runs of ids) and the summary follows them.
    runs = ImportLineChange.objects.filter(batch=batch, action="created")
    assert sum(c.last_line_id - c.line_id + 1 for c in runs) == 30
    assert (BudgetSummary.objects.aggregate(p=Sum("pagu"))["p"]
            == BudgetLine.objects.aggregate(p=Sum("pagu"))["p"])
    imports.import_batch_rollback(user=data_staff, batch=batch)
    assert not BudgetLine.objects.exists()

    # The usual way (preview, then confirm) gives the very same lines.
    usual = upload(data_staff, data)
    imports.import_batch_commit(user=data_staff, batch=usual)
    assert _lines() == ahead


def test_a_key_repeated_in_two_blocks_undoes_every_line_and_reference(data_staff, small_blocks):
    rows = rekap_rows(30)
    rows[24] = list(rows[2])  # blocks of about 10: rows 3 and 25 never meet in one
    batch = upload(data_staff, _rekap(rows), commit=True)
    assert small_blocks == ["usual"]
    # The blocks before the repeat were written ahead (the repeat itself met
    # the unique key in its block's savepoint), then all of it undone.
    assert small_blocks.written and 14 <= small_blocks.written[0] < 30
    assert batch.status != ImportStatus.COMMITTED
    assert [e["code"] for e in batch.errors] == ["duplicate_key"]
    # Nothing of what was written ahead stays: no line, no unit, no nomenclature.
    assert not BudgetLine.objects.exists()
    assert not Unit.objects.exists() and not Nomenclature.objects.exists()


def test_an_account_named_otherwise_in_a_later_block_goes_the_usual_way(
    data_staff, small_blocks
):
    """A new account takes the name of the last row naming it in the file: a
    block written ahead could only know its own rows."""
    rows = rekap_rows(30)
    code = REKAP_HEADERS.index("KODE REKENING")
    rows[26][code] = rows[1][code]
    rows[26][REKAP_HEADERS.index("PAKET/KELOMPOK")] = "2"  # another line, same account
    rows[26][REKAP_HEADERS.index("NAMA REKENING")] = "Belanja Bantuan Sosial (nama baru)"
    batch = upload(data_staff, _rekap(rows), commit=True)
    assert small_blocks == ["usual"] and small_blocks.written == [30]
    assert batch.status == ImportStatus.COMMITTED and batch.created == 30
    account = Account.objects.get(code=rows[1][code])
    assert account.name == "Belanja Bantuan Sosial (nama baru)"


def test_a_scope_with_stored_lines_goes_the_usual_way(data_staff, small_blocks):
    upload(data_staff, _rekap(rekap_rows(20)), commit=True)
    rows = rekap_rows(20)
    rows[0][REKAP_HEADERS.index("PAGU")] = 999_000_000
    newer = upload(data_staff, _rekap(rows), commit=True)
    assert small_blocks == ["ahead"]  # the second did not even stream blocks
    assert (newer.created, newer.updated, newer.unchanged) == (0, 1, 19)
    assert BudgetLine.objects.filter(pagu=Decimal("999000000")).count() == 1


def test_a_refusal_found_at_the_end_leaves_nothing_written(admin_user, small_blocks):
    rows = [["PEMERINTAH KABUPATEN LEBAK"], []] + [list(REKAP_HEADERS)] + rekap_rows(20)
    batch = upload(admin_user, xlsx_bytes([Sheet("Sheet1", rows)]), region="36.03",
                   commit=True)
    assert small_blocks == ["usual"]
    assert batch.status == ImportStatus.REJECTED and "KABUPATEN LEBAK" in batch.message
    assert not BudgetLine.objects.exists() and not Unit.objects.exists()
