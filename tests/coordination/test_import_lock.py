"""A submitted or verified quarter locks the region's year for SIPD imports too."""

import pytest

from budgets.imports import ImportRefused, import_batch_commit
from budgets.models import BudgetLine, ImportStatus
from roadmap.services import submission_open, submission_submit
from tests.budgets.import_helpers import sample_path, upload

pytestmark = pytest.mark.django_db


def test_an_import_into_a_locked_year_is_refused_and_writes_nothing(
    lebak_coordinator, province_coordinator
):
    batch = upload(province_coordinator, sample_path(), region="36.02")
    assert batch.status == ImportStatus.PREVIEW
    submission = submission_open(
        user=lebak_coordinator, region_code="36.02", fiscal_year=2024, quarter=1
    )
    submission_submit(user=lebak_coordinator, submission=submission)
    before = BudgetLine.objects.count()
    with pytest.raises(ImportRefused) as info:
        import_batch_commit(user=province_coordinator, batch=batch)
    assert "Data 36.02 tahun 2024 terkunci" in str(info.value)
    assert BudgetLine.objects.count() == before
