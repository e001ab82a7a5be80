"""Fixed-window rate limits in the cache (Redis in production, so shared by every web worker)."""

from django.core.cache import cache
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 3600


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
