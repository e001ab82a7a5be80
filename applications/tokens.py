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
MANAGE = "manage"
ALERT_CONFIRM = "alert-confirm"  # carries the alert's id too
RENEW = "renew"  # carries the alert's id too
MAX_AGE = {
    CONFIRM: dt.timedelta(days=settings.ALERTS_CONFIRMATION_DAYS),
    WITHDRAW: dt.timedelta(days=settings.ALERTS_WITHDRAW_LINK_DAYS),
    MANAGE: dt.timedelta(days=settings.ALERTS_WITHDRAW_LINK_DAYS),
    ALERT_CONFIRM: dt.timedelta(days=settings.ALERTS_CONFIRMATION_DAYS),
    # Offered ALERTS_RENEWAL_NOTICE_DAYS before the alert lapses: valid until then, and a little after.
    RENEW: dt.timedelta(days=settings.ALERTS_RENEWAL_NOTICE_DAYS + 7),
}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def subject_hash(email: str) -> str:
    """Keyed so that the ledger cannot be searched by hashing guessed addresses without the key."""
    return salted_hmac(
        "applications.consent", normalise_email(email), secret=settings.CONSENT_HASH_KEY, algorithm="sha256"
    ).hexdigest()


def selection_record(selection: str) -> str:
    """How the ledger keeps a followed search: as it is when it names only facets (programmes, organisations,
    countries), as a keyed hash when it has search terms, which could say who typed them."""
    from .searches import has_terms

    if not has_terms(selection) and len(selection) <= 200:
        return selection
    return (
        "hmac:"
        + salted_hmac(
            "applications.selection", selection, secret=settings.CONSENT_HASH_KEY, algorithm="sha256"
        ).hexdigest()[:40]
    )


def make_token(subscriber: Subscriber, purpose: str, alert=None) -> str:
    payload = [subscriber.pk, subscriber.token_key] + ([alert.pk] if alert is not None else [])
    return signing.dumps(payload, salt=f"applications.{purpose}", compress=True)


class TokenError(Exception):
    """`reason` is `expired`, `invalid` or `unknown` (a valid link whose subscriber is gone)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _load(token, purpose, length):
    try:
        payload = signing.loads(
            token, salt=f"applications.{purpose}", max_age=MAX_AGE[purpose].total_seconds()
        )
    except signing.SignatureExpired:
        raise TokenError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenError("invalid") from None
    if not isinstance(payload, list) or len(payload) != length:
        raise TokenError("invalid")
    return payload


def _subscriber(pk, key, queryset):
    subscriber = (queryset if queryset is not None else Subscriber.objects).filter(pk=pk).first()
    if subscriber is None or not constant_time_compare(subscriber.token_key, str(key)):
        raise TokenError("unknown")
    return subscriber


def read_token(token: str, purpose: str, queryset=None) -> Subscriber:
    pk, key = _load(token, purpose, 2)
    return _subscriber(pk, key, queryset)


def read_alert_token(token: str, purpose: str, queryset=None):
    """(subscriber, alert) of a link about one alert; TokenError("unknown") if either is gone."""
    from .models import Alert

    pk, key, alert_pk = _load(token, purpose, 3)
    subscriber = _subscriber(pk, key, None)
    alert = (queryset if queryset is not None else Alert.objects).filter(pk=alert_pk, subscriber=subscriber)
    if (alert := alert.first()) is None:
        raise TokenError("unknown")
    return subscriber, alert
