"""Pages and static files: the demo host page, the widget, the console, and /api/status."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request, send_from_directory

from relay.schedule import get_regions, get_schedule
from relay.sockets.origins import allowed_origin
from voordeur_content import phone_numbers

bp = Blueprint("pages", __name__)

# The widget may change between releases, so browsers revalidate after five minutes.
WIDGET_CACHE = "public, max-age=300"
PAGE_CACHE = "no-cache"


def _widget_dir() -> Path:
    return Path(current_app.config["WIDGET_DIR"])


def _serve(directory: Path, filename: str, cache: str) -> Response:
    if not (directory / filename).is_file():
        abort(404)
    # Browsers run a module script only with a JavaScript type (and nosniff holds classic scripts to it
    # too): do not leave it to the host's mime.types, which may say text/plain or nothing for .js.
    mimetype = "text/javascript" if filename.endswith(".js") else None
    response = send_from_directory(directory, filename, max_age=None, mimetype=mimetype)
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/")
def demo_page() -> Response:
    return _page(_serve(_widget_dir(), "demo.html", PAGE_CACHE))


@bp.get("/widget/<path:filename>")
def widget_file(filename: str) -> Response:
    response = _serve(_widget_dir(), filename, WIDGET_CACHE)
    # The widget is embedded by other sites: let any origin load it, without cookies.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/console")
def console_page() -> Response:
    return _page(_serve(_widget_dir() / "console", "index.html", PAGE_CACHE))


@bp.get("/console/<path:filename>")
def console_file(filename: str) -> Response:
    return _serve(_widget_dir() / "console", filename, PAGE_CACHE)


@bp.get("/api/status")
def status() -> Response:
    regions = get_regions()
    state = get_schedule().status_this_minute(regions)
    response = jsonify(
        {
            "open": state["any_open"],
            # The widget's launcher shows these two (widget/widget.js); read per request, so a changed
            # number in content/phone_numbers.yml reaches it without a restart.
            "phone": phone_numbers.number(phone_numbers.VEILIG_THUIS),
            "emergency": phone_numbers.number(phone_numbers.EMERGENCY),
            "regions": [{"id": r.id, "name": r.name, **state["regions"][r.id], "backup": r.backup} for r in regions],
        }
    )
    # The widget asks this from the host site's page: allow it (public data, no cookies).
    origin = request.headers.get("Origin")
    if current_app.config.get("RELAY_ALLOWED_ORIGINS", "*").strip() == "*":
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin and allowed_origin(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(response: Response) -> Response:
    """Content Security Policy for our own HTML pages: no inline script or style, not framed."""
    scheme = "wss" if request.scheme == "https" else "ws"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {scheme}://{request.host}; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'; object-src 'none'"
    )
    return response


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/api/") or request.path.startswith("/console"):
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/api/console"):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(add_security_headers)
