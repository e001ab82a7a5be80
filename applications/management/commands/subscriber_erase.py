"""`manage.py subscriber_erase ADDRESS`: erase an address everywhere (right to erasure).

Give `-` to read the address from standard input, keeping it out of the shell history.
"""

from applications.services import subscriber_erase

from ._address import AddressCommand


class Command(AddressCommand):
    help = "Erase an e-mail address and everything that holds it; the erasure is recorded in the ledger."

    def handle_address(self, email):
        held = subscriber_erase(email=email)
        self.stdout.write(
            "Erased: the address and its alerts are gone; the request is in the ledger."
            if held
            else "Nothing was held about this address; the request is in the ledger."
        )
