"""Splits from a watch file (``/splits import``): read the file's laps,
propose the ones that were the day's reps, keep the private preview in
memory until the athlete confirms, then store through the very path of
``/splits submit``.

Discord-free, like every use case: the cog hands over an :class:`Upload`
(the attachment's name, its declared size and a way to download it) and an
:class:`~bot.permissions.Actor`. The file is read in memory by
:func:`cogs.splits.watch.read_activity` (off the event loop, with a time
limit) and dropped: only the laps' numbers, distances and timer times are
kept, in the preview, and only the chosen laps' times and distances are
stored, on **Confirm**. No file, position or heart rate is ever stored.

The preview lives in :class:`Previews` (the cog's, in memory, 10 minutes,
a bounded number of them): a restart forgets every open preview, and a click
on one then says it expired. **Confirm** builds the splits text an athlete
would type (``29.78 29.98 …``, or ``243m 29.78, 252m 29.98`` without a
workout) and calls :func:`~cogs.splits.submit.submit_splits` with the
preview's day and workout and ``source="file"``: the same unit of work, the
same checks (a wrong number of laps is the same error as a wrong number of
typed splits) and the same public reply.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bot.context import server_today
from bot.domain.dates import local_today, parse_date
from bot.domain.errors import InputError
from bot.domain.laps import Lap, Proposal, propose
from bot.domain.limits import SPLITS_TEXT, check_split_date
from bot.domain.times import format_time
from bot.groups import group_names, member_group_ids, workout_label
from bot.permissions import Actor
from cogs.splits.choosing import (
    WORKOUT_OPTION,
    candidates_for,
    choice_lines,
    choose_fitting,
    day_slots,
    loggable,
    named_workout,
    short_date,
    summary_of,
    typed_label,
)
from cogs.splits.submit import Outcome, submit_splits
from cogs.splits.watch import MAX_FILE_BYTES, Activity, ActivityRefused, read_activity
from db.base import Database
from db.groups import TEAM, GroupQueries
from db.guild_settings import GuildSettings
from db.workouts import StoredWorkout, WorkoutQueries

#: How long a preview stays open: a decision made now, like a confirm button.
PREVIEW_TTL = timedelta(minutes=10)
#: Open previews kept at once (the oldest goes first): memory stays bounded
#: whatever a flood of imports does.
MAX_PREVIEWS = 500
#: A preview id: 16 hex digits, in the custom ids of the preview's menu and buttons.
PREVIEW_ID_HEX = 16

EXAMPLE = "`/splits import file:(your .fit or .tcx file)`"


@dataclass(frozen=True)
class Upload:
    """The attachment, as the use case needs it: no Discord object."""

    filename: str  # as the client named it: user text
    size: int  # the size Discord declares, checked before downloading
    read: Callable[[], Awaitable[bytes]]  # downloads it


@dataclass(frozen=True)
class Preview:
    """An open preview: whose, where, which day and workout, the laps, and
    the laps currently selected (lap numbers, in lap order)."""

    id: str
    owner_id: int
    guild_id: int
    created: datetime
    filename: str
    sport: str
    day: date
    workout_id: int | None
    workout_title: str | None  # user text, as the coach typed it
    workout_summary: str | None  # "4 × 250 m, 1 × 300 m", or a repless workout's text
    label: str | None  # "Sprints · pm"; None for the team's main workout or none
    proposal: Proposal
    selection: tuple[int, ...]
    message_id: int | None = None  # the private message showing it, once sent

    @property
    def reps(self) -> tuple[Decimal, ...] | None:
        """The workout's rep distances; ``None``: the laps keep the watch's
        distances (no workout that day, or one without structured reps)."""
        return self.proposal.reps

    @property
    def offered(self) -> tuple[int, ...]:
        return self.proposal.offered

    def lap(self, number: int) -> Lap:
        return _lap(self.proposal, number)

    def with_message(self, message_id: int) -> Preview:
        return replace(self, message_id=message_id)


class Previews:
    """Open previews by id, in memory: each for ``ttl``, at most ``cap``."""

    def __init__(self, ttl: timedelta = PREVIEW_TTL, cap: int = MAX_PREVIEWS) -> None:
        self.ttl = ttl
        self.cap = cap
        self._open: OrderedDict[str, Preview] = OrderedDict()
        # Previews whose Confirm is being stored right now (taken, not yet
        # done), and the last ones stored: a late second click is told so,
        # without turning the "Submitted" preview into "expired".
        self._storing: set[str] = set()
        self._stored: OrderedDict[str, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._open)

    def _expired(self, preview: Preview, now: datetime) -> bool:
        return not timedelta(0) <= now - preview.created <= self.ttl

    def add(self, preview: Preview, now: datetime) -> Preview:
        """Keep ``preview``, first dropping expired ones and, at the cap, the oldest."""
        for key in [k for k, p in self._open.items() if self._expired(p, now)]:
            del self._open[key]
        while len(self._open) >= self.cap:
            self._open.popitem(last=False)
        self._open[preview.id] = preview
        return preview

    def get(self, preview_id: str, now: datetime) -> Preview | None:
        """The open preview ``preview_id``; ``None`` when unknown (never
        opened, closed, pushed out, or from before a restart) or expired."""
        preview = self._open.get(preview_id)
        if preview is not None and self._expired(preview, now):
            del self._open[preview_id]
            return None
        return preview

    def update(self, preview: Preview) -> None:
        """Replace a preview that is still open (a closed one stays closed)."""
        if preview.id in self._open:
            self._open[preview.id] = preview

    def take(self, preview_id: str, now: datetime) -> Preview | None:
        """:meth:`get` and close it: a second click while the first is
        being stored finds nothing (nothing is stored twice)."""
        preview = self.get(preview_id, now)
        if preview is not None:
            del self._open[preview_id]
            self._storing.add(preview_id)
        return preview

    def confirmed(self, preview_id: str) -> bool:
        """Whether a Confirm of ``preview_id`` is being stored, or was lately."""
        return preview_id in self._storing or preview_id in self._stored

    def stored(self, preview_id: str) -> None:
        """The Confirm :meth:`take` began has stored the laps."""
        self._storing.discard(preview_id)
        self._stored[preview_id] = None
        while len(self._stored) > self.cap:
            self._stored.popitem(last=False)

    def put_back(self, preview: Preview) -> None:
        """Reopen a preview :meth:`take` closed whose submission was refused
        (a wrong number of laps, say): the athlete can fix the selection."""
        self._storing.discard(preview.id)
        self._open[preview.id] = preview

    def close(self, preview_id: str) -> None:
        self._open.pop(preview_id, None)


# ------------------------------------------------------------------ the text


def split_time(ms: int) -> str:
    """A lap's time as an athlete would type it, to the hundredth:
    ``29.78``, ``1:02.40`` (the display rule's own form under 10 minutes),
    and past it still hundredths, ``10:22.39`` (where the display rule
    shows tenths), so the stored time is the lap's."""
    if ms < 10 * 60 * 1000:
        return format_time(ms)
    hundredths = (ms + 5) // 10
    hours, rest = divmod(hundredths, 60 * 60 * 100)
    minutes, rest = divmod(rest, 60 * 100)
    seconds, rest = divmod(rest, 100)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{rest:02d}"
    return f"{minutes}:{seconds:02d}.{rest:02d}"


def whole_metres(distance_m: Decimal) -> int:
    """A recorded distance rounded half up to the metre (243.5 m → 244)."""
    return int(distance_m.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def splits_text(preview: Preview, selection: Sequence[int] | None = None) -> str:
    """The splits an athlete would type for the selected laps: the times in
    order for a workout's reps, ``243m 29.78, 252m 29.98`` (the watch's
    distances to the metre) otherwise. Raises ``InputError`` for a lap
    that has no distance to store."""
    numbers = preview.selection if selection is None else selection
    laps = [preview.lap(number) for number in numbers]
    if preview.reps is not None:
        return " ".join(split_time(lap.time_ms) for lap in laps)
    parts = []
    for lap in laps:
        if lap.distance_m is None:
            raise InputError(
                f"Lap {lap.number} has no recorded distance, and with no workout's reps to "
                "go by each lap is stored with its distance. Leave it out in the menu, or "
                "name the workout with `workout:`.",
                EXAMPLE,
            )
        parts.append(f"{whole_metres(lap.distance_m)}m {split_time(lap.time_ms)}")
    return ", ".join(parts)


# ------------------------------------------------------------- the use cases


@dataclass(frozen=True)
class _Day:
    """A day's workouts as a person sees them for logging splits."""

    workouts: list[StoredWorkout]  # all of them
    visible: list[StoredWorkout]  # the ones this person may log
    names: dict[int, str]  # group id → name
    mine: frozenset[int]  # the person's groups


async def _day(
    db: Database, athlete: Actor, guild_id: int, settings: GuildSettings, today: date, day: date
) -> _Day:
    workouts = await WorkoutQueries(db).for_day(guild_id, day)
    coach = athlete.is_coach(settings)
    visible = [w for w in workouts if loggable(w, today, coach=coach)]
    ids = {w.group_id for w in workouts if w.group_id != TEAM}
    if not ids:  # a server without groups never reads them
        return _Day(workouts, visible, {}, frozenset())
    groups = await GroupQueries(db).current(guild_id)
    names = await group_names(db, guild_id, ids)
    return _Day(workouts, visible, names, member_group_ids(groups, athlete.role_ids))


def _named_workout(value: str, found: _Day, day: date) -> StoredWorkout:
    """The workout the ``workout`` option names, as for ``/splits submit``."""
    return named_workout(
        value,
        found.visible,
        found.names,
        found.mine,
        day,
        no_workout=(
            "leave `workout` out: the laps are then stored with the watch's distances",
            EXAMPLE,
        ),
    )


def rep_distances(workout: StoredWorkout | None) -> tuple[Decimal, ...] | None:
    """What the laps are matched to: the workout's reps, or ``None`` (no
    workout, or one without structured reps: the watch's distances)."""
    if workout is None or not workout.plan.reps:
        return None
    return tuple(rep.distance_m for rep in workout.plan.reps)


def _fits(laps: Sequence[Lap]) -> Callable[[StoredWorkout], bool]:
    """Whether every rep of a workout is found among the laps."""

    def fits(workout: StoredWorkout) -> bool:
        reps = rep_distances(workout)
        return reps is not None and propose(laps, reps).complete

    return fits


def _chosen_workout(laps: Sequence[Lap], found: _Day, day: date) -> StoredWorkout | None:
    """The workout chosen without ``workout``: the candidates as for
    ``/splits submit``, then, among several, the ones whose reps were all
    found among the laps; exactly one left is used, else the athlete is
    asked to choose. With no candidate, the day's team-wide main workout if
    there is one (not posted yet: still the one the day's splits are for),
    as for ``/splits submit``."""
    choice = choose_fitting(candidates_for(found.visible, found.mine), _fits(laps))
    if choice.decided:
        if choice.workout is None:
            return next((w for w in found.workouts if (w.group_id, w.session) == (TEAM, "")), None)
        return choice.workout
    slots = day_slots(choice.choices, (), found.names, found.mine)
    why = (
        f"The file's laps fit more than one of your workouts on {short_date(day)}"
        if choice.fit
        else f"The file's laps don't hold every rep of any of your workouts on {short_date(day)}"
    )
    raise InputError(
        f"{why}, so nothing was stored. Choose one with `workout:` (the list appears as you "
        f"type):\n{choice_lines(slots)}",
        f"`/splits import file:… workout:{typed_label(slots[0])}`",
    )


def _recorded_day(activity: Activity, tz: str, today: date) -> tuple[date, bool]:
    """The day the activity was recorded, in the server's timezone (today
    when the file has no start time); ``True`` when it came from the file."""
    if activity.started_at is None:
        return today, False
    return local_today(activity.started_at, tz), True


async def import_activity(
    db: Database,
    athlete: Actor,
    upload: Upload,
    *,
    now: datetime,
    previews: Previews,
    date_text: str | None = None,
    workout_text: str | None = None,
    acknowledge: Callable[[], Awaitable[object]] | None = None,
) -> Preview:
    """Read ``upload``'s laps and open a preview of the splits they make.

    The options are checked first (a file over the size limit by its
    declared size, before downloading it; the date; the workout, when the
    date is given), then ``acknowledge`` is awaited (the cog defers: reading
    a file can take over a second), then the file is downloaded and read.
    The day is ``date_text`` (read looking back, as for ``/splits submit``)
    or the day the activity was recorded in the server's timezone; the
    workout the one ``workout_text`` names, or chosen among the athlete's
    candidates by whether all its reps are among the laps. Nothing is
    stored. Raises ``InputError`` (``ActivityRefused`` for the file) naming
    the problem.
    """
    guild_id = athlete.server()
    named = WORKOUT_OPTION.check(workout_text)
    if upload.size > MAX_FILE_BYTES:
        raise ActivityRefused.too_large(upload.size)
    settings, today = await server_today(db, guild_id, now)
    given: date | None = None
    found: _Day | None = None
    if date_text is not None:
        given = check_split_date(parse_date(date_text, today, direction="back"), today)
        if named is not None:  # checked before the wait: the date is known
            found = await _day(db, athlete, guild_id, settings, today, given)
            _named_workout(named, found, given)
    if acknowledge is not None:
        await acknowledge()
    data = await upload.read()
    if len(data) > MAX_FILE_BYTES:  # the declared size was not the file's
        raise ActivityRefused.too_large(len(data))
    activity = await read_activity(data, upload.filename)
    day = given
    if day is None:
        day, from_file = _recorded_day(activity, settings.timezone, today)
        try:
            check_split_date(day, today)
        except InputError as error:
            if not from_file:
                raise
            raise InputError(
                f"The file says it was recorded on {day.isoformat()}. {error.message} "
                "Give the day with `date:`.",
                "`date:today`",
            ) from None
    if found is None:  # not read before the download
        found = await _day(db, athlete, guild_id, settings, today, day)
    if named is not None:
        workout = _named_workout(named, found, day)
    else:
        workout = _chosen_workout(activity.laps, found, day)
    proposal = propose(activity.laps, rep_distances(workout))
    selection = proposal.chosen
    if proposal.reps is None:  # a lap without a distance has nothing to be stored as
        selection = tuple(n for n in selection if _lap(proposal, n).distance_m is not None)
    label = None
    if workout is not None and (workout.group_id, workout.session) != (TEAM, ""):
        label = workout_label(workout, found.names)
    preview = Preview(
        id=secrets.token_hex(PREVIEW_ID_HEX // 2),
        owner_id=athlete.user_id,
        guild_id=guild_id,
        created=now,
        filename=upload.filename,
        sport=activity.sport,
        day=day,
        workout_id=workout.id if workout is not None else None,
        workout_title=workout.title if workout is not None else None,
        workout_summary=summary_of(workout, 80) if workout is not None else None,
        label=label,
        proposal=proposal,
        selection=selection,
    )
    return previews.add(preview, now)


def _lap(proposal: Proposal, number: int) -> Lap:
    return next(lap for lap in proposal.laps if lap.number == number)


def select_laps(preview: Preview, values: object) -> Preview:
    """The preview with the laps a select menu sent: untrusted values, each
    one of the offered laps' numbers, at least one, none twice; kept in lap
    order (the reps are run in order)."""
    if not isinstance(values, list) or not values:
        raise InputError("Choose at least one lap in the menu; nothing was stored.")
    offered = {str(number): number for number in preview.offered}
    chosen: set[int] = set()
    for value in values:
        number = offered.get(value) if isinstance(value, str) else None
        if number is None or number in chosen:
            raise InputError(
                "That menu sent a lap this preview doesn't offer, so nothing changed. "
                "Choose among the laps the menu lists."
            )
        chosen.add(number)
    return replace(preview, selection=tuple(sorted(chosen)))


async def confirm_import(
    db: Database, athlete: Actor, preview: Preview, *, now: datetime
) -> Outcome:
    """Store the preview's selected laps exactly as ``/splits submit`` would
    store the same splits typed, for the preview's day and workout, with
    ``source`` ``file``. Raises ``InputError`` with nothing stored (the same
    error as typing, for a wrong number of laps)."""
    if athlete.user_id != preview.owner_id or athlete.guild_id != preview.guild_id:
        raise InputError("That preview is someone else's, so nothing was stored.")
    if not preview.selection:
        raise InputError("Choose at least one lap in the menu; nothing was stored.")
    text = splits_text(preview)
    if len(text) > SPLITS_TEXT.max_length:
        raise InputError(
            f"Those {len(preview.selection)} laps make more splits than one submission holds "
            f"({SPLITS_TEXT.max_length:,} characters); choose fewer laps in the menu.",
            EXAMPLE,
        )
    return await submit_splits(
        db,
        athlete,
        text=text,
        note=None,
        now=now,
        day=preview.day,
        workout_id=preview.workout_id,
        source="file",
    )
