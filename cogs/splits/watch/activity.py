"""What a watch file becomes, and every reason one is refused.

:class:`Activity` is all the reading layer keeps of a file: the sport, when
it started and its laps (number, recorded distance, timer time, rest or not).
Positions, heart rates and the file itself are never kept.

:class:`ActivityRefused` is the one error a file can raise: an
:class:`~bot.domain.errors.InputError` whose message names the problem in
plain words, says nothing was stored, and hints at what to do. Each class of
bad file has its own constructor here, so every reader words it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import InputError
from bot.domain.laps import Lap

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LAPS",
    "RUNNING",
    "UNSPECIFIED",
    "Activity",
    "ActivityRefused",
    "finish",
]

#: The largest file read (the product's limit): larger is refused unread.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: The most laps a file may have; reading stops at the next one.
MAX_LAPS = 200

#: The normalised sport of a run (FIT running, any sub-sport, treadmill
#: included; TCX "Running"; a GPX track typed as a run).
RUNNING = "running"
#: A file that names no sport (FIT "generic", TCX "Other", a GPX without a
#: type): accepted, since nothing says it is not a run.
UNSPECIFIED = "other"

_NOTHING = "nothing was stored"
_EXPORT = "Export the activity as FIT or TCX from your watch's app and send that file."

# What to call an activity of a sport in "This file is a ride (cycling)".
_NOUNS = {
    "cycling": "a ride",
    "e_biking": "a ride",
    "walking": "a walk",
    "hiking": "a hike",
    "swimming": "a swim",
    "rowing": "a row",
    "paddling": "a paddle",
}


@dataclass(frozen=True)
class Activity:
    sport: str  # normalised, lower case: "running", or "other" when the file names none
    started_at: datetime | None  # UTC, aware; None when the file does not say
    laps: tuple[Lap, ...]


class ActivityRefused(InputError):
    """A file that cannot give laps: the message names why, in plain words.

    ``example`` is left empty, so the command's own example follows the
    message; the hint is part of the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message, None)

    @classmethod
    def empty(cls) -> ActivityRefused:
        return cls(f"The file is empty (0 bytes): {_NOTHING}. {_EXPORT}")

    @classmethod
    def too_large(cls, size: int) -> ActivityRefused:
        megabytes = size / (1024 * 1024)
        return cls(
            f"The file is {megabytes:.1f} MB; a watch file can be up to "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB: {_NOTHING}. "
            "Export only this session's activity (one activity, FIT or TCX)."
        )

    @classmethod
    def unknown_type(cls, filename: str, compressed: bool = False) -> ActivityRefused:
        if compressed:
            return cls(
                f"`{_shown(filename)}` is a compressed (zip or gzip) file: {_NOTHING}. "
                "Unpack it and send the .fit or .tcx file inside."
            )
        return cls(
            f"`{_shown(filename)}` is not a watch activity file (.fit, .tcx, or .gpx with "
            f"laps): {_NOTHING}. {_EXPORT}"
        )

    @classmethod
    def not_an_activity(cls, kind: str) -> ActivityRefused:
        return cls(
            f"This FIT file is {_article(kind)} {kind} file, not an activity: {_NOTHING}. {_EXPORT}"
        )

    @classmethod
    def corrupt(cls, kind: str, why: str) -> ActivityRefused:
        return cls(
            f"This {kind} file is corrupt ({why}): {_NOTHING}. "
            "Download or export it again from your watch's app."
        )

    @classmethod
    def truncated(cls, kind: str) -> ActivityRefused:
        return cls(
            f"This {kind} file is truncated (it stops in the middle): {_NOTHING}. "
            "Download or export it again from your watch's app."
        )

    @classmethod
    def invalid_xml(cls, kind: str, why: str) -> ActivityRefused:
        return cls(f"This is not a valid {kind} file ({why}): {_NOTHING}. {_EXPORT}")

    @classmethod
    def hostile_xml(cls, kind: str) -> ActivityRefused:
        return cls(
            f"This is not a valid {kind} file: it declares XML entities or a document "
            f"type, which activity files never do, and was not read: {_NOTHING}. {_EXPORT}"
        )

    @classmethod
    def not_a_run(cls, sport: str) -> ActivityRefused:
        shown = sport.replace("_", " ")
        noun = _NOUNS.get(sport, f"{_article(shown)} {shown} activity")
        described = f"{noun} ({shown})" if sport in _NOUNS else noun
        return cls(f"This file is {described}, not a run: {_NOTHING}.")

    @classmethod
    def multisport(cls, sports: Sequence[str]) -> ActivityRefused:
        named = ", ".join(sport.replace("_", " ") for sport in sports)
        return cls(
            f"This file is a multisport activity ({named}), not a run: {_NOTHING}. "
            "Export the run on its own from your watch's app."
        )

    @classmethod
    def no_laps(cls) -> ActivityRefused:
        return cls(
            f"This file has no laps: {_NOTHING}. Press the lap button at each rep (or use "
            "auto lap) when you record, or type your times with `/splits submit`."
        )

    @classmethod
    def gpx_without_laps(cls) -> ActivityRefused:
        return cls(
            f"This GPX file has a track but no laps (GPX does not keep them): {_NOTHING}. {_EXPORT}"
        )

    @classmethod
    def laps_without_distance(cls) -> ActivityRefused:
        return cls(
            f"This file's laps have no distance (recorded indoors without GPS or a foot "
            f"pod?): {_NOTHING}. Type your times with `/splits submit` instead."
        )

    @classmethod
    def lap_without_time(cls, number: int) -> ActivityRefused:
        return cls(f"Lap {number} of this file has no time: {_NOTHING}. {_EXPORT}")

    @classmethod
    def too_many_laps(cls) -> ActivityRefused:
        return cls(
            f"This file has more than {MAX_LAPS} laps: {_NOTHING}. "
            "Export only this session's activity."
        )

    @classmethod
    def too_slow(cls) -> ActivityRefused:
        return cls(
            f"This file took too long to read: {_NOTHING}. "
            "Export only this session's activity, as FIT or TCX."
        )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _shown(filename: str) -> str:
    """A file name fit for a message: one line, no backticks, at most 60 characters."""
    name = "".join(ch for ch in filename if ch.isprintable()).replace("`", "'").strip()
    name = name or "the file"
    return name if len(name) <= 60 else name[:57] + "..."


