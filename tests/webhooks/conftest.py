"""A receiver on 127.0.0.1 (a real HTTP server in a thread) and the call-off fixtures of tests/calloffs."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from innokop.webhooks import services

from ..agreements.conftest import agreement, published  # noqa: F401  (fixtures)
from ..calloffs.conftest import draft, lot, ready  # noqa: F401  (fixtures)

ALL_EVENTS = ["calloff.published", "calloff.question_answered", "calloff.clarification_published",
              "calloff.award_decision_sent", "followup_round.requested"]


@dataclass
class Received:
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer in turn; 200 once they run out

    def next_status(self) -> int:
        return self.answers.pop(0) if self.answers else 200


@pytest.fixture
def receiver():
    box: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            box["receiver"].received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(box["receiver"].next_status())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["receiver"] = Receiver(f"http://127.0.0.1:{server.server_port}/hooks/innokop")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["receiver"]
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def register(receiver):
    """`register(admin, organisation, events=...)`: an endpoint at the receiver and its secret."""

    def _register(actor, organisation, events=ALL_EVENTS, url=None):
        return services.endpoint_register(actor=actor, organisation=organisation, url=url or receiver.url,
                                          events=list(events))

    return _register
