"""The Voordeur relay: a Flask application between the visitor widget, Rasa and the counsellors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay.config import load_config

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None, *, serving: bool = True) -> "Flask":
    """The relay. ``serving=False`` is the command line's app (`python -m relay counsellor add`,
    `purge`, `registrations export`): the configuration, the database, the content and Rasa's
    address, without the sockets and pages, the triage classifier or a first call to Rasa, so that
    an operator's command answers at once."""
    # Flask is imported here, not above: `python -m relay serve` may have to patch the standard
    # library for gevent before Flask (and psycopg) are imported (relay/ops/concurrency.py).
    from flask import Flask

    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(test_config))

    from voordeur_content import use_content_dir

    # Every content reader, the relay's and the shared ones in voordeur_content, reads from here.
    use_content_dir(app.config["CONTENT_DIR"])

    from relay import broker, db, schedule
    from relay.bridge import rasa, triage
    from relay.ops import presence

    db.init_app(app)
    broker.init_app(app)
    schedule.init_app(app)
    rasa.init_app(app, check_at_start=serving)
    if not serving:
        return app
    triage.init_app(app)
    presence.init_app(app)

    from relay.sockets import counsellor, frames, visitor
    from relay.web import console_api, health, pages

    frames.init_app(app)
    pages.init_app(app)
    console_api.init_app(app)
    health.init_app(app)
    visitor.init_app(app)
    counsellor.init_app(app)
    return app
