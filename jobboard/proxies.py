"""The client's address behind trusted reverse proxies (TRUSTED_PROXIES), and nothing a client says itself.

When the peer (REMOTE_ADDR) is a trusted proxy, the client is the last address in X-Forwarded-For that is
not one of ours, and REMOTE_ADDR is set to it, so that everything after (rate limits, the staff login
lock-out) keys on the client. From any other peer, X-Forwarded-For and X-Forwarded-Proto are dropped: a
client cannot choose its address, nor claim https (settings.SECURE_PROXY_SSL_HEADER).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(meta) -> str:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the first hop before them."""
    remote = meta.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # a forged or garbled entry: the proxy that added it is the client we know
                return remote
    return remote


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if _trusted(meta.get("REMOTE_ADDR", "")):
            meta["REMOTE_ADDR"] = client_address(meta)
        else:
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
