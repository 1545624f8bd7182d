"""The Redis broker: what one relay process publishes, the others hear, in order; Redis down stops the start."""

import queue
import threading

import pytest

from bench.stack import free_port
from relay.broker import make_broker
from relay.broker.redis_broker import RedisBroker, RedisUnavailable, split_prefix


def collector():
    heard = queue.Queue()
    return heard, lambda channel, event: heard.put((channel, event))


def drain(heard, count, timeout=5.0):
    return [heard.get(timeout=timeout) for _ in range(count)]


@pytest.fixture
def two_processes(redis_url):
    """Two brokers on one Redis stand in for two relay processes."""
    first, second = RedisBroker(redis_url), RedisBroker(redis_url)
    yield first, second
    first.close()
    second.close()


def test_an_event_published_by_one_process_reaches_subscribers_on_both(two_processes):
    first, second = two_processes
    heard_here, here = collector()
    heard_there, there = collector()
    first.subscribe(["conversation:abc"], here)
    second.subscribe(["conversation:abc"], there)
    first.publish("conversation:abc", {"event": "message", "text": "Hoi, ik ben Anna", "seq": 3})
    expected = ("conversation:abc", {"event": "message", "text": "Hoi, ik ben Anna", "seq": 3})
    assert heard_here.get(timeout=5) == expected
    assert heard_there.get(timeout=5) == expected


def test_events_of_one_channel_arrive_in_publish_order(two_processes):
    first, second = two_processes
    heard, callback = collector()
    second.subscribe(["conversation:order"], callback)
    for seq in range(1, 201):
        first.publish("conversation:order", {"event": "message", "seq": seq})
    assert [event["seq"] for _, event in drain(heard, 200)] == list(range(1, 201))


def test_subscription_is_live_when_subscribe_returns(two_processes):
    """A socket listens, then reads history: whatever is published after that must reach it."""
    first, second = two_processes
    for attempt in range(20):
        heard, callback = collector()
        subscription = second.subscribe([f"conversation:live{attempt}"], callback)
        first.publish(f"conversation:live{attempt}", {"event": "message", "seq": attempt})
        assert heard.get(timeout=5)[1]["seq"] == attempt
        subscription.close()


def test_add_remove_and_close_change_what_a_subscription_hears(two_processes):
    first, second = two_processes
    heard, callback = collector()
    subscription = second.subscribe(["region:utrecht"], callback)
    subscription.add("conversation:x")
    first.publish("conversation:x", {"event": "agent", "n": 1})
    first.publish("region:utrecht", {"event": "queue_changed", "n": 2})
    assert sorted(event["n"] for _, event in drain(heard, 2)) == [1, 2]
    subscription.remove("conversation:x")
    first.publish("conversation:x", {"event": "agent", "n": 3})
    first.publish("region:utrecht", {"event": "queue_changed", "n": 4})
    assert heard.get(timeout=5)[1]["n"] == 4
    subscription.close()
    first.publish("region:utrecht", {"event": "queue_changed", "n": 5})
    marker, mark = collector()
    second.subscribe(["region:utrecht"], mark)
    first.publish("region:utrecht", {"event": "queue_changed", "n": 6})
    assert marker.get(timeout=5)[1]["n"] == 6
    assert heard.empty()


def test_one_subscriber_leaving_keeps_the_channel_for_the_other(two_processes):
    first, second = two_processes
    heard_a, a = collector()
    heard_b, b = collector()
    sub_a = second.subscribe(["counsellor:1"], a)
    second.subscribe(["counsellor:1"], b)
    sub_a.close()
    first.publish("counsellor:1", {"event": "taken", "conversation": "c1"})
    assert heard_b.get(timeout=5)[1] == {"event": "taken", "conversation": "c1"}
    assert heard_a.empty()


def test_a_failing_callback_does_not_stop_delivery_to_others(two_processes, caplog):
    first, second = two_processes
    heard, callback = collector()

    def broken(channel, event):
        raise RuntimeError("boom")

    second.subscribe(["conversation:y"], broken)
    second.subscribe(["conversation:y"], callback)
    first.publish("conversation:y", {"event": "ended", "by": "visitor"})
    assert heard.get(timeout=5)[1] == {"event": "ended", "by": "visitor"}


def test_prefixes_keep_installations_apart(redis_url):
    other_url = redis_url.replace("prefix=", "prefix=other-")
    mine, theirs = RedisBroker(redis_url), RedisBroker(other_url)
    try:
        heard, callback = collector()
        mine.subscribe(["region:utrecht"], callback)
        theirs.publish("region:utrecht", {"event": "queue_changed", "from": "theirs"})
        mine.publish("region:utrecht", {"event": "queue_changed", "from": "mine"})
        assert heard.get(timeout=5)[1]["from"] == "mine"
        assert heard.empty()
    finally:
        mine.close()
        theirs.close()


def test_many_threads_subscribing_at_once_all_hear_their_channel(two_processes):
    first, second = two_processes
    results = {}

    def listen(index):
        heard, callback = collector()
        second.subscribe([f"conversation:t{index}"], callback)
        first.publish(f"conversation:t{index}", {"event": "message", "seq": index})
        results[index] = heard.get(timeout=5)[1]["seq"]

    threads = [threading.Thread(target=listen, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: i for i in range(30)}


def test_the_prefix_is_taken_out_of_the_url():
    assert split_prefix("redis://127.0.0.1:6379/0?prefix=vt-a&socket_timeout=5") == (
        "redis://127.0.0.1:6379/0?socket_timeout=5",
        "vt-a",
    )
    assert split_prefix("redis://127.0.0.1:6379/0") == ("redis://127.0.0.1:6379/0", "voordeur")


def test_redis_url_without_redis_fails_loudly_instead_of_falling_back():
    with pytest.raises(RedisUnavailable, match="REDIS_URL"):
        make_broker({"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})


def test_without_redis_url_the_broker_stays_in_process():
    assert type(make_broker({"REDIS_URL": None})).__name__ == "InProcessBroker"


def test_after_redis_drops_the_connection_subscriptions_work_again(two_processes, redis_url):
    """Only this test's own pub/sub connection is killed (by its client name), never anyone else's."""
    import time

    import redis

    first, second = two_processes
    heard, callback = collector()
    second.subscribe(["conversation:again"], callback)
    admin = redis.Redis.from_url(split_prefix(redis_url)[0])
    name = f"voordeur-relay:{second.prefix}"  # the prefix is this test's own
    listening = [c for c in admin.client_list() if c.get("name") == name and int(c.get("sub", 0)) > 0]
    assert len(listening) == 1  # only `second` subscribed
    admin.client_kill_filter(_id=listening[0]["id"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # events published while reconnecting may be lost
        first.publish("conversation:again", {"event": "message", "seq": 1})
        try:
            assert heard.get(timeout=0.5)[1] == {"event": "message", "seq": 1}
            break
        except queue.Empty:
            continue
    else:
        raise AssertionError("no delivery within 10 s after the pub/sub connection was dropped")
    admin.close()
