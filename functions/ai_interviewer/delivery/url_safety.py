"""Where a webhook may go (CONTRACT §1 and §4).

At acceptance the api function checks the URL's text (scheme, credentials, literal host). At delivery
the notifier resolves the host and vets every address, then connects to the vetted address itself, so
no DNS answer can swap in a private target between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Every range that is not the public internet. `is_global` covers most of them, but its table has
# moved between Python versions, so the contract's list is spelled out and checked as well.
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this" network
        "10.0.0.0/8",  # RFC 1918
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, including the cloud metadata address
        "172.16.0.0/12",  # RFC 1918
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # RFC 1918
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including broadcast
        "::/128",  # unspecified
        "::/96",  # IPv4-compatible (deprecated), e.g. ::127.0.0.1
        "::ffff:0:0:0/96",  # IPv4-translated (RFC 2765), e.g. ::ffff:0:10.0.0.1
        "::1/128",  # loopback
        "::ffff:0:0/96",  # IPv4-mapped
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments (Teredo, benchmarking, ORCHID)
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class UnsafeUrlError(ValueError):
    """The URL may not receive webhooks. The message names the rule, never the secret parts."""


class UnresolvableHostError(UnsafeUrlError):
    """The host name does not resolve now; unlike the other rules, that may change."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64 or 6to4), which must be vetted too."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    return None


def is_public_address(address: IPAddress) -> bool:
    if any(address in net for net in _BLOCKED_NETWORKS if net.version == address.version):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and not is_public_address(embedded):
            return False
    return address.is_global


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # Shorthand IPv4 forms (127.1, 0x7f.1, 2130706433) that resolvers accept as addresses.
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return None


@dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str  # lowercase, without brackets
    port: int
    path_and_query: str


def parse_webhook_url(url: str, *, allow_private: bool) -> WebhookTarget:
    """Check the URL's text; raise `UnsafeUrlError` with the rule it broke (and nothing else, whatever
    the text: an unexpected failure of the parsers is a refused URL too)."""
    try:
        return _parse_webhook_url(url, allow_private=allow_private)
    except UnsafeUrlError:
        raise
    except Exception as error:
        raise UnsafeUrlError("webhook_url is not a valid URL") from error


def _parse_webhook_url(url: str, *, allow_private: bool) -> WebhookTarget:
    text = url.strip()
    if any(char.isspace() or not char.isprintable() for char in text):
        # No request line can carry them: the URL could never be delivered to.
        raise UnsafeUrlError("webhook_url must not contain spaces or control characters")
    try:
        parts: SplitResult = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise UnsafeUrlError("webhook_url is not a valid URL") from error
    if port == 0:
        raise UnsafeUrlError("webhook_url has an invalid port")
    scheme = parts.scheme.lower()
    allowed_schemes = ("https", "http") if allow_private else ("https",)
    if scheme not in allowed_schemes:
        raise UnsafeUrlError("webhook_url must use https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrlError("webhook_url must not carry credentials")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host.isascii():
        # Resolvers apply IDNA first, which folds fullwidth digits and ideographic dots to ASCII
        # (１２７。０。０。１ is 127.0.0.1): check, and later resolve, the name they will look up.
        try:
            host = host.encode("idna").decode("ascii").rstrip(".")
        except UnicodeError as error:
            raise UnsafeUrlError("webhook_url has an invalid host name") from error
    if not host:
        raise UnsafeUrlError("webhook_url has no host")
    if not allow_private:
        if host in _LOCAL_NAMES or host.endswith(".localhost"):
            raise UnsafeUrlError("webhook_url must not point at localhost")
        literal = _literal_address(host)
        if literal is not None and not is_public_address(literal):
            raise UnsafeUrlError("webhook_url must not point at a private, loopback or reserved address")
    path = parts.path or "/"
    return WebhookTarget(
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path_and_query=f"{path}?{parts.query}" if parts.query else path,
    )


def resolve_public_address(target: WebhookTarget, *, allow_private: bool) -> str:
    """Resolve the host and return one address to connect to; every resolved address must be public."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableHostError("webhook_url host does not resolve") from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeUrlError("webhook_url host does not resolve")
    if not allow_private and not all(is_public_address(address) for address in addresses):
        raise UnsafeUrlError("webhook_url resolves to a private, loopback or reserved address")
    return str(addresses[0])
