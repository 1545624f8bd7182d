"""Every benchmark once, in a small size, so that they keep working. Nothing here asserts a time."""

import pytest

from bench import alert_latency, bot_turn, idle_sockets, pairs, rasa_times, takes


@pytest.mark.rasa
def test_bot_turn_times_both_paths(rasa_stack):
    result = bot_turn.main(["--turns", "2", "--rasa-url", rasa_stack])
    assert len(result["direct"]) == len(result["relay"]) == 2


@pytest.mark.parametrize("worker", ["serve", "threads"])
def test_idle_sockets_are_held_and_still_answer(worker):
    result = idle_sockets.main(["--sockets", "10", "--hold", "1", "--worker", worker])
    assert result["sockets"] == 10
    assert result["answered"] == result["sampled"] and result["closed"] == 0


@pytest.mark.postgres
@pytest.mark.parametrize("relays", ["1", "2"])
def test_pairs_deliver_every_message(relays):
    result = pairs.main(["--relays", relays, "--pairs", "4", "--counsellors", "2", "--rate", "10", "--seconds", "2"])
    assert result["errors"] == []
    assert result["missing"] == [] and result["delivered"] == result["sent"] == 20


@pytest.mark.postgres
def test_takes_under_contention_take_each_conversation_once():
    result = takes.main(["--relays", "2", "--conversations", "6", "--counsellors", "4"])
    assert result["taken_twice"] == [] and result["never_taken"] == []
    assert result["assigned"] == 6


@pytest.mark.rasa
def test_training_and_startup_are_timed():
    result = rasa_times.main(["--smoke"])
    assert result["training_s"] > 0 and len(result["startup_s"]) == 1


@pytest.mark.postgres
def test_alert_latency_in_every_state_and_rasa_condition():
    report = alert_latency.main(["--conversations", "1"])
    assert sorted(report) == sorted(alert_latency.CONDITIONS)
    for condition in report.values():
        for name in (
            "bot: visitor",
            "queued: visitor",
            "queued: counsellor",
            "assigned: visitor",
            "assigned: counsellor",
            "first answer",
            "later answer",
        ):
            assert condition[name]["n"] >= 1
