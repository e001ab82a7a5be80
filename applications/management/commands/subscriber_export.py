"""`manage.py subscriber_export ADDRESS`: what is held about an address, as JSON (right of access).

Give `-` to read the address from standard input, keeping it out of the shell history.
"""

import json
import sys

from django.core.management.base import BaseCommand

from applications.services import subscriber_export


class Command(BaseCommand):
    help = "Print, as JSON, everything held about an e-mail address; the export is recorded in the ledger."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the address, or - to read it from standard input")

    def handle(self, *args, email, **options):
        if email == "-":
            email = sys.stdin.readline().strip()
        self.stdout.write(json.dumps(subscriber_export(email=email), indent=2, ensure_ascii=False))
