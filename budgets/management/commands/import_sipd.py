"""python manage.py import_sipd PATH [--region KODE] [--dry-run] [--commit-valid-only]
[--user USERNAME] [--json]

Imports one SIPD export through the same service as the web page and the API.
Exit status: 0 committed (or previewed without errors under --dry-run), 1 file
refused or with errors (nothing written), 2 usage errors.
"""

from __future__ import annotations

import json
import os
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.context import audit_via
from budgets import imports
from budgets.imports import faults
from budgets.models import ImportStatus
from budgets.money import format_rupiah


class UsageError(Exception):
    pass


class Command(BaseCommand):
    help = "Impor berkas ekspor SIPD (rekap pagu atau realisasi per dokumen)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="berkas .xlsx hasil unduhan SIPD")
        parser.add_argument("--region", help="kode wilayah pemilik data, mis. 36 atau 36.02")
        parser.add_argument(
            "--stage", default="",
            help="tahapan: murni, pergeseran-01.., perubahan, perubahan-pergeseran-01.. "
                 "(atau 'Pergeseran 2'); kosong: dari kolom TAHAPAN berkas, bila tidak ada murni",
        )
        parser.add_argument("--year", type=int, help="tahun anggaran bila berkas tidak menyebutnya")
        parser.add_argument("--dry-run", action="store_true", help="hanya pratinjau")
        parser.add_argument("--commit-valid-only", action="store_true",
                            help="simpan baris valid walau ada baris salah")
        parser.add_argument("--user", help="nama pengguna yang mengimpor (default: admin pertama)")
        parser.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")

    def handle(self, *args, **opts):
        try:
            code = self._run(opts)
        except UsageError as exc:
            self._fail(opts, str(exc))
            sys.exit(2)
        if code:
            sys.exit(code)

    def _fail(self, opts, message: str) -> None:
        if opts.get("json"):
            self.stdout.write(json.dumps({"status": "rejected", "message": message,
                                          "errors": []}, ensure_ascii=False))
        else:
            self.stderr.write(message)

    def _user(self, username):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise UsageError(_("Pengguna %(u)s tidak ada.") % {"u": username})
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise UsageError(_("Sebutkan --user: tidak ada admin untuk mencatat impor."))
        return user

    def _run(self, opts) -> int:
        path = opts["path"]
        if not os.path.isfile(path):
            raise UsageError(_("Berkas %(p)s tidak ditemukan.") % {"p": path})
        user = self._user(opts.get("user"))
        with audit_via("command"):
            try:
                with open(path, "rb") as fh:
                    batch = imports.import_batch_create(
                        user=user, upload=fh, original_name=os.path.basename(path),
                        region_code=opts.get("region"), stage=opts["stage"],
                        fiscal_year=opts.get("year"), dry_run=opts["dry_run"],
                        commit_valid_only=opts["commit_valid_only"], enqueue=False,
                    )
            except imports.ImportRefused as exc:
                if exc.status in (403, 413):
                    self._fail(opts, exc.message)
                    return 1
                raise UsageError(exc.message) from None
            # The lease tells the sweeper a live process works on the batch.
            with faults.batch_lease(batch.pk):
                batch = imports.import_batch_process(
                    batch_id=batch.pk, commit=not opts["dry_run"], user=user
                )
        report = imports.batch_report(batch)
        if opts["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self._print(report)
        if batch.status == ImportStatus.COMMITTED:
            return 0
        if batch.status == ImportStatus.PREVIEW and opts["dry_run"] and not batch.errors:
            return 0
        return 1

    def _print(self, r: dict) -> None:
        w = self.stdout.write
        w(_("Batch #%(b)s: %(s)s (%(k)s, tahun %(y)s)") % {
            "b": r["batch"], "s": r["status"], "k": r["kind"] or "-", "y": r["fiscal_year"] or "-"})
        w(r["message"])
        w(_("Baris %(rows)d: baru %(c)d, berubah %(u)d, tetap %(n)d, hilang %(g)d, dilewati %(s)d")
          % {"rows": r["rows"], "c": r["created"], "u": r["updated"], "n": r["unchanged"],
             "g": r["removed"], "s": r["skipped"]})
        w(_("Total pagu %(p)s, total realisasi %(q)s") % {
            "p": format_rupiah(r["total_pagu"]), "q": format_rupiah(r["total_realisasi"])})
        for e in r["errors"]:
            where = f"baris {e['row']}" if e["row"] else "berkas"
            col = f", kolom {e['column']}" if e["column"] else ""
            self.stderr.write(f"- {where}{col}: {e['message']}")
        for e in r["warnings"]:
            w(f"! {e['message']}")
