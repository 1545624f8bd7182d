"""The commands operators run, and migrations that match the models."""
import io

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from relay.cli import main
from relay.db import get_db
from relay.models import Base, Counsellor


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
    assert run_cli(monkeypatch, app, ["counsellor", "add", "anna", "--name", "Anna", "--regions", "utrecht"],
                   "eerste-wachtwoord\n") == 0
    assert run_cli(monkeypatch, app, ["counsellor", "add", "anna", "--name", "Anna de Vries", "--regions", "all",
                                      "--max-chats", "5"], "tweede-wachtwoord\n") == 0
    with get_db(app).transaction() as session:
        anna = session.scalars(select(Counsellor)).one()
    assert (anna.name, anna.regions, anna.max_chats) == ("Anna de Vries", "all", 5)
    assert "tweede-wachtwoord" not in anna.password_hash
    assert "saved" in capsys.readouterr().out


def test_counsellor_add_refuses_unknown_regions_and_short_passwords(monkeypatch, app, capsys):
    assert run_cli(monkeypatch, app, ["counsellor", "add", "bram", "--name", "Bram", "--regions", "atlantis"],
                   "lang-genoeg-wachtwoord\n") == 2
    assert run_cli(monkeypatch, app, ["counsellor", "add", "bram", "--name", "Bram", "--regions", "utrecht"],
                   "kort\n") == 2
    assert "atlantis" in capsys.readouterr().err
