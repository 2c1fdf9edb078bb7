"""Where a webhook may go (CONTRACT §1 and §4): the URLs and addresses that must be refused, IPv4 and
IPv6, the few that must pass, and the delivery-time resolution check."""

from __future__ import annotations

import ipaddress

import pytest
from ai_interviewer.delivery.url_safety import (
    UnsafeUrlError,
    WebhookTarget,
    is_public_address,
    parse_webhook_url,
    resolve_public_address,
)

REFUSED_URLS = [
    # scheme and credentials
    "http://example.com/hook",
    "ftp://example.com/hook",
    "file:///etc/passwd",
    "gopher://example.com/",
    "javascript:alert(1)",
    "https://user:pass@example.com/hook",
    "https://user@example.com/hook",
    "https:///no-host",
    "https://example.com:99999/",
    "https://[::1/",
    # local names, however spelled
    "https://localhost/hook",
    "https://LOCALHOST./hook",
    "https://api.localhost/hook",
    "https://localhost.localdomain/",
    "https://ip6-localhost/",
    "https://ｌｏｃａｌｈｏｓｔ/hook",  # fullwidth letters, folded by IDNA
    # IPv4 loopback in every spelling a resolver accepts
    "https://127.0.0.1/hook",
    "https://127.1/",
    "https://2130706433/",
    "https://0x7f000001/",
    "https://0177.0.0.1/",
    "https://127。0。0。1/",  # ideographic full stops
    "https://１２７.０.０.１/",  # fullwidth digits
    # IPv4 private, shared, link-local (cloud metadata), reserved
    "https://0.0.0.0/",
    "https://0/",
    "https://10.0.0.1/",
    "https://172.16.0.1/",
    "https://172.31.255.254:8443/",
    "https://192.168.1.1/",
    "https://100.64.0.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://169.254.170.2/v2/credentials",
    "https://192.0.0.170/",
    "https://192.0.2.1/",
    "https://198.18.0.1/",
    "https://198.51.100.7/",
    "https://203.0.113.9/",
    "https://224.0.0.1/",
    "https://239.255.255.250/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    # IPv6 loopback, unspecified, embedded private IPv4, ULA, link- and site-local, multicast, reserved
    "https://[::1]/",
    "https://[0:0:0:0:0:0:0:1]/",
    "https://[::]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[::127.0.0.1]/",
    "https://[::ffff:0:10.0.0.1]/",
    "https://[64:ff9b::10.0.0.1]/",
    "https://[64:ff9b:1::1]/",
    "https://[2002:7f00:1::]/",
    "https://[2002:a9fe:a9fe::1]/",
    "https://[2001:db8::1]/",
    "https://[2001::1]/",
    "https://[fc00::1]/",
    "https://[fd00:ec2::254]/",
    "https://[fe80::1]/",
    "https://[fe80::1%25eth0]/",
    "https://[fec0::1]/",
    "https://[ff02::1]/",
    "https://[100::1]/",
]

ACCEPTED_URLS = [
    ("https://example.com/hook", "example.com", 443, "/hook"),
    ("https://Hooks.Example.com:8443/a/b?sig=1", "hooks.example.com", 8443, "/a/b?sig=1"),
    ("https://example.com.", "example.com", 443, "/"),
    ("https://8.8.8.8/hook", "8.8.8.8", 443, "/hook"),
    ("https://[2606:4700:4700::1111]/hook", "2606:4700:4700::1111", 443, "/hook"),
    ("https://[64:ff9b::808:808]/", "64:ff9b::808:808", 443, "/"),
    ("https://пример.рф/hook", "xn--e1afmkfd.xn--p1ai", 443, "/hook"),
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_unsafe_webhook_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        parse_webhook_url(url, allow_private=False)


@pytest.mark.parametrize(("url", "host", "port", "path"), ACCEPTED_URLS)
def test_public_https_urls_are_accepted_and_normalised(url: str, host: str, port: int, path: str) -> None:
    assert parse_webhook_url(url, allow_private=False) == WebhookTarget("https", host, port, path)


def test_the_refusal_names_the_rule_and_never_echoes_the_url() -> None:
    with pytest.raises(UnsafeUrlError) as refused:
        parse_webhook_url("https://admin:hunter2@10.0.0.1/?token=s3cret", allow_private=False)
    assert "hunter2" not in str(refused.value) and "s3cret" not in str(refused.value)


def test_allowing_private_targets_admits_http_and_loopback_but_never_credentials_or_other_schemes() -> None:
    assert parse_webhook_url("http://127.0.0.1:8080/hook", allow_private=True).port == 8080
    assert parse_webhook_url("https://localhost/hook", allow_private=True).host == "localhost"
    for url in ("http://user:pw@127.0.0.1/", "ftp://127.0.0.1/", "file:///etc/passwd"):
        with pytest.raises(UnsafeUrlError):
            parse_webhook_url(url, allow_private=True)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "100.100.100.100",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds to it
        "::1",
        "::",
        "::ffff:10.0.0.1",
        "::10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:c0a8:101::1",
        "fd00::1",
        "fe80::1",
        "ff05::2",
    ],
)
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"]
)
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_at_delivery_a_name_that_resolves_to_loopback_is_refused() -> None:
    # The acceptance check refuses the name `localhost`; resolution catches any name that points home.
    target = WebhookTarget("https", "localhost", 443, "/")
    with pytest.raises(UnsafeUrlError):
        resolve_public_address(target, allow_private=False)
    assert ipaddress.ip_address(resolve_public_address(target, allow_private=True)).is_loopback


@pytest.mark.parametrize("host", ["8.8.8.8", "2606:4700:4700::1111"])
def test_at_delivery_a_public_address_is_returned_to_connect_to(host: str) -> None:
    # Numeric hosts: getaddrinfo answers without any network traffic.
    assert resolve_public_address(WebhookTarget("https", host, 443, "/"), allow_private=False) == host
