"""scripts/backup.sh and scripts/restore.sh against the local PostgreSQL."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"
TABLES = [
    "regions_region",
    "budgets_budgetline",
    "budgets_unit",
    "audit_auditrecord",
    "auth_user",
    "programs_intervention",
]


def _run(script, *args, env):
    return subprocess.run(  # noqa: S603 - our own scripts
        [BASH, str(ROOT / "scripts" / script), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


def test_scripts_are_valid_bash():
    for script in ("backup.sh", "restore.sh"):
        result = subprocess.run(  # noqa: S603
            [BASH, "-n", str(ROOT / "scripts" / script)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


def test_backup_refuses_sqlite(tmp_path):
    env = dict(os.environ, DATABASE_URL="sqlite:///x.sqlite3", MEDIA_ROOT=str(tmp_path))
    result = _run("backup.sh", str(tmp_path / "out"), env=env)
    assert result.returncode != 0 and "postgres://" in result.stderr


def test_restore_needs_yes(tmp_path):
    env = dict(os.environ, DATABASE_URL="postgres://x@127.0.0.1/x", MEDIA_ROOT=str(tmp_path))
    result = _run("restore.sh", str(tmp_path), env=env)
    assert result.returncode != 0 and "--yes" in result.stderr


def _url(settings_dict, name):
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _counts(url):
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        out = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            out[table] = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(pagu), 0)::text FROM budgets_budgetline")
        out["pagu"] = cursor.fetchone()[0]
    conn.close()
    return out


@pytest.mark.postgres
@pytest.mark.slow
def test_backup_then_restore_into_a_fresh_database(
    transactional_db, demo_data, tmp_path
):
    import psycopg2

    from django.db import connection

    settings_dict = connection.settings_dict
    source = _url(settings_dict, settings_dict["NAME"])
    media = tmp_path / "media"
    (media / "imports" / "2024").mkdir(parents=True)
    upload = media / "imports" / "2024" / "rekap.xlsx"
    upload.write_bytes(os.urandom(4096))
    before = _counts(source)
    assert before["budgets_budgetline"] > 0

    env = dict(os.environ, DATABASE_URL=source, MEDIA_ROOT=str(media))
    backup = _run("backup.sh", str(tmp_path / "backups"), env=env)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    target_name = f"{settings_dict['NAME']}_restore"
    admin = psycopg2.connect(_url(settings_dict, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        target = _url(settings_dict, target_name)
        restored_media = tmp_path / "restored" / "media"
        env = dict(os.environ, DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
        restore = _run("restore.sh", str(folder), "--yes", env=env)
        assert restore.returncode == 0, restore.stderr
        assert _counts(target) == before
        copy = restored_media / "imports" / "2024" / "rekap.xlsx"
        assert copy.read_bytes() == upload.read_bytes()

        # A second restore over the restored database replaces, not doubles.
        again = _run("restore.sh", str(folder), "--yes", env=env)
        assert again.returncode == 0, again.stderr
        assert _counts(target) == before

        # A damaged backup is refused before anything is touched.
        dump = folder / "database.dump"
        dump.write_bytes(dump.read_bytes()[:-10])
        broken = _run("restore.sh", str(folder), "--yes", env=env)
        assert broken.returncode != 0 and "damaged" in broken.stderr
        assert _counts(target) == before
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        admin.close()
