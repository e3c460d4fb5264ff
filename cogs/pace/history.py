"""The pace use cases' shared step and ``/pace history``: every pace answer
(slash command or plain chat) is stored before it is sent; rejected inputs
raise before anything is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import discord

from bot.clock import epoch_ms
from bot.permissions import Actor
from bot.replies import Answer
from db.base import Database
from db.history import PaceAnswer, PaceHistory
from db.profiles import Profile, Profiles


def inputs_text(**values: str | None) -> str:
    """What was asked, as stored in the history (``time=37.47 distance=300m``)."""
    return " ".join(f"{name}={value}" for name, value in values.items() if value)


async def answered(
    db: Database,
    asker: Actor,
    command: str,
    inputs: str,
    build: Callable[[], Answer],
    *,
    now: datetime,
) -> Answer:
    """Build the answer (an ``InputError`` for bad input, with nothing
    stored) and store it in the asker's history, committed before it is sent."""
    answer = build()
    await PaceHistory(db).record(
        user_id=asker.user_id,
        guild_id=asker.guild_id,
        command=command,
        # PostgreSQL's text cannot hold NUL (U+0000); it means nothing here.
        inputs=inputs.replace("\x00", ""),
        summary=answer.headline,
        created_at=epoch_ms(now),
    )
    return answer


async def answered_for(
    db: Database,
    asker: Actor,
    command: str,
    inputs: str,
    build: Callable[[Profile | None], Answer],
    *,
    now: datetime,
) -> Answer:
    """:func:`answered` for an answer that depends on the asker's profile
    (its units lead the paces; age grading takes its birth year and sex)."""
    profile = await Profiles(db).get(asker.user_id)
    return await answered(db, asker, command, inputs, lambda: build(profile), now=now)


async def history(db: Database, asker: Actor, *, limit: int = 10) -> Answer | str:
    """The asker's last answers, newest first."""
    entries = await PaceHistory(db).recent(asker.user_id, limit=limit)
    if not entries:
        return "No pace answers yet. Try `/pace convert time:37.47 distance:300m`."
    return history_answer(entries)


def _asked_with(command: str) -> str:
    return "in chat:" if command == "chat" else f"`/{command}`"


def history_answer(entries: list[PaceAnswer]) -> Answer:
    lines = [
        f"<t:{entry.created_at // 1000}:g> · {_asked_with(entry.command)} "
        f"{discord.utils.escape_markdown(entry.inputs)}\n"
        f"→ {entry.summary}"
        for entry in entries
    ]
    return Answer(
        kind="Same pace",
        headline=f"Your last {len(entries)} pace answers",
        title="Your last pace answers",
        body="\n".join(lines),
        file_name="pace-history.txt",
    )
