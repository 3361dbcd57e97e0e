"""The connection goes to the addresses that were checked: a name that answers a public address at the check and a
private one afterwards (DNS rebinding) cannot steer a delivery inside. TLS still names and verifies the host."""

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from innokop.webhooks import addresses, sending
from innokop.webhooks.models import DeliveryStatus
from innokop.webhooks.services import delivery_attempt, endpoint_ping

pytestmark = pytest.mark.django_db

HOST = "hooks.example.org"
PUBLIC = "93.184.215.14"  # what the name answers at the check
INSIDE = "127.0.0.2"  # what it answers afterwards: on loopback, refused once loopback is not allowed


def _certificate(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """An HTTPS receiver on 127.0.0.1 with a certificate for HOST, trusted by the sending side in this test; it
    records the server name each connection asked for (SNI) and the requests' Host headers."""
    cert_file, key_file = _certificate(tmp_path)
    seen = {"sni": [], "hosts": [], "bodies": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            seen["bodies"].append(self.rfile.read(int(self.headers["Content-Length"])))
            seen["hosts"].append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    server_context.sni_callback = lambda _sock, name, _ctx: seen["sni"].append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(sending, "tls_context", lambda: ssl.create_default_context(cafile=str(cert_file)))
    seen["port"] = server.server_port
    yield seen
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def rebinding_name(monkeypatch, settings):
    """HOST answers PUBLIC the first time it is looked up and INSIDE every time after. Connections to PUBLIC are
    carried to the TLS receiver on 127.0.0.1 (the machine has no network; it stands for the public receiver)."""
    settings.INNOKOP_WEBHOOKS_ALLOW_LOOPBACK = False
    lookups, connected = [], []
    real_getaddrinfo, real_open = socket.getaddrinfo, sending.open_socket

    def getaddrinfo(host, port, *args, **kwargs):
        if host != HOST:
            return real_getaddrinfo(host, port, *args, **kwargs)
        answer = PUBLIC if not lookups else INSIDE
        lookups.append(answer)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]

    def open_socket(address, port, timeout):
        connected.append(address)
        return real_open("127.0.0.1" if address == PUBLIC else address, port, timeout)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(sending, "open_socket", open_socket)
    return lookups, connected


@pytest.fixture
def inside():
    """A listener at INSIDE on the receiver's port: what a rebound name would reach."""
    def _listen(port):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((INSIDE, port))
        listener.listen(5)
        listener.setblocking(False)
        made.append(listener)
        return listener

    made: list = []
    yield _listen
    for listener in made:
        listener.close()


def _reached(listener) -> bool:
    try:
        connection, _address = listener.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def _endpoint(supplier, supplier_org, port, settings):
    from innokop.webhooks.services import endpoint_register

    return endpoint_register(actor=supplier, organisation=supplier_org, url=f"https://{HOST}:{port}/hooks?x=1",
                             events=["calloff.published"])


def test_a_name_rebound_to_a_private_address_after_the_check_is_not_reached(
        tls_receiver, rebinding_name, inside, supplier, supplier_org, settings, clock):
    lookups, connected = rebinding_name
    port = tls_receiver["port"]
    listener = inside(port)
    endpoint, secret = _endpoint(supplier, supplier_org, port, settings)
    delivery = endpoint_ping(actor=supplier, endpoint=endpoint)
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()

    assert lookups == [PUBLIC]  # looked up once, at the check; never again for the connection
    assert connected == [PUBLIC]
    assert not _reached(listener)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.last_status_code == 204
    # The receiver saw an ordinary request for its name: SNI, certificate for the name, Host header.
    assert tls_receiver["sni"] == [HOST] and tls_receiver["hosts"] == [f"{HOST}:{port}"]
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code == 204 and attempt.duration_ms >= 0


def test_the_next_attempt_checks_again_and_refuses_the_private_answer(
        tls_receiver, rebinding_name, inside, supplier, supplier_org, settings, clock):
    lookups, connected = rebinding_name
    lookups.append("an earlier lookup")  # the name now answers INSIDE
    listener = inside(tls_receiver["port"])
    endpoint, _secret = _endpoint(supplier, supplier_org, tls_receiver["port"], settings)
    delivery = endpoint_ping(actor=supplier, endpoint=endpoint)
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "privat" in delivery.last_error
    assert connected == [] and not _reached(listener) and tls_receiver["bodies"] == []


def test_a_certificate_not_trusted_is_refused(tls_receiver, rebinding_name, supplier, supplier_org, settings,
                                                   monkeypatch, clock):
    monkeypatch.setattr(sending, "tls_context", ssl.create_default_context)  # the test authority not trusted
    endpoint, _secret = _endpoint(supplier, supplier_org, tls_receiver["port"], settings)
    delivery = endpoint_ping(actor=supplier, endpoint=endpoint)
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error.startswith("TLS")
    assert tls_receiver["bodies"] == []


def test_resolve_checked_returns_the_addresses_it_checked(monkeypatch, settings):
    settings.INNOKOP_WEBHOOKS_ALLOW_LOOPBACK = False
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 443)),
               (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", 443, 0, 0)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers)
    assert addresses.resolve_checked(f"https://{HOST}/") == [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [*answers, (socket.AF_INET, socket.SOCK_STREAM, 6,
                                                                            "", ("10.0.0.5", 443))])
    with pytest.raises(addresses.AddressRefused):
        addresses.resolve_checked(f"https://{HOST}/")