def finish(
    sports: Iterable[str | None],
    started_at: datetime | None,
    laps: Sequence[Lap],
    *,
    no_laps: ActivityRefused | None = None,
) -> Activity:
    """The activity, once the rules every format shares hold.

    ``sports`` are the normalised sports the file names (``None`` or
    ``UNSPECIFIED`` where a part names none). In order: a file naming another
    sport than running is refused naming it (two or more sports: a
    multisport activity); then one without laps (``no_laps`` lets a format
    word it); then one whose laps, rest laps aside, all lack a distance.
    """
    named: list[str] = []
    for sport in sports:
        if sport and sport != UNSPECIFIED and sport not in named:
            named.append(sport)
    if len(named) > 1:
        raise ActivityRefused.multisport(named)
    if named and named[0] != RUNNING:
        raise ActivityRefused.not_a_run(named[0])
    if not laps:
        raise no_laps or ActivityRefused.no_laps()
    if len(laps) > MAX_LAPS:
        raise ActivityRefused.too_many_laps()
    moving = [lap for lap in laps if not lap.rest] or list(laps)
    if all(lap.distance_m is None or lap.distance_m <= 0 for lap in moving):
        raise ActivityRefused.laps_without_distance()
    sport = named[0] if named else UNSPECIFIED
    return Activity(sport=sport, started_at=started_at, laps=tuple(laps))
