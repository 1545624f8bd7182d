"""Steps of a visitor's journey that the one-relay and the two-relay tests share."""

from __future__ import annotations

import threading

import requests

from tests.support.clients import Counsellor, Visitor


def take_and_talk(
    counsellor: Counsellor, visitor: Visitor, conversation: str, name: str = "Anna", region: str = "utrecht"
) -> None:
    """The counsellor takes the queued chat, the visitor is told who, and each says one thing."""
    counsellor.send({"type": "take", "conversation": conversation})
    taken = counsellor.until(lambda f: f["type"] == "taken")[-1]
    assert "Ik wil met een medewerker praten" in [m["text"] for m in taken["transcript"]]
    agent = visitor.until(lambda f: f["type"] == "agent")[-1]
    assert agent == {"type": "agent", "kind": "counsellor", "name": name, "region": region}
    counsellor.send({"type": "message", "conversation": conversation, "text": f"Hoi Sam, ik ben {name}."})
    heard = visitor.until(lambda f: f["type"] == "message" and f["from"] == "counsellor")[-1]
    assert heard["text"] == f"Hoi Sam, ik ben {name}."
    echo = visitor.say("Fijn dat je er bent.")
    assert echo["seq"] == heard["seq"] + 1
    to_counsellor = counsellor.until(lambda f: f["type"] == "message" and f["from"] == "visitor")[-1]
    assert to_counsellor["text"] == "Fijn dat je er bent." and to_counsellor["conversation"] == conversation
    assert to_counsellor["seq"] == echo["seq"]


def urgent_words_alert_both(visitor: Visitor, counsellor: Counsellor, conversation: str) -> None:
    visitor.say("Hij slaat me nu")
    assert "112" in visitor.until(lambda f: f["type"] == "alert")[-1]["phones"]
    assert counsellor.until(lambda f: f["type"] == "alert")[-1] == {
        "type": "alert",
        "conversation": conversation,
        "level": "urgent",
        "category": "acute",
        "reason": "violence",
    }


def end_and_register(counsellor: Counsellor, visitor: Visitor, conversation: str, relay_url: str) -> None:
    """The counsellor ends the chat, both sides hear it, and the advice is registered anonymously."""
    counsellor.send({"type": "end", "conversation": conversation})
    assert visitor.until(lambda f: f["type"] == "ended")[-1] == {"type": "ended", "by": "counsellor"}
    assert counsellor.until(lambda f: f["type"] == "ended")[-1]["by"] == "counsellor"
    registration = requests.post(
        f"{relay_url}/api/console/registrations",
        cookies={"voordeur_console": counsellor.cookie},
        headers={"Origin": relay_url},
        timeout=10,
        json={
            "conversation": conversation,
            "kinds": ["partner_violence"],
            "role": "victim",
            "advice": "Veiligheidsplan",
            "referrals": ["veilig_thuis_phone"],
        },
    )
    assert registration.status_code == 201


def all_take_at_once(counsellors: list[Counsellor], conversation: str) -> list[dict]:
    """Every counsellor sends ``take`` for one conversation at the same moment: their answers."""
    barrier = threading.Barrier(len(counsellors))
    answers: dict[int, dict] = {}

    def take(index: int, counsellor: Counsellor) -> None:
        barrier.wait()
        counsellor.send({"type": "take", "conversation": conversation})
        answers[index] = counsellor.until(lambda f: f["type"] in ("taken", "error"))[-1]

    threads = [threading.Thread(target=take, args=(i, c)) for i, c in enumerate(counsellors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answers[i] for i in sorted(answers)]
