"""For the people who run the relay: liveness, readiness and the Prometheus figures.

None of these needs a cookie, and none names a version or a path. ``/metrics`` exists only when
``RELAY_METRICS_TOKEN`` is set, and then answers only to that token.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from relay.bridge.rasa import get_rasa
from relay.db import get_db
from relay.domain import queues
from relay.ops import metrics
from relay.schedule import get_regions

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process answers; nothing else is asked (a restart would not mend a database outage)."""
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready when the database answers ``SELECT 1``. Rasa's answer is reported but does not decide:
    without Rasa the relay still asks a visitor's town and hands them to a counsellor, and every relay
    shares one Rasa, so failing on it would take every relay out of a balancer at once."""
    return _readiness(required=("database",))


@bp.get("/readyz/bot")
def readyz_bot() -> tuple[Response, int]:
    """The bot path: ready when the database answers and Rasa answers its status (for alerting, or
    for a balancer in front of relays that serve only the assistant)."""
    return _readiness(required=("database", "rasa"))


def _readiness(required: tuple[str, ...]) -> tuple[Response, int]:
    """The body says which check failed, never why in detail (no hosts, paths or versions)."""
    checks = {"database": _database_answers(), "rasa": get_rasa().status() is None}
    ready = all(checks[name] for name in required)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {k: "ok" if v else "failed" for k, v in checks.items()},
    }
    return _no_store(jsonify(body)), 200 if ready else 503


def _database_answers() -> bool:
    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready; the database error counter has it
        return False
    return True


@bp.get("/metrics")
def metrics_page() -> Response:
    token = current_app.config.get("RELAY_METRICS_TOKEN")
    if not token:
        abort(404)  # no token configured: the figures are not served at all
    given = request.headers.get("Authorization", "")
    expected = f"Bearer {token}"
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        response = Response("unauthorized\n", status=401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = "Bearer"
        return _no_store(response)
    body = metrics.exposition(current_app.extensions["relay_metrics"])
    return _no_store(Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8"))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    def read_queues() -> list:
        with get_db(app).engine.connect() as connection:
            return queues.queue_figures(connection)

    app.extensions["relay_metrics"] = metrics.app_registry(read_queues, lambda: [r.id for r in get_regions(app)])
    app.register_blueprint(bp)
