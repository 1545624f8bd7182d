"""A stand-in for Rasa's REST channel that answers at once, for benchmarks of the relay alone.

``/greet`` gets a greeting; a question (a message ending in "?") gets a plain answer; any other
message hands the conversation off to a region's queue (the ``voordeur`` handoff signal of
docs/architecture.md). ``/model/parse`` always answers a
harmless intent, so messages to a counsellor never raise alerts. ``POST /bench/hang`` makes it stop
answering from then on (a Rasa that hangs while the relay believes it is up).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def answers(message: str, region: str) -> list[dict]:
    if message == "/greet":
        return [{"recipient_id": "x", "text": "Hoi, ik ben de digitale assistent. Waar wil je over praten?"}]
    if message.rstrip().endswith("?"):
        return [{"recipient_id": "x", "text": "Goede vraag. Vertel gerust meer."}]
    return [
        {"recipient_id": "x", "text": "Dank je. Ik zet je in de wachtrij voor een medewerker."},
        {
            "recipient_id": "x",
            "custom": {
                "voordeur": {
                    "type": "handoff",
                    "nickname": "Bench",
                    "region": region,
                    "urgent": False,
                    "intake": {"about": "self", "situation": "partner", "safe_now": True, "age_group": "18_plus"},
                }
            },
        },
    ]


class FakeRasa:
    def __init__(self, region: str = "utrecht", port: int = 0):
        self.region = region
        self.hanging = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; without this, Nagle's algorithm and the
            # client's delayed ACK hold the body back for 40 ms, which real Rasa does not do.
            disable_nagle_algorithm = True

            def log_message(self, *args):  # quiet
                pass

            def _reply(self, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if fake.hanging.is_set():
                    return self._hang()
                self._reply({"model_file": "fake.tar.gz", "model_id": "fake"})

            def _hang(self) -> None:
                self.close_connection = True
                threading.Event().wait(3600)  # a daemon thread: gone when the server stops

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/bench/hang":
                    fake.hanging.set()
                    self._reply({"hanging": True})
                elif fake.hanging.is_set():
                    self._hang()
                elif self.path.startswith("/model/parse"):
                    self._reply({"text": body.get("text"), "intent": {"name": "inform", "confidence": 0.99}})
                else:
                    self._reply(answers(body.get("message", ""), fake.region))

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-rasa", daemon=True)

    def __enter__(self) -> "FakeRasa":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="answer as Rasa's REST channel would, at once")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--region", default="utrecht")
    args = parser.parse_args()
    FakeRasa(args.region, args.port).server.serve_forever()


if __name__ == "__main__":
    main()
