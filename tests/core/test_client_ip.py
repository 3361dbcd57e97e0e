import pytest
from django.test import RequestFactory

from innokop.core.client_ip import client_ip


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "192.0.2.1", "10.0.0.2"),                       # no proxy: the header is the client's own words
    (1, "", "10.0.0.2"),                                # not through the proxy
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "192.0.2.66, 198.51.100.7", "198.51.100.7"),   # the forged entry on the left is ignored
    (2, "192.0.2.66, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
    (2, "198.51.100.7", "198.51.100.7"),                # fewer entries than proxies: all written by ours
    (1, "198.51.100.7:4711", "198.51.100.7"),
    (1, "[2001:db8::1]:443", "2001:db8::1"),
    (1, "2001:db8::1", "2001:db8::1"),
    (1, "not-an-address", "10.0.0.2"),
])
def test_the_client_is_the_entry_our_proxies_wrote(settings, proxies, forwarded, expected):
    settings.INNOKOP_TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": "10.0.0.2"} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    assert client_ip(RequestFactory().get("/", **meta)) == expected
