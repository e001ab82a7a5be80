"""What `subscriber_export` and `subscriber_erase` share: the address as an argument, or `-` to read it from
standard input (which keeps it out of the shell history)."""

import sys

from django.core.management.base import BaseCommand


class AddressCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("email", help="the address, or - to read it from standard input")

    def handle(self, *args, email, **options):
        self.handle_address(sys.stdin.readline().strip() if email == "-" else email)

    def handle_address(self, email):
        raise NotImplementedError
