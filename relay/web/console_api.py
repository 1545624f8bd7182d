"""The console's HTTP API: login, logout, who am I, canned replies, registrations, service figures,
the supervisor's overview."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from relay.bridge import waiting
from relay.db import get_db
from relay.domain import figures, figures_report, notes, registrations, supervision
from relay.domain.models import Counsellor
from relay.ops.presence import stale_seconds
from relay.schedule import get_regions
from relay.sockets.origins import same_origin
from relay.web import auth
from voordeur_content import load_content

bp = Blueprint("console_api", __name__, url_prefix="/api/console")


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    """The console API's one error body (an HTTP answer, not a socket frame: see docs/protocol.md)."""
    return jsonify({"error": code, "message": message}), status


@bp.before_request
def only_our_origin() -> tuple[Response, int] | None:
    """The console runs on the relay's own origin; a browser request from elsewhere is refused."""
    origin = request.headers.get("Origin")
    if origin is not None and not same_origin(origin):
        return _error(403, "forbidden_origin", "Verzoek van een andere website geweigerd.")
    return None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        counsellor = auth.counsellor_of_request()
        if counsellor is None:
            return _error(401, "not_logged_in", "Log eerst in.")
        g.counsellor = counsellor
        return view(*args, **kwargs)

    return wrapped


def supervisor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """401 without a session, 403 for a counsellor who is not a supervisor."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        counsellor = auth.counsellor_of_request()
        if counsellor is None:
            return _error(401, "not_logged_in", "Log eerst in.")
        if not counsellor.supervisor:
            return _error(403, "not_supervisor", "Alleen coördinatoren kunnen dit zien.")
        g.counsellor = counsellor
        return view(*args, **kwargs)

    return wrapped


def _profile(counsellor: Counsellor) -> dict:
    return {
        "username": counsellor.username,
        "name": counsellor.name,
        "regions": auth.region_ids_of(counsellor, [r.id for r in get_regions()]),
        "max_chats": counsellor.max_chats,
        "supervisor": counsellor.supervisor,
    }


@bp.post("/login")
def login() -> ResponseReturnValue:
    data = request.get_json(silent=True) or {}
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return _error(401, "invalid_credentials", "Gebruikersnaam of wachtwoord klopt niet.")
    hours = current_app.config["CONSOLE_SESSION_HOURS"]
    with get_db().transaction() as session:
        if auth.is_throttled(session, username):
            return _error(429, "throttled", "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")
        counsellor = auth.check_password(session, username, password)
        if counsellor is None:
            auth.record_failure(session, username)
        else:
            auth.clear_failures(session, username)
            token = auth.start_session(session, counsellor, hours)
            profile = _profile(counsellor)
    if counsellor is None:
        return _error(401, "invalid_credentials", "Gebruikersnaam of wachtwoord klopt niet.")
    response = jsonify({key: profile[key] for key in ("username", "name", "regions")})
    auth.set_session_cookie(response, token, hours)
    return response


@bp.post("/logout")
def logout() -> Response:
    with get_db().transaction() as session:
        auth.end_session(session, request.cookies.get(auth.COOKIE_NAME))
    response = Response(status=204)
    response.delete_cookie(auth.COOKIE_NAME, path="/", httponly=True, samesite="Strict")
    return response


@bp.get("/me")
@login_required
def me() -> Response:
    return jsonify(_profile(g.counsellor))


@bp.get("/canned")
@login_required
def canned() -> Response:
    return jsonify({"replies": load_content("canned_replies.yml", _canned_replies)})


def _canned_replies(data: dict | None) -> list[dict[str, str]]:
    return [{"title": r["title"], "text": r["text"]} for r in (data or {}).get("replies", [])]


@bp.get("/registration-options")
@login_required
def registration_options() -> Response:
    return jsonify(registrations.load_options())


@bp.post("/registrations")
@login_required
def create_registration() -> ResponseReturnValue:
    options = registrations.load_options()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error(400, "invalid_json", "Ongeldige gegevens.")
    try:
        with get_db().transaction() as session:
            registration = registrations.register(session, options, g.counsellor.id, data)
            registration_id = registration.id
    except registrations.RegistrationError as error:
        status = 404 if error.code == "not_found" else 409 if error.code == "already_registered" else 400
        return _error(status, error.code, str(error))
    return jsonify({"id": registration_id}), 201


@bp.put("/conversations/<conversation_id>/note")
@login_required
def save_note(conversation_id: str) -> ResponseReturnValue:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error(400, "invalid_json", "Ongeldige gegevens.")
    try:
        with get_db().transaction() as session:
            notes.save_note(session, conversation_id, g.counsellor.id, data.get("text"))
    except notes.NoteError as error:
        return _error(404 if error.code == "not_found" else 400, error.code, str(error))
    return jsonify({"saved": True})


@bp.get("/registrations.csv")
@login_required
def registrations_csv() -> Response:
    with get_db().transaction() as session:
        body = registrations.export_csv(session)
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=registraties.csv"})


def _stats_report() -> tuple[dict | None, tuple[Response, int] | None]:
    """The report for the query's range and region, or the error to answer."""
    today = figures.local_now().date()
    try:
        start, end = figures_report.parse_range(request.args.get("from"), request.args.get("to"), today)
    except ValueError:
        return None, _error(400, "invalid_range", "Kies een periode van hoogstens een jaar, met datums als 2026-12-01.")
    region = request.args.get("region") or None
    if region is not None and region not in {r.id for r in get_regions()}:
        return None, _error(400, "region_not_found", "Deze regio bestaat niet.")
    with get_db().transaction() as session:
        return figures_report.report(session, start, end, region), None


@bp.get("/stats")
@supervisor_required
def stats() -> ResponseReturnValue:
    report, error = _stats_report()
    return error or jsonify(report)


@bp.get("/stats.csv")
@supervisor_required
def stats_csv() -> ResponseReturnValue:
    report, error = _stats_report()
    if error or report is None:
        return error or _error(500, "unavailable", "Er ging iets mis.")
    name = f"cijfers-{report['from']}-{report['to']}.csv"
    return Response(
        figures_report.days_csv(report["days"]),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/overview")
@supervisor_required
def overview() -> Response:
    """The supervisor's regions now: counsellors online, waiting, in a chat, longest wait, estimate."""
    regions = auth.region_ids_of(g.counsellor, [r.id for r in get_regions()])
    with get_db().transaction() as session:
        rows = supervision.overview(session, regions, stale_seconds(), waiting.region_loads())
    return jsonify({"regions": rows})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
