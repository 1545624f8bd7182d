"""The Rasa SDK names the actions use, imported in this one place.

rasa_sdk 3.6 ships no type information (no py.typed marker), so mypy sees its names as Any; the one
`type: ignore` per import lives here instead of in every actions module.
"""

from rasa_sdk import (  # type: ignore[import-untyped]  # no py.typed
    Action,
    FormValidationAction,
    Tracker,
)
from rasa_sdk.events import (  # type: ignore[import-untyped]  # no py.typed
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import (  # type: ignore[import-untyped]  # no py.typed
    CollectingDispatcher,
)
from rasa_sdk.types import (  # type: ignore[import-untyped]  # no py.typed
    DomainDict,
)

__all__ = [
    "Action",
    "CollectingDispatcher",
    "DomainDict",
    "EventType",
    "FollowupAction",
    "FormValidationAction",
    "SlotSet",
    "Tracker",
]
