"""An editor's change to a content file reaches the running relay without a restart (docs/editing.md)."""

import shutil
from pathlib import Path

import pytest

from voordeur_content import use_content_dir

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


@pytest.fixture
def content_dir(tmp_path):
    """A copy of the content files (without the triage examples: the rules alone are enough here)."""
    folder = tmp_path / "content"
    folder.mkdir()
    for path in CONTENT.glob("*.yml"):
        shutil.copy(path, folder / path.name)
    yield folder
    use_content_dir(CONTENT)  # the relay set it; later tests read the repository's files


@pytest.fixture
def app(database_url, content_dir):
    from relay import create_app
    from relay.bridge.triage import get_model_opinions
    from relay.db import get_db
    from relay.ops.migrate import upgrade_database

    upgrade_database(database_url)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "RELAY_SCHEDULE": "always",
            "RASA_URL": "http://127.0.0.1:9",
            "CONTENT_DIR": str(content_dir),
        }
    )
    yield app
    # An opinion still being written holds a database connection: disposed under it, the connection
    # goes back to a pool nobody holds and is closed only by the garbage collector, which warns
    # (ResourceWarning, an error here) in whatever test happens to run then.
    get_model_opinions(app).drain()
    get_model_opinions(app).shutdown()
    app.extensions["relay_rasa"].close()
    get_db(app).dispose()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_new_region_and_its_towns_reach_the_status_and_the_town_lookup(app, client, content_dir):
    from voordeur_content import places

    assert "texel" not in {r["id"] for r in client.get("/api/status").get_json()["regions"]}
    edit(
        content_dir / "regions.yml",
        "regions:\n",
        "regions:\n"
        "  - id: texel\n    name: Veilig Thuis Texel\n    short_name: Texel\n    towns: [Den Burg, Oosterend]\n",
    )
    status = client.get("/api/status").get_json()
    assert {"id": "texel", "name": "Veilig Thuis Texel"}.items() <= status["regions"][0].items()
    assert places.region_for_town("ik woon in Oosterend").id == "texel"  # what the relay and the bot ask


def test_a_changed_phone_number_reaches_the_widget(client, content_dir):
    assert client.get("/api/status").get_json()["phone"] == "0800 2000"
    edit(content_dir / "phone_numbers.yml", 'number: "0800 2000"', 'number: "0800 2020"')
    assert client.get("/api/status").get_json()["phone"] == "0800 2020"


def test_changed_canned_replies_and_registration_options_reach_the_console(client, make_counsellor, content_dir):
    make_counsellor()
    client.post("/api/console/login", json={"username": "anna", "password": "wachtwoord-123"})
    first = client.get("/api/console/canned").get_json()["replies"][0]
    edit(content_dir / "canned_replies.yml", first["text"], "Fijn dat je er bent.")
    assert client.get("/api/console/canned").get_json()["replies"][0]["text"] == "Fijn dat je er bent."
    edit(content_dir / "registration.yml", 'label: "Partnergeweld"', 'label: "Geweld door een partner"')
    kinds = client.get("/api/console/registration-options").get_json()["kinds"]
    assert {"id": "partner_violence", "label": "Geweld door een partner"} in kinds


def test_changed_evening_hours_reach_the_relays_opening_hours(app, content_dir):
    from datetime import date, time

    from relay.schedule import get_schedule

    app.config["RELAY_SCHEDULE"] = None  # the real weekly hours, rebuilt from the file below
    monday = date(2026, 11, 30)
    edit(content_dir / "regions.yml", "  - id: utrecht\n", "  - id: utrecht\n    extra_hours: {mon: ['18:00-21:00']}\n")
    with app.app_context():
        assert get_schedule().intervals_on("utrecht", monday)[-1] == (time(18), time(21))
    edit(content_dir / "regions.yml", "    extra_hours: {mon: ['18:00-21:00']}\n", "")
    with app.app_context():
        assert get_schedule().intervals_on("utrecht", monday) == [(time(9), time(17))]
