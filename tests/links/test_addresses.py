"""Which addresses the link checker may fetch: public unicast only, whatever way an address is written."""

from ipaddress import ip_address

import pytest

from tools_registry.links.addresses import BlockedAddress, fetchable_addresses, may_fetch

NEVER = [
    "127.0.0.1",  # loopback
    "10.1.2.3",  # private
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier NAT)
    "169.254.169.254",  # link-local: cloud metadata
    "100.100.100.200",  # Alibaba Cloud metadata
    "0.0.0.0",  # noqa: S104 - unspecified: refused, not bound
    "224.0.0.1",  # multicast
    "255.255.255.255",  # broadcast
    "240.0.0.1",  # reserved
    "192.0.2.10",  # documentation
    "::1",
    "::",
    "fe80::1",  # link-local
    "fc00::1",  # unique-local
    "fd00:ec2::254",  # AWS metadata over IPv6
    "fec0::1",  # site-local
    "ff02::1",  # multicast
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
]
PUBLIC = ["93.184.215.14", "2606:4700:4700::1111", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"]


@pytest.mark.parametrize("address", NEVER)
def test_a_non_public_address_is_never_fetched(address: str) -> None:
    assert not may_fetch(ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_may_be_fetched(address: str) -> None:
    assert may_fetch(ip_address(address))


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "::1", "fc00::1"])
def test_private_addresses_may_be_fetched_when_allowed_for_tests(address: str) -> None:
    assert may_fetch(ip_address(address), allow_private=True)


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"]
)
def test_metadata_addresses_stay_refused_even_then(address: str) -> None:
    assert not may_fetch(ip_address(address), allow_private=True)


def test_an_address_literal_is_checked_without_a_lookup() -> None:
    assert fetchable_addresses("93.184.215.14", 443) == [ip_address("93.184.215.14")]
    with pytest.raises(BlockedAddress):
        fetchable_addresses("127.0.0.1", 80)
