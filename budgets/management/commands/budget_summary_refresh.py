from django.core.management.base import BaseCommand

from audit.context import audit_via
from budgets.summary import budget_summary_rebuild, budget_summary_refresh


class Command(BaseCommand):
    help = (
        "Hitung ulang tabel ringkasan anggaran: lingkup yang berubah saja, atau "
        "seluruhnya dengan --all (setelah pemuatan massal)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Bangun ulang seluruh ringkasan.")

    def handle(self, *args, **options):
        with audit_via("command"):
            if options["all"]:
                rows = budget_summary_rebuild()
                self.stdout.write(f"Ringkasan dibangun ulang: {rows} baris ringkasan.")
            else:
                scopes = budget_summary_refresh()
                self.stdout.write(f"Ringkasan dihitung ulang untuk {scopes} lingkup.")
