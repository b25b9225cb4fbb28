"""The client's address, the one answer for everything that counts or records by address: the throttles,
the login lockout (django-axes) and the logs.

X-Forwarded-For is believed only as far as it was written by proxies we trust (settings.TRUSTED_PROXIES,
addresses or CIDR blocks). Each proxy appends the address it received the request from, so the header is
read from the right: starting at the direct peer (REMOTE_ADDR), every hop that is a trusted proxy hands
us on to the entry to its left, and the first hop that is not a trusted proxy is the client. Entries
further left were written by the client itself and are never believed. Without trusted proxies, or when
the direct peer is not one of them, the address is REMOTE_ADDR.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def trusted_networks(entries):
    """The TRUSTED_PROXIES entries as networks; raises ValueError on a malformed entry (a system check
    reports it at start-up, seva.checks)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(value):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request):
    """The client's IP address as a string, or None when the request has no usable address."""
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    try:
        networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    except ValueError:
        networks = ()  # misconfigured (seva.E004 says so): believe no header rather than fail every request
    current = peer
    if networks and _trusted(peer, networks):
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # garbage in the chain: stop at the last hop we could trust
            current = address
            if not _trusted(address, networks):
                break
    return str(current)


def client_address(request):
    """client_ip for use as a key (throttles, logs): never empty."""
    return client_ip(request) or "unknown"
