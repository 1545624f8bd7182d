"""The Voordeur relay: a Flask application between the visitor widget, Rasa and the counsellors."""
from __future__ import annotations

from flask import Flask

from relay.config import load_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(test_config))

    from relay import broker, db, rasa, schedule, urgency_checks

    db.init_app(app)
    broker.init_app(app)
    rasa.init_app(app)
    urgency_checks.init_app(app)
    schedule.init_app(app)

    from relay import console_api, counsellor, pages, sockets, visitor

    sockets.init_app(app)
    pages.init_app(app)
    console_api.init_app(app)
    visitor.init_app(app)
    counsellor.init_app(app)
    return app
