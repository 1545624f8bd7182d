"""The commands operators run, and migrations that match the models."""

import io
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from bench.stack import POSTGRES_URL
from relay.db import get_db
from relay.domain.models import Base, Counsellor
from relay.ops.cli import main


def test_migrations_create_exactly_the_models(app):
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def run_cli(monkeypatch, app, argv, stdin=""):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_counsellor_add_creates_and_updates(monkeypatch, app, capsys):
    assert (
        run_cli(
            monkeypatch,
            app,
            ["counsellor", "add", "anna", "--name", "Anna", "--regions", "utrecht"],
            "eerste-wachtwoord\n",
        )
        == 0
    )
    assert (
        run_cli(
            monkeypatch,
            app,
            ["counsellor", "add", "anna", "--name", "Anna de Vries", "--regions", "all", "--max-chats", "5"],
            "tweede-wachtwoord\n",
        )
        == 0
    )
    with get_db(app).transaction() as session:
        anna = session.scalars(select(Counsellor)).one()
    assert (anna.name, anna.regions, anna.max_chats) == ("Anna de Vries", "all", 5)
    assert "tweede-wachtwoord" not in anna.password_hash
    assert "saved" in capsys.readouterr().out


def test_counsellor_add_refuses_unknown_regions_and_short_passwords(monkeypatch, app, capsys):
    assert (
        run_cli(
            monkeypatch,
            app,
            ["counsellor", "add", "bram", "--name", "Bram", "--regions", "atlantis"],
            "lang-genoeg-wachtwoord\n",
        )
        == 2
    )
    assert (
        run_cli(monkeypatch, app, ["counsellor", "add", "bram", "--name", "Bram", "--regions", "utrecht"], "kort\n")
        == 2
    )
    assert "atlantis" in capsys.readouterr().err


def test_db_create_makes_a_missing_postgresql_database_once(monkeypatch, capsys):
    """`make run-scaled` runs `python -m relay db create` against a database that may not exist yet."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except OperationalError:
        pytest.skip("no PostgreSQL here")
    name = f"voordeur_create_{uuid.uuid4().hex[:8]}"
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert main(["db", "create"]) == 0
        assert f"created database {name}" in capsys.readouterr().out
        assert main(["db", "create"]) == 0  # a second time: nothing to create, still up to date
        assert "created" not in capsys.readouterr().out
        engine = create_engine(url)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM conversations").scalar() == 0
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
