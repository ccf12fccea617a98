from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regions.services import RegionFileError, regions_load

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "wilayah_indonesia.csv"


class Command(BaseCommand):
    help = "Muat wilayah Kemendagri dari fixtures/wilayah_indonesia.csv (idempoten)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
        parser.add_argument(
            "--prefix", help="Hanya wilayah di bawah kode ini, mis. 36 (Banten)."
        )

    def handle(self, *args, path: Path, prefix: str | None, **options):
        if not path.exists():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        try:
            result = regions_load(path=path, prefix=prefix)
        except RegionFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wilayah: {result.created} baru, {result.updated} diubah, "
                f"{result.unchanged} tetap."
            )
        )
