"""The visitor's feedback after a chat: two optional questions and an optional comment.

The answers are counted in the figures of the day and region (relay/domain/figures.py) and the
comment is stored apart, with only the day and region: nothing leads from either back to the
conversation. The conversation only remembers *that* it gave feedback (its ``figures_counted``),
so it can give it once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from relay.domain import figures, texts
from relay.domain.conversations import lock_conversation
from relay.domain.models import FeedbackComment
from relay.domain.states import ENDED

MAX_COMMENT = 500


class FeedbackError(ValueError):
    def __init__(self, code: str):
        super().__init__(texts.FEEDBACK_ERRORS[code])
        self.code = code
        self.message = texts.FEEDBACK_ERRORS[code]


def validate(answers: Any) -> tuple[int | None, bool | None, str]:
    """(helped 1-5 or None, again or None, the comment stripped) or FeedbackError."""
    if not isinstance(answers, dict):
        raise FeedbackError("invalid_feedback")
    helped, again, comment = answers.get("helped"), answers.get("again"), answers.get("comment") or ""
    # bool is an int in Python: true is not a score.
    if helped is not None and (isinstance(helped, bool) or not isinstance(helped, int) or not 1 <= helped <= 5):
        raise FeedbackError("invalid_feedback")
    if again is not None and not isinstance(again, bool):
        raise FeedbackError("invalid_feedback")
    if not isinstance(comment, str):
        raise FeedbackError("invalid_feedback")
    if len(comment) > MAX_COMMENT:
        raise FeedbackError("feedback_too_long")
    return helped, again, comment.strip()


def save_feedback(session: Session, conversation_id: str, answers: Any) -> None:
    """Count the answers of an ended conversation once; FeedbackError (and nothing stored) otherwise.

    Nothing is asked after a chat that had an urgent alert, and nothing is taken either: the
    widget never shows the questions then, and the figures follow the same rule."""
    helped, again, comment = validate(answers)
    conversation = lock_conversation(session, conversation_id)
    if conversation is None or conversation.state != ENDED:
        raise FeedbackError("feedback_before_end")
    if conversation.urgent:
        raise FeedbackError("feedback_not_asked")
    if not figures.first_time(session, conversation.id, figures.FEEDBACK):
        raise FeedbackError("feedback_given")
    counts = [(figures.HELPED, helped)] if helped is not None else []
    if again is not None:
        counts.append((figures.AGAIN, int(again)))
    if counts or comment:  # all empty is a skip: nothing to count
        figures.add(session, conversation.region, [(figures.FEEDBACK, 0), *counts])
    if comment:
        day = figures.local_now().date().isoformat()
        session.add(FeedbackComment(day=day, region=conversation.region, comment=comment))
