from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from audit.context import audit_via
from budgets.demo import DEMO_PASSWORD, USERS, demo_seed
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Buat akun dan data contoh (idempoten). Ditolak bila DEBUG mati, kecuali "
        "dengan --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Jalankan juga bila DEBUG mati (jangan di server produksi).",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG mati: data contoh dan akun demo tidak dibuat di server produksi. "
                "Gunakan --force bila Anda yakin."
            )
        if not Region.objects.filter(code="36").exists():
            call_command("load_regions", stdout=self.stdout)
        with audit_via("command"):
            result = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Data contoh: {result.lines_created} baris anggaran baru, "
                f"{result.lines_existing} sudah ada."
            )
        )
        self.stdout.write("Akun demo (hanya untuk lokal), kata sandi: " + DEMO_PASSWORD)
        for username, _name, role, region, _superuser in USERS:
            created = " (baru)" if username in result.users_created else ""
            self.stdout.write(f"  {username:<22} {role.label:<12} wilayah {region}{created}")
