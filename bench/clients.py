"""The WebSocket client of the benchmarks and the tests (websocket-client), as a visitor or a counsellor;
and counsellor accounts made fast. The tests use it through tests/support/clients.py."""

from __future__ import annotations

import json
import time
import uuid

import requests
import websocket

WAIT = 60  # seconds; Rasa on busy shared cores can be slow


def about(kind: str, conversation: str):
    """An ``until`` predicate: a frame of ``kind`` for ``conversation``, bound now rather than when a
    closure over a loop variable is called."""
    return lambda frame: frame["type"] == kind and frame.get("conversation") == conversation


class Client:
    """One socket to the relay, as a visitor or a counsellor; every frame received is kept in ``frames``."""

    def __init__(self, url: str, **options):
        self.ws = websocket.create_connection(url, timeout=WAIT, enable_multithread=True, **options)
        self.frames: list[dict] = []

    def send(self, frame: dict) -> None:
        self.ws.send(json.dumps(frame))

    def receive(self, timeout: float = WAIT) -> dict:
        """The next frame, or WebSocketTimeoutException after ``timeout`` seconds.

        Short socket timeouts in a loop: the relay's pings would otherwise restart one long timeout
        for ever (websocket-client answers them inside ``recv``).
        """
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise websocket.WebSocketTimeoutException(f"no frame within {timeout} s")
            self.ws.settimeout(min(remaining, 2.0))
            try:
                frame = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            self.frames.append(frame)
            return frame

    def until(self, predicate, timeout: float = WAIT) -> list[dict]:
        """Receive frames until one matches; returns all received, the match last."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching frame within {timeout} s; got {seen}")
            frame = self.receive(remaining)
            seen.append(frame)
            if predicate(frame):
                return seen

    def quiet(self, seconds: float = 0.5) -> list[dict]:
        """Whatever arrives within a short while (to assert that nothing more comes)."""
        seen = []
        try:
            while True:
                seen.append(self.receive(seconds))
        except websocket.WebSocketTimeoutException:
            return seen

    def drain(self, quiet: float = 0.2) -> int:
        """Read and drop frames until none arrived for ``quiet`` seconds; how many were dropped."""
        return len(self.quiet(quiet))

    def close(self) -> None:
        try:
            self.ws.close()
        except (OSError, websocket.WebSocketException):
            pass


class Visitor(Client):
    def __init__(self, relay, origin: str = "https://host.example"):
        super().__init__(f"{relay.ws_url}/ws/visitor", origin=origin)

    def hello(self, token: str | None = None) -> dict:
        self.send({"type": "hello", "token": token})
        return self.until(lambda f: f["type"] == "session")[-1]

    def say(self, text: str, payload: str | None = None) -> dict:
        """Send a message and return its echo (the receipt)."""
        client_id = uuid.uuid4().hex
        frame = {"type": "message", "text": text, "id": client_id}
        if payload:
            frame["payload"] = payload
        self.send(frame)
        return self.until(lambda f: f["type"] == "message" and f.get("id") == client_id)[-1]


def login_cookie(relay, username: str, password: str) -> str:
    """The console's session cookie for an account, from the login API."""
    response = requests.post(
        f"{relay.url}/api/console/login", json={"username": username, "password": password}, timeout=WAIT
    )
    response.raise_for_status()
    return response.cookies["voordeur_console"]


class Counsellor(Client):
    def __init__(self, relay, username: str, password: str):
        self.cookie = login_cookie(relay, username, password)
        super().__init__(f"{relay.ws_url}/ws/counsellor", origin=relay.url, cookie=f"voordeur_console={self.cookie}")


def create_counsellors(
    database_url: str, count: int, password: str, regions: str = "all", prefix: str = "bench"
) -> list[str]:
    """Create counsellor accounts straight in the database (one app, no process per account)."""
    from relay import create_app
    from relay.db import get_db
    from relay.ops.migrate import upgrade_database
    from relay.web import auth

    upgrade_database(database_url)
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": None})
    names = [f"{prefix}{i}" for i in range(count)]
    with app.app_context(), get_db(app).transaction() as session:
        for name in names:
            auth.save_counsellor(session, name, f"Collega {name}", regions, password, max_chats=10_000)
    get_db(app).dispose()
    return names


class PingAnswerer:
    """Read idle sockets in one thread, so they answer the relay's pings as a browser would.

    The relay closes a socket whose pong does not come back; websocket-client answers a ping only
    while something reads the socket.
    """

    def __init__(self, clients: list[Client] = ()):
        import selectors
        import threading

        self.selector = selectors.DefaultSelector()
        for client in clients:
            self.add(client)
        self.stopping = threading.Event()
        self.frames = 0
        self.closed = 0  # sockets the relay closed meanwhile
        self.thread = threading.Thread(target=self._run, name="ping-answerer", daemon=True)
        self.thread.start()

    def add(self, client: Client) -> None:
        """Start answering for one more socket (epoll lets another thread add while selecting)."""
        import selectors

        self.selector.register(client.ws.sock, selectors.EVENT_READ, client)

    def _run(self) -> None:
        while not self.stopping.is_set():
            if not self.selector.get_map():
                self.stopping.wait(0.1)
                continue
            for key, _ in self.selector.select(timeout=0.5):
                try:
                    key.data.ws.settimeout(5)
                    # Returns after each frame, control frames too; a ping is answered inside.
                    key.data.ws.recv_data_frame(control_frame=True)
                    self.frames += 1
                except websocket.WebSocketTimeoutException:
                    continue
                except (OSError, websocket.WebSocketException):
                    self.closed += 1
                    self.selector.unregister(key.fileobj)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.selector.close()
