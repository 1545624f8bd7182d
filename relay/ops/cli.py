"""The relay's commands: serve, counsellor add, registrations export, purge, db upgrade, db create."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import make_url

from relay.config import load_config
from relay.ops.migrate import create_database, upgrade_database


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m relay", description="The Voordeur relay")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the relay (migrates the database first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: RELAY_PORT or 8000")

    counsellor = commands.add_parser("counsellor", help="manage counsellor accounts")
    counsellor_commands = counsellor.add_subparsers(dest="action", required=True)
    add = counsellor_commands.add_parser("add", help="create or update an account; password on stdin")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name shown to visitors")
    add.add_argument("--regions", required=True, help="region ids separated by commas, or 'all'")
    add.add_argument("--max-chats", type=int, default=None, help="simultaneous chats (default RELAY_MAX_CHATS)")
    add.add_argument(
        "--supervisor", action="store_true", help="may see the service figures; without it an account stops being one"
    )

    registrations = commands.add_parser("registrations", help="anonymous advice registrations")
    registrations.add_subparsers(dest="action", required=True).add_parser("export", help="CSV to stdout")

    purge = commands.add_parser("purge", help="delete conversations past RELAY_RETENTION_DAYS, here and in Rasa")
    purge.add_argument("--days", type=float, default=None, help="default: RELAY_RETENTION_DAYS (30)")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="action", required=True)
    db_commands.add_parser("upgrade", help="migrate to the newest schema")
    db_commands.add_parser("create", help="create the PostgreSQL database if it is missing, then migrate")
    return parser


def counsellor_add(args: argparse.Namespace) -> int:
    from relay import create_app
    from relay.db import get_db
    from relay.schedule import get_regions
    from relay.web import auth

    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        print("error: the password (one line on standard input) needs at least 8 characters", file=sys.stderr)
        return 2
    app = create_app(serving=False)
    known = {r.id for r in get_regions(app)}
    regions = args.regions.strip()
    if regions != "all":
        wanted = [r.strip() for r in regions.split(",") if r.strip()]
        unknown = [r for r in wanted if r not in known]
        if unknown or not wanted:
            print(f"error: unknown region(s): {', '.join(unknown) or '(none given)'}", file=sys.stderr)
            return 2
        regions = ",".join(wanted)
    with app.app_context(), get_db(app).transaction() as session:
        counsellor = auth.save_counsellor(
            session,
            args.username,
            args.name,
            regions,
            password,
            max_chats=args.max_chats or app.config["RELAY_MAX_CHATS"],
            supervisor=args.supervisor,
        )
        role = ", supervisor" if counsellor.supervisor else ""
        print(f"counsellor {counsellor.username} saved ({regions}{role})")
    get_db(app).dispose()
    return 0


def registrations_export() -> int:
    from relay import create_app
    from relay.db import get_db
    from relay.domain.registrations import export_csv

    app = create_app(serving=False)
    with get_db(app).transaction() as session:
        sys.stdout.write(export_csv(session))
    get_db(app).dispose()
    return 0


def purge_command(args: argparse.Namespace) -> int:
    from relay import create_app
    from relay.db import get_db
    from relay.ops.retention import purge

    app = create_app(serving=False)
    result = purge(app, args.days)
    get_db(app).dispose()
    print(
        f"purged {len(result.conversations)} conversation(s), {result.messages} message(s); "
        f"Rasa trackers emptied: {result.trackers_purged}, not reached: {result.tracker_failures}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from relay.ops.serve import serve

        serve(args.host, args.port)
        return 0
    config = load_config()
    if args.command == "db" and args.action == "create" and create_database(config["DATABASE_URL"]):
        print(f"created database {make_url(config['DATABASE_URL']).database}")
    upgrade_database(config["DATABASE_URL"])
    if args.command == "db":
        print("database is up to date")
        return 0
    if args.command == "counsellor":
        return counsellor_add(args)
    if args.command == "purge":
        return purge_command(args)
    return registrations_export()
