"""What both sockets share: the Sock extension, frame parsing, and the loop that runs a socket.

Each socket has one worker (the request's thread) that handles, in order, the frames the client
sends and the broker events meant for it. simple-websocket's reader thread, which receives the
frames, also wakes that inbox (``InboxEvent``), so no third thread per socket is needed. A socket's
state is touched by its worker only, and only the worker sends.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from typing import Any, Callable, Iterable

from flask import Flask
from flask_sock import Sock
from simple_websocket import ConnectionClosed, Server

from relay.domain import texts

log = logging.getLogger(__name__)

sock = Sock()

MAX_TEXT = 2000
# A socket passes on at most one typing frame per this many seconds; the rest are dropped, never
# answered with an error and never counted against the visitor's message budget.
TYPING_INTERVAL = 2.0
# Larger raw frames get a too_long error before parsing (2,000 characters of text fit easily); only
# frames over 1 MiB make simple-websocket close the connection.
MAX_FRAME_BYTES = 16 * 1024

# ("event", channel, event) from the broker, or (Inbox.FRAMES, None, arrival time) from the reader.
InboxItem = tuple[str, Any, Any]
# What a socket does with a raw client frame, and with a broker event: the frames to send back.
FrameHandler = Callable[[Any], Iterable[dict]]
EventHandler = Callable[[str, dict], Iterable[dict]]


def error_frame(code: str, message: str, conversation: str | None = None) -> dict:
    """Every error frame either socket sends (docs/protocol.md); a counsellor's names the conversation."""
    frame = {"type": "error", "code": code, "message": message}
    if conversation:
        frame["conversation"] = conversation
    return frame


class FrameError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def frame(self) -> dict:
        return error_frame(self.code, self.message)


def parse_frame(raw: object, known_types: Iterable[str]) -> dict:
    """Decode one client frame, or raise FrameError with a Dutch explanation."""
    if not isinstance(raw, str):
        raise FrameError("invalid_frame", "Alleen tekstberichten worden begrepen.")
    if len(raw) > MAX_FRAME_BYTES:
        raise FrameError("too_long", f"Je bericht is te lang. Houd het onder de {MAX_TEXT} tekens.")
    try:
        frame = json.loads(raw)
    except ValueError:
        raise FrameError("invalid_json", "Dit bericht kon niet worden gelezen.") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("invalid_frame", "Dit bericht kon niet worden gelezen.")
    if frame["type"] not in known_types:
        raise FrameError("unknown_type", "Dit soort bericht wordt niet begrepen.")
    return frame


def require_text(frame: dict, key: str = "text") -> str:
    text = frame.get(key)
    if not isinstance(text, str) or not text.strip():
        raise FrameError("invalid_frame", "Een bericht heeft tekst nodig.")
    if len(text) > MAX_TEXT:
        raise FrameError("too_long", f"Je bericht is te lang. Houd het onder de {MAX_TEXT} tekens.")
    return text.strip()


def optional_string(frame: dict, key: str, max_length: int = 200) -> str | None:
    value = frame.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise FrameError("invalid_frame", "Dit bericht kon niet worden gelezen.")
    return value


class TypingThrottle:
    """At most one typing frame per TYPING_INTERVAL per key (a socket, or a conversation of it)."""

    def __init__(self, interval: float = TYPING_INTERVAL, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.clock = clock
        self._last: dict[str, float] = {}

    def allow(self, key: str = "") -> bool:
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            return False
        self._last[key] = now
        return True

    def forget(self, key: str) -> None:
        self._last.pop(key, None)


class Inbox:
    """Frames from the client and events from the broker, handled by one thread in arrival order."""

    FRAMES = "frames"  # frames wait in the socket; the worker reads them when it gets here

    def __init__(self) -> None:
        self._queue: queue.Queue[InboxItem] = queue.Queue()
        # When the frame being handled reached the relay: a relay that falls behind must not count
        # its own delay against the visitor's rate limit.
        self.arrived: float | None = None

    def deliver(self, channel: str, event: dict) -> None:  # broker callback: must be quick
        self._queue.put(("event", channel, event))

    def frames_arrived(self) -> None:  # called by simple-websocket's reader thread: must be quick
        self._queue.put((self.FRAMES, None, time.monotonic()))

    def get(self) -> InboxItem:
        return self._queue.get()

    def take_waiting(self) -> list[InboxItem]:
        """Everything queued right now, without blocking (for tests that drive a socket by hand)."""
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items


class InboxEvent(threading.Event):
    """simple-websocket's "a frame arrived or the connection closed" event; once a socket's worker
    runs, setting it also wakes that worker's inbox."""

    def __init__(self) -> None:
        super().__init__()
        self.on_set: Callable[[], None] | None = None

    def set(self) -> None:
        super().set()
        on_set = self.on_set
        if on_set is not None:
            on_set()


def run_socket(
    ws: Server, inbox: Inbox, on_frame: FrameHandler, on_event: EventHandler, start: Iterable[dict] = ()
) -> None:
    """Send what the handlers yield for the start, each frame and each event, until the client leaves."""
    connected = _send_all(ws, start)
    ws.event.on_set = inbox.frames_arrived
    inbox.frames_arrived()  # frames that came in before the line above
    while connected:
        kind, first, second = inbox.get()
        if kind == Inbox.FRAMES:
            inbox.arrived = second
            connected = _handle_waiting_frames(ws, on_frame)
        else:
            connected = _send_all(ws, on_event(first, second))


def _handle_waiting_frames(ws: Server, on_frame: FrameHandler) -> bool:
    """Handle every frame the socket holds now; False once the client has gone."""
    while True:
        try:
            raw = ws.receive(timeout=0)
        except ConnectionClosed:
            return False
        if raw is None:
            return ws.connected
        if not _send_all(ws, on_frame(raw)):
            return False


UNAVAILABLE = error_frame("unavailable", texts.ERRORS["unavailable"])


def _send_all(ws: Server, frames: Iterable[dict]) -> bool:
    """Send each frame; if the client is gone, still run the handler to its end (it may store things).

    An unexpected error (the database away, a bug) costs this one frame an ``unavailable`` error,
    not the whole connection.
    """
    connected = True
    try:
        for frame in frames:
            connected = connected and _send(ws, frame)
    except Exception:
        log.exception("socket handler failed")
        connected = connected and _send(ws, UNAVAILABLE)
    return connected


def _send(ws: Server, frame: dict) -> bool:
    try:
        ws.send(json.dumps(frame, ensure_ascii=False))
        return True
    except ConnectionClosed:
        return False


def init_app(app: Flask) -> None:
    # Pings keep idle chats alive through proxies and notice vanished clients.
    options = app.config.setdefault("SOCK_SERVER_OPTIONS", {"ping_interval": 25, "max_message_size": 1024 * 1024})
    # Not optional: without it no frame would ever reach a socket's worker (see run_socket).
    options["event_class"] = InboxEvent
    sock.init_app(app)
