from django.core.management.base import BaseCommand

from jobboard.retention import retention_apply


class Command(BaseCommand):
    help = "Delete staff sign-in records and consent ledger entries past their retention period."

    def handle(self, *args, **options):
        for record, count in retention_apply().items():
            self.stdout.write(f"{record}: {count} deleted")
