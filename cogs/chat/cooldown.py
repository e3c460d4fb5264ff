"""The plain-chat cooldown: each person may ask 5 questions a minute; the
sixth gets one "slow down", the rest of that minute is ignored.

The count lives in the database (``chat_cooldowns``), one upsert per question,
so it holds across the processes serving different shards (one person asking
in two servers, or in a server and by DM) and across restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.clock import epoch_ms
from db.base import Database
from db.people import ChatCooldowns

# Per person: at most this many questions per window; the first extra one gets
# a "slow down", the rest are ignored until the window passes.
QUESTIONS_PER_WINDOW = 5
WINDOW_SECONDS = 60
WINDOW_MS = WINDOW_SECONDS * 1000
# Ended windows are dropped from a process's memory once it holds this many.
_FORGET_QUIET_PAST = 1000


class Verdict(Enum):
    ANSWER = "answer"
    SLOW_DOWN = "slow down"  # the first question past the limit, once per window
    IGNORE = "ignore"  # every later one in that window


@dataclass(frozen=True)
class Turn:
    verdict: Verdict
    retry_after: float  # seconds until the window ends


def slow_down_text(turn: Turn) -> str:
    return (
        f"Slow down a little: {QUESTIONS_PER_WINDOW} questions a minute. "
        f"Try again in {turn.retry_after:.0f} s."
    )


class ChatCooldown:
    """One per process. Once a person's window is used up (the "slow down"
    was said, here or in another process), the rest of it is ignored here
    without a write: a flood costs the database at most one upsert per
    question up to the sixth, then none until the window ends."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._quiet_until: dict[int, int] = {}  # user → epoch ms their window ends

    async def take_turn(self, user_id: int, *, now: datetime) -> Turn:
        """Count one question of ``user_id`` at ``now`` (one upsert, unless
        this process already knows the window is used up) and say what to do."""
        at = epoch_ms(now)
        until = self._quiet_until.get(user_id)
        if until is not None and at < until:
            return Turn(Verdict.IGNORE, (until - at) / 1000)
        window = await ChatCooldowns(self._db).ask(user_id, now=at, window_ms=WINDOW_MS)
        # After ``at``: a window that began WINDOW_MS or more before it was restarted.
        ends = window.started_at + WINDOW_MS
        retry_after = (ends - at) / 1000
        if window.asked <= QUESTIONS_PER_WINDOW:
            self._quiet_until.pop(user_id, None)
            return Turn(Verdict.ANSWER, retry_after)
        self._remember_quiet(user_id, ends, at)
        if window.asked == QUESTIONS_PER_WINDOW + 1:
            return Turn(Verdict.SLOW_DOWN, retry_after)
        return Turn(Verdict.IGNORE, retry_after)

    def _remember_quiet(self, user_id: int, until: int, now: int) -> None:
        if len(self._quiet_until) >= _FORGET_QUIET_PAST:
            self._quiet_until = {u: t for u, t in self._quiet_until.items() if t > now}
        self._quiet_until[user_id] = until
