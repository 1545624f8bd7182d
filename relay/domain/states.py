"""The states of a conversation and the transitions allowed between them.

This module has no dependencies, so the model can type its column with the enum; the functions
that change a conversation's state (relay/domain/conversations.py: ``open_conversation``, ``enqueue``,
``move_queue``, ``assign``, ``requeue``, ``end``) are the only writers of it, and each asks ``check`` first.
docs/architecture.md draws the same table (a test keeps the two alike).
"""

from __future__ import annotations

from enum import StrEnum


class ConversationState(StrEnum):
    """The values are what the database stores and what the ``session`` frame sends."""

    BOT = "bot"  # with the assistant
    QUEUED = "queued"  # waiting in a region's queue
    ASSIGNED = "assigned"  # with a counsellor
    ENDED = "ended"


BOT, QUEUED, ASSIGNED, ENDED = ConversationState

# A new conversation starts with the assistant.
INITIAL = BOT

# Every allowed transition, with what triggers it.
TRANSITIONS: dict[tuple[ConversationState, ConversationState], str] = {
    (BOT, QUEUED): (
        "the hand-off (the bot's handoff signal, a town typed while one is awaited, "
        "or Rasa down with a known open region)"
    ),
    (QUEUED, QUEUED): (
        "the visitor corrects the town while waiting, or accepts the backup region "
        "(another region's queue, same place in time)"
    ),
    (QUEUED, ASSIGNED): "a counsellor takes the chat",
    (QUEUED, BOT): "the visitor was gone longer than RELAY_QUEUE_GONE_S (back in the queue, at the back, on return)",
    (ASSIGNED, QUEUED): (
        "the counsellor transfers or hands over the chat, or was gone longer than RELAY_COUNSELLOR_GRACE_S"
    ),
    (BOT, ENDED): "the visitor ends the chat",
    (QUEUED, ENDED): "the visitor ends the chat",
    (ASSIGNED, ENDED): "the visitor or the counsellor ends the chat",
}


class IllegalTransition(ValueError):
    """A state change the machine does not allow; raised before anything is written."""

    def __init__(self, current: str | None, target: ConversationState):
        shown = "no state" if current is None else repr(str(current))
        super().__init__(f"a conversation cannot go from {shown} to {target.value!r}")
        self.current = current
        self.target = target


def sources(target: ConversationState) -> frozenset[ConversationState]:
    """The states from which ``target`` may be reached."""
    return frozenset(source for source, to in TRANSITIONS if to is target)


def check(current: str | None, target: ConversationState) -> None:
    """Raise IllegalTransition unless the machine allows ``current`` → ``target``."""
    try:
        source = ConversationState(current or "")
    except ValueError:
        raise IllegalTransition(current, target) from None
    if (source, target) not in TRANSITIONS:
        raise IllegalTransition(current, target)


def mermaid() -> str:
    """The machine as a mermaid ``stateDiagram-v2`` (the one in docs/architecture.md)."""
    lines = ["stateDiagram-v2", f"    [*] --> {INITIAL.value}: the visitor opens the widget"]
    lines += [f"    {source.value} --> {target.value}: {trigger}" for (source, target), trigger in TRANSITIONS.items()]
    lines.append(f"    {ENDED.value} --> [*]: purged after the retention period")
    return "\n".join(lines)
