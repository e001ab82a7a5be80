"""`manage.py subscriber_erase ADDRESS`: erase an address everywhere (right to erasure).

Give `-` to read the address from standard input, keeping it out of the shell history.
"""

import sys

from django.core.management.base import BaseCommand

from applications.services import subscriber_erase


class Command(BaseCommand):
    help = "Erase an e-mail address and everything that holds it; the erasure is recorded in the ledger."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the address, or - to read it from standard input")

    def handle(self, *args, email, **options):
        if email == "-":
            email = sys.stdin.readline().strip()
        held = subscriber_erase(email=email)
        self.stdout.write(
            "Erased: the address and its alerts are gone; the request is in the ledger."
            if held
            else "Nothing was held about this address; the request is in the ledger."
        )
