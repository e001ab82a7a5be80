"""Fixed-window rate limits in the cache (Redis in production, so shared by every web worker).

One set of buckets per purpose, so that requests of one kind cannot use up another's: a stranger who
subscribes someone else's address five times does not lock its owner out of the withdrawal form. Each
request counts against its client (see jobboard/proxies.py), its address folded to the mailbox it reaches
(`fold_address`) and the address's domain. With the cache down, a purpose either lets requests through
(withdrawal: stopping mail must always work) or raises `Unavailable` (subscribing: the view answers 503).
"""

import logging

import redis
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

log = logging.getLogger(__name__)
WINDOW_SECONDS = 3600
SUBSCRIBE, WITHDRAW_LINK, MANAGE_LINK = "subscribe", "withdraw-link", "manage-link"
FAILS_OPEN = {SUBSCRIBE: False, WITHDRAW_LINK: True, MANAGE_LINK: True}
# Providers that deliver "n.ame@" to "name@": dots do not make another mailbox (googlemail.com is gmail.com).
DOT_BLIND = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
CACHE_ERRORS = (redis.RedisError, OSError)


class Unavailable(Exception):  # noqa: N818 - a state of the cache, as callers read it
    """The cache that holds the counters does not answer."""


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
        log.warning("Rate limits unavailable (%s): %s requests are %s", type(error).__name__, purpose,
                    "let through" if FAILS_OPEN[purpose] else "refused")  # fmt: skip
        if FAILS_OPEN[purpose]:
            return True
        raise Unavailable from error
