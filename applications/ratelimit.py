"""Fixed-window rate limits in the cache (Redis in production, so shared by every web worker).

One set of buckets per purpose, so that requests of one kind cannot use up another's: a stranger who
subscribes someone else's address five times does not lock its owner out of the withdrawal form. Each
request counts against its client (see jobboard/proxies.py), its address folded to the mailbox it reaches
(`fold_address`) and the address's domain.

With the cache down, requests that lead to fewer mails are let through (withdrawal: stopping mail must
always work), and subscriptions are counted in the database instead: the confirmation mails the outbox took
for the same mailbox and domain in the last hour. So nobody gets an error page, and a mailbox gets no more
mail than usual; only the per-client count waits for the cache.
"""

import logging
from datetime import timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import OutboxMessage

log = logging.getLogger(__name__)
WINDOW_SECONDS = 3600
SUBSCRIBE, WITHDRAW_LINK, MANAGE_LINK = "subscribe", "withdraw-link", "manage-link"
# Providers that deliver "n.ame@" to "name@": dots do not make another mailbox (googlemail.com is gmail.com).
DOT_BLIND = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
CACHE_ERRORS = (redis.RedisError, OSError)


def fold_address(email: str) -> str:
    """The mailbox an address reaches: case folded, `+tag` dropped, dots dropped where the provider does."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    domain = DOT_BLIND.get(domain, domain)
    if domain in DOT_BLIND.values():
        local = local.replace(".", "")
    return f"{local}@{domain}"


def allow(scope: str, identity: str, limit: int) -> bool:
    """Count one request of `identity` in `scope`; False once the limit for this hour is passed."""
    # Hashed: cache keys are no place for an address.
    key = "ratelimit:" + salted_hmac("applications.ratelimit", f"{scope}:{identity}").hexdigest()[:32]
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


def request_allowed(purpose: str, *, client: str, email: str) -> bool:
    """Whether a request of `purpose` from `client` for `email` is within every limit of this hour."""
    address = fold_address(email)
    buckets = [
        ("client", client, settings.ALERTS_RATE_PER_CLIENT),
        ("address", address, settings.ALERTS_RATE_PER_ADDRESS),
        ("domain", address.rpartition("@")[2], settings.ALERTS_RATE_PER_DOMAIN),
    ]
    try:
        return all(allow(f"{purpose}:{kind}", identity, limit) for kind, identity, limit in buckets)
    except CACHE_ERRORS as error:
        counted = "are counted in the database" if purpose == SUBSCRIBE else "are let through"
        log.warning("Rate limits unavailable (%s): %s requests %s", type(error).__name__, purpose, counted)
        return mail_within_limits(address) if purpose == SUBSCRIBE else True


def mail_within_limits(address: str) -> bool:
    """Whether the outbox took fewer mails than the limits for this mailbox and domain in the last hour."""
    domain = address.rpartition("@")[2]
    spellings = [name for name, folded in DOT_BLIND.items() if folded == domain] or [domain]
    same_domain = Q()
    for name in spellings:
        same_domain |= Q(subscriber__email__iendswith=f"@{name}")
    since = timezone.now() - timedelta(seconds=WINDOW_SECONDS)
    recent = OutboxMessage.objects.filter(same_domain, created_at__gte=since)
    emails = list(recent.values_list("subscriber__email", flat=True)[: settings.ALERTS_RATE_PER_DOMAIN])
    if len(emails) >= settings.ALERTS_RATE_PER_DOMAIN:
        return False
    return sum(fold_address(email) == address for email in emails) < settings.ALERTS_RATE_PER_ADDRESS
