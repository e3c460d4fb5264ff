"""What the bot says about splits: the submission reply, the board, an
athlete's history. Plain data (an :class:`~bot.replies.Answer`), no Discord
objects; user-typed text (titles, notes, names) goes through the display
rules of :mod:`bot.replies` so it is shown as typed and never as markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from bot.domain.distance import format_distance
from bot.domain.pace import pace_per
from bot.domain.splits import SplitAnalysis
from bot.domain.times import format_time
from bot.domain.workout import short_summary
from bot.replies import Answer, Field, code_text, inline_text
from cogs.splits.choosing import short_date
from cogs.splits.logbook import BoardTable, DayBoard, submission_label
from cogs.splits.submit import Outcome, analysis_of
from db.submissions import StoredSubmission

NAME_WIDTH = 16


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
    # A group's or session's workout says which ("Sprints · pm"); the team's
    # main one reads as it did before groups.
    label = f", {inline_text(outcome.label)}" if outcome.label else ""
    title = f"{athlete}: splits for {short_date(outcome.day)}{label}"
    if workout is not None and workout.title:
        title += f", {inline_text(workout.title)}"
    times = ", ".join(rep.time_text for rep in analysis.reps[:12])
    if len(analysis.reps) > 12:
        times += ", …"
    verb = "updated their splits" if outcome.replaced else "logged splits"
    headline = f"{athlete} {verb} for {short_date(outcome.day)}{label}: {times}"
    footer = None
    if outcome.replaced:
        footer = (
            f"Updated: this replaces the earlier splits for {outcome.label}."
            if outcome.label
            else "Updated: this replaces the earlier splits for this day."
        )
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


BOARD_FOOTER = "Ranked by overall pace: total time ÷ total distance, per 400 m."


def _board_table(rows: list[tuple[StoredSubmission, Fraction]]) -> str:
    lines = [f"{'#':>2}  {'athlete':<{NAME_WIDTH}} {'reps':>4} {'total':>9} {'/400 m':>8}"]
    for rank, (submission, pace) in enumerate(rows, start=1):
        lines.append(
            f"{rank:>2}  {_name(submission.athlete_name):<{NAME_WIDTH}}"
            f" {len(submission.splits):>4} {format_time(submission.total_ms):>9}"
            f" {format_time(pace):>8}"
        )
    return "```\n" + "\n".join(lines) + "\n```"


def board_answer(
    day: date,
    title: str | None,
    submissions: Sequence[StoredSubmission],
    label: str | None = None,
) -> Answer:
    """One workout's table (``label``: its group and session, when not the
    team's main workout)."""
    rows = board_rows(submissions)
    heading = (
        f"Board for {short_date(day)}"
        + (f", {inline_text(label)}" if label else "")
        + (f": {inline_text(title)}" if title else "")
    )
    leader = inline_text(rows[0][0].athlete_name)
    return Answer(
        kind="Board",
        headline=(
            f"{heading}: {len(rows)} athlete(s); fastest overall {leader} "
            f"({format_time(rows[0][1])} per 400 m)"
        ),
        title=heading,
        body=_board_table(rows),
        footer=BOARD_FOOTER,
        file_name="board.txt",
    )


def _table_heading(table: BoardTable) -> str:
    slot = table.slot
    line = f"**{inline_text(slot.label)}**"
    if table.title:
        line += f": {inline_text(table.title)}"
    if slot.workout is not None and slot.workout.plan.reps:
        line += f" · {inline_text(short_summary(slot.workout.plan, limit=80))}"
    return line


def day_board_answer(board: DayBoard) -> Answer:
    """``/splits board``: the team's main workout alone reads exactly as
    before groups; otherwise a labelled table per workout, then the day's
    workouts with no splits yet."""
    if len(board.tables) == 1 and not board.waiting:
        [table] = board.tables
        label = None if table.slot.main else table.slot.label
        return board_answer(board.day, table.title, table.submissions, label)
    parts = []
    for table in board.tables:
        parts += [_table_heading(table), _board_table(board_rows(table.submissions))]
    for slot in board.waiting:
        parts.append(f"**{inline_text(slot.label)}**: no splits yet")
    heading = f"Board for {short_date(board.day)}"
    results = sum(len(table.submissions) for table in board.tables)
    return Answer(
        kind="Board",
        headline=f"{heading}: {len(board.tables)} workouts, {results} result(s)",
        title=heading,
        body="\n".join(parts),
        footer=BOARD_FOOTER,
        file_name="board.txt",
    )


def history_lines(
    submissions: Sequence[StoredSubmission], names: dict[int, str] | None = None
) -> list[str]:
    """A line per submission; one of a group or session starts with its
    label (``Sprints · pm``), from ``names`` (group id → name)."""
    lines = []
    for submission in submissions:
        analysis = analysis_of(submission)
        parts = [
            f"{s.distance_text} ×{s.count} avg {s.average_text}"
            if s.count > 1
            else f"{s.distance_text} {s.average_text}"
            for s in analysis.distances
        ]
        label = submission_label(submission, names or {})
        name = ", ".join(inline_text(text) for text in (label, submission.workout_title) if text)
        lines.append(
            f"`{short_date(submission.local_date)}` {name + ': ' if name else ''}"
            f"{'; '.join(parts)} · {analysis.overall_per_400_text} per 400 m"
        )
    return lines


def mine_answer(
    found: Sequence[StoredSubmission],
    bests: dict[Decimal, int],
    names: dict[int, str] | None = None,
) -> Answer:
    best_text = " · ".join(
        f"{format_distance(metres)} {format_time(ms)}" for metres, ms in sorted(bests.items())
    )
    return Answer(
        kind="Splits",
        headline=f"Your last {len({s.local_date for s in found})} day(s) of splits",
        title="Your recent splits",
        # history_lines escapes the titles; escaping whole lines would also
        # escape its own `date` code spans.
        body="\n".join(history_lines(found, names)),
        fields=(Field("Personal bests", best_text or "none yet"),),
        file_name="my-splits.txt",
    )


def delete_prompt(found: StoredSubmission, label: str | None = None) -> str:
    reps = ", ".join(format_time(split.time_ms) for split in found.splits[:10])
    if len(found.splits) > 10:
        reps += ", …"
    which = f", {inline_text(label)}" if label else ""
    return (
        f"Delete {inline_text(found.athlete_name)}'s splits for "
        f"{short_date(found.local_date)}{which} ({reps})?"
    )


def deleted_text(deleted: StoredSubmission | None, label: str | None = None) -> str:
    if deleted is None:
        return "Those splits were already deleted."
    which = f", {inline_text(label)}" if label else ""
    return (
        f"Deleted {inline_text(deleted.athlete_name)}'s splits for "
        f"{short_date(deleted.local_date)}{which}."
    )


def export_text(rows: int, *, team: bool, first: date, last: date, since_given: bool) -> str:
    scope = "the team's" if team else "your"
    start = first if since_given else "the beginning"
    return f"{rows} split(s): {scope} splits from {start} to {last}."
