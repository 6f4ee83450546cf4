"""Which network addresses the link checker may fetch.

Tool addresses are public input: fetched blindly, one could make the site probe its own network or a
cloud metadata service (SSRF). A host name is resolved once, every address it resolves to is checked,
and the request is then sent to the checked address itself, so that no second resolution can change
it (DNS rebinding). The same is done again at each redirect.
"""

import socket
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

# Cloud metadata services: refused even when private addresses are allowed for tests.
METADATA_ADDRESSES = {
    ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, Scaleway…
    ip_address("169.254.170.2"),  # AWS container credentials
    ip_address("100.100.100.200"),  # Alibaba Cloud
    ip_address("fd00:ec2::254"),  # AWS over IPv6
}
NAT64 = IPv6Network("64:ff9b::/96")
SHARED_ADDRESS_SPACE = IPv4Network("100.64.0.0/10")


class BlockedAddress(Exception):
    """The host resolves to an address the checker must not fetch."""


def _unwrapped(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, 6to4, NAT64), else the address itself."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in NAT64:
            return IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def may_fetch(address: IPAddress, *, allow_private: bool = False) -> bool:
    """Whether the checker may connect to `address`: public unicast only, unless `allow_private` (tests)."""
    address = _unwrapped(address)
    if (
        address in METADATA_ADDRESSES
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
    ):
        return False
    if allow_private:
        return True
    if isinstance(address, IPv6Address) and address.is_site_local:
        return False
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_reserved or address in SHARED_ADDRESS_SPACE
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order (raises socket.gaierror)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ip_address(info[4][0]) for info in infos))


def fetchable_addresses(host: str, port: int, *, allow_private: bool = False) -> list[IPAddress]:
    """The addresses to connect to for `host`; refused whole if any of them may not be fetched.

    A name that resolves to a public and a private address at once is refused rather than half-trusted.
    """
    addresses = resolve(host, port)
    blocked = [str(address) for address in addresses if not may_fetch(address, allow_private=allow_private)]
    if blocked or not addresses:
        raise BlockedAddress(", ".join(blocked))
    return addresses
