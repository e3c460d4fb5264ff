"""What the bot says about splits: the submission reply, the board, an
athlete's history. Plain data (an :class:`~bot.replies.Answer`), no Discord
objects; user-typed text (titles, notes, names) goes through the display
rules of :mod:`bot.replies` so it is shown as typed and never as markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from bot.domain.distance import format_distance
from bot.domain.pace import pace_per
from bot.domain.splits import SplitAnalysis
from bot.domain.times import format_time
from bot.replies import Answer, Field, code_text, inline_text
from cogs.splits.submit import Outcome, analysis_of
from db.submissions import StoredSubmission

NAME_WIDTH = 16


@lru_cache(maxsize=512)
def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _name(name: str, width: int = NAME_WIDTH) -> str:
    # Code blocks show names raw (no markdown), but a display name with
    # backticks would end the board's block and spill the rest as markdown.
    name = code_text(name)
    return name if len(name) <= width else name[: width - 1] + "…"


def rep_table(analysis: SplitAnalysis) -> list[str]:
    targets = any(rep.target_ms is not None for rep in analysis.reps)
    width = max(len(rep.distance_text) for rep in analysis.reps)
    header = f"{'rep':>3}  {'dist':<{width}} {'time':>8} {'/400 m':>8}"
    lines = [header + (f" {'vs target':>9}" if targets else "")]
    for rep in analysis.reps:
        line = (
            f"{rep.index:>3}  {rep.distance_text:<{width}} {rep.time_text:>8} {rep.per_400_text:>8}"
        )
        if targets:
            line += f" {rep.delta_text or '':>9}"
        lines.append(line)
    return lines


def summary_lines(analysis: SplitAnalysis) -> list[str]:
    lines = []
    for summary in analysis.distances:
        if summary.count == 1:
            lines.append(
                f"**{summary.distance_text}**: {summary.average_text} "
                f"({summary.average_per_400_text} per 400 m)"
            )
            continue
        fade = f" · fade {summary.fade_text}" if summary.fade_text else ""
        lines.append(
            f"**{summary.distance_text}** ×{summary.count}: average {summary.average_text} "
            f"({summary.average_per_400_text} per 400 m) · fastest {summary.fastest_text}"
            f" · slowest {summary.slowest_text}{fade}"
        )
    lines.append(
        f"Overall: {analysis.total_text} for {format_distance(analysis.total_m)}, "
        f"{analysis.overall_per_400_text} per 400 m"
    )
    if analysis.target_text:
        lines.append(analysis.target_text)
    return lines


def submission_answer(outcome: Outcome) -> Answer:
    """The public reply to a submission: each rep, the summary, personal bests."""
    athlete = inline_text(outcome.submission.athlete_name)
    analysis = outcome.analysis
    lines = ["```", *rep_table(analysis), "```", *summary_lines(analysis)]
    for best in outcome.personal_bests:
        was = (
            f" (was {format_time(best.previous_ms)})"
            if best.previous_ms is not None
            else " (first on record)"
        )
        lines.append(
            f"🏅 Personal best at {format_distance(best.distance_m)}: "
            f"{format_time(best.time_ms)}{was}"
        )
    if outcome.submission.note:
        # Last line, on one line, markdown escaped: a note cannot restyle the reply.
        lines.append(f"Note: {inline_text(outcome.submission.note)}")
    workout = outcome.workout
    title = f"{athlete}: splits for {short_date(outcome.day)}"
    if workout is not None and workout.title:
        title += f", {inline_text(workout.title)}"
    times = ", ".join(rep.time_text for rep in analysis.reps[:12])
    if len(analysis.reps) > 12:
        times += ", …"
    verb = "updated their splits" if outcome.replaced else "logged splits"
    headline = f"{athlete} {verb} for {short_date(outcome.day)}: {times}"
    footer = "Updated: this replaces the earlier splits for this day." if outcome.replaced else None
    return Answer(
        kind="Splits",
        headline=headline,
        title=title,
        body="\n".join(lines),
        footer=footer,
        file_name="splits.txt",
    )


def board_rows(submissions: Sequence[StoredSubmission]) -> list[tuple[StoredSubmission, Fraction]]:
    """Ranked by overall pace: total time ÷ total distance, per 400 m."""
    rows = [(s, pace_per(s.total_ms, s.total_m, 400)) for s in submissions]
    rows.sort(key=lambda row: (row[1], row[0].athlete_name.lower()))
    return rows


def board_answer(day: date, title: str | None, submissions: Sequence[StoredSubmission]) -> Answer:
    rows = board_rows(submissions)
    lines = [f"{'#':>2}  {'athlete':<{NAME_WIDTH}} {'reps':>4} {'total':>9} {'/400 m':>8}"]
    for rank, (submission, pace) in enumerate(rows, start=1):
        lines.append(
            f"{rank:>2}  {_name(submission.athlete_name):<{NAME_WIDTH}}"
            f" {len(submission.splits):>4} {format_time(submission.total_ms):>9}"
            f" {format_time(pace):>8}"
        )
    heading = f"Board for {short_date(day)}" + (f": {inline_text(title)}" if title else "")
    body = "```\n" + "\n".join(lines) + "\n```"
    leader = inline_text(rows[0][0].athlete_name)
    return Answer(
        kind="Board",
        headline=(
            f"{heading}: {len(rows)} athlete(s); fastest overall {leader} "
            f"({format_time(rows[0][1])} per 400 m)"
        ),
        title=heading,
        body=body,
        footer="Ranked by overall pace: total time ÷ total distance, per 400 m.",
        file_name="board.txt",
    )


def history_lines(submissions: Sequence[StoredSubmission]) -> list[str]:
    lines = []
    for submission in submissions:
        analysis = analysis_of(submission)
        parts = [
            f"{s.distance_text} ×{s.count} avg {s.average_text}"
            if s.count > 1
            else f"{s.distance_text} {s.average_text}"
            for s in analysis.distances
        ]
        name = inline_text(submission.workout_title or "")
        lines.append(
            f"`{short_date(submission.local_date)}` {name + ': ' if name else ''}"
            f"{'; '.join(parts)} · {analysis.overall_per_400_text} per 400 m"
        )
    return lines


def mine_answer(found: Sequence[StoredSubmission], bests: dict[Decimal, int]) -> Answer:
    best_text = " · ".join(
        f"{format_distance(metres)} {format_time(ms)}" for metres, ms in sorted(bests.items())
    )
    return Answer(
        kind="Splits",
        headline=f"Your last {len(found)} day(s) of splits",
        title="Your recent splits",
        # history_lines escapes the titles; escaping whole lines would also
        # escape its own `date` code spans.
        body="\n".join(history_lines(found)),
        fields=(Field("Personal bests", best_text or "none yet"),),
        file_name="my-splits.txt",
    )


def delete_prompt(found: StoredSubmission) -> str:
    reps = ", ".join(format_time(split.time_ms) for split in found.splits[:10])
    if len(found.splits) > 10:
        reps += ", …"
    return (
        f"Delete {inline_text(found.athlete_name)}'s splits for "
        f"{short_date(found.local_date)} ({reps})?"
    )


def deleted_text(deleted: StoredSubmission | None) -> str:
    if deleted is None:
        return "Those splits were already deleted."
    return (
        f"Deleted {inline_text(deleted.athlete_name)}'s splits for "
        f"{short_date(deleted.local_date)}."
    )


def export_text(rows: int, *, team: bool, first: date, last: date, since_given: bool) -> str:
    scope = "the team's" if team else "your"
    start = first if since_given else "the beginning"
    return f"{rows} split(s): {scope} splits from {start} to {last}."
