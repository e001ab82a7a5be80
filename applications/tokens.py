"""Links in e-mails and the keyed hash that stands in for an address in the consent ledger.

A token is signed (django.core.signing) with a salt per purpose, carries the subscriber's id and
`token_key`, and expires. It holds no personal data, so it may appear in a URL.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Subscriber

CONFIRM = "confirm"
WITHDRAW = "withdraw"
MAX_AGE = {
    CONFIRM: dt.timedelta(days=settings.ALERTS_CONFIRMATION_DAYS),
    WITHDRAW: dt.timedelta(days=settings.ALERTS_WITHDRAW_LINK_DAYS),
}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def subject_hash(email: str) -> str:
    """Keyed so that the ledger cannot be searched by hashing guessed addresses without the key."""
    return salted_hmac(
        "applications.consent", normalise_email(email), secret=settings.CONSENT_HASH_KEY, algorithm="sha256"
    ).hexdigest()


def make_token(subscriber: Subscriber, purpose: str) -> str:
    return signing.dumps([subscriber.pk, subscriber.token_key], salt=f"applications.{purpose}", compress=True)


class TokenError(Exception):
    """`reason` is `expired`, `invalid` or `unknown` (a valid link whose subscriber is gone)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def read_token(token: str, purpose: str, queryset=None) -> Subscriber:
    try:
        pk, key = signing.loads(
            token, salt=f"applications.{purpose}", max_age=MAX_AGE[purpose].total_seconds()
        )
    except signing.SignatureExpired:
        raise TokenError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenError("invalid") from None
    subscriber = (queryset if queryset is not None else Subscriber.objects).filter(pk=pk).first()
    if subscriber is None or not constant_time_compare(subscriber.token_key, str(key)):
        raise TokenError("unknown")
    return subscriber
