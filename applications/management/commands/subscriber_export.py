"""`manage.py subscriber_export ADDRESS`: what is held about an address, as JSON (right of access).

Give `-` to read the address from standard input, keeping it out of the shell history.
"""

import json

from applications.services import subscriber_export

from ._address import AddressCommand


class Command(AddressCommand):
    help = "Print, as JSON, everything held about an e-mail address; the export is recorded in the ledger."

    def handle_address(self, email):
        self.stdout.write(json.dumps(subscriber_export(email=email), indent=2, ensure_ascii=False))
