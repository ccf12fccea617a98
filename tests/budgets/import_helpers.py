"""Shared helpers of the import tests: run a file through the service."""

from __future__ import annotations

import io
import os
from pathlib import Path

from budgets import imports
from budgets.models import BudgetLine, ImportBatch

SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / (
    "sipd_rekap_pagu_sample.xlsx"
)
FIXTURE_SAMPLE = Path(__file__).resolve().parents[1] / "fixtures_files" / (
    "sipd_rekap_pagu_sample.xlsx"
)


def sample_path() -> Path:
    return FIXTURE_SAMPLE if FIXTURE_SAMPLE.exists() else SAMPLE


def upload(user, data: bytes | Path, name="rekap.xlsx", *, region="36", process=True,
           commit=False, **kw) -> ImportBatch:
    if isinstance(data, Path):
        data = data.read_bytes()
    fh = io.BytesIO(data)
    batch = imports.import_batch_create(
        user=user, upload=fh, original_name=name, region_code=region, enqueue=False, **kw
    )
    if process:
        batch = imports.import_batch_process(batch_id=batch.pk, commit=commit, user=user)
    batch.refresh_from_db()
    return batch


def line_state() -> list[tuple]:
    """Every line with every column: rollback must restore this exactly."""
    fields = [f.attname for f in BudgetLine._meta.concrete_fields]
    return sorted(BudgetLine.objects.values_list(*fields))


def assert_clear_message(text: str) -> None:
    assert text, "an empty message"
    assert "Traceback" not in text and "File \"" not in text
    assert os.getpid()
