"""Counting requests per client address in the cache (Redis in production), for the
login pause and the public forms. No outside service."""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    # Anyone can send X-Forwarded-For: believed only behind our own reverse proxy
    # (TRUST_X_FORWARDED_FOR), whose hop is the last one. Otherwise a client could
    # dodge a limit by sending a new address with every request.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.TRUST_X_FORWARDED_FOR and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_network(request) -> str:
    """The client's address for counting: an IPv6 client holds a whole /64, so it is
    counted as one."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def over_limit(bucket: str, address: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request of `address` in `bucket`; True once more than `limit` fell in
    the current window (the window starts with the first request)."""
    key = f"throttle:{bucket}:{address}"
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
