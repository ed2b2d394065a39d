"""Which address failed logins count against: the peer, or behind a configured proxy the forwarded client."""
from __future__ import annotations

import ipaddress

import pytest

from collectors.registry import parse_config
from core.config import ConfigError, DashboardConfig
from ui.client_address import client_address

PROXIES = DashboardConfig(trusted_proxies=["127.0.0.1", "10.0.0.0/8", "::1"]).trusted_proxies


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("203.0.113.5", ["198.51.100.7"], []) == "203.0.113.5"
    assert client_address(None, ["198.51.100.7"], []) is None  # a loopback peer stays unnamed


def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_another_address() -> None:
    assert client_address("203.0.113.5", ["198.51.100.7"], PROXIES) == "203.0.113.5"


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    (None, ["203.0.113.9"], "203.0.113.9"),  # nginx on the same machine: Streamlit reports no peer address
    ("10.1.2.3", ["203.0.113.9"], "203.0.113.9"),
    # what the client wrote itself is left of what the proxy appended: never believed
    (None, ["198.51.100.1, 203.0.113.9"], "203.0.113.9"),
    (None, ["198.51.100.1", "203.0.113.9"], "203.0.113.9"),  # the header repeated
    # two proxies: the load balancer (10.0.0.2) appended the client, the local proxy appended the balancer
    (None, ["203.0.113.9, 10.0.0.2"], "203.0.113.9"),
    (None, ["2001:db8::7"], "2001:db8::7"),
    (None, ["[2001:db8::7]:5123"], "2001:db8::7"),
    (None, ["203.0.113.9:5123"], "203.0.113.9"),
    (None, [], None),  # a trusted proxy that sends no header: the proxy itself
    (None, ["10.9.9.9"], "10.9.9.9"),  # a client inside a trusted network
    (None, ["203.0.113.9, not-an-address"], None),  # the proxy's own entry unreadable: the proxy, not a guess
])
def test_behind_a_trusted_proxy_the_first_untrusted_hop_from_the_right(peer, forwarded, expected) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config({"clinic_name": "C", "brand": {"names": ["C"]}, "dashboard": {"trusted_proxies": ["proxy.local"]}})
    assert "dashboard.trusted_proxies" in str(raised.value)
    assert DashboardConfig(trusted_proxies=["192.0.2.0/24"]).trusted_proxies == [ipaddress.ip_network("192.0.2.0/24")]
