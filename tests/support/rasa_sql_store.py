"""Run with .venv-bot: save or show trackers in a Rasa SQLTrackerStore on a SQLite file (test_retention)."""

import asyncio
import sys

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=sys.argv[1])


async def main():
    for sid in sys.argv[3:]:
        if sys.argv[2] == "save":
            tracker = DialogueStateTracker(sid, [])
            tracker.update(UserUttered("Ik woon in Utrecht"))
            await store.save(tracker)
        else:
            tracker = await store.retrieve(sid)
            said = [] if tracker is None else [e for e in tracker.events if isinstance(e, UserUttered)]
            print(sid, len(said))


asyncio.run(main())
