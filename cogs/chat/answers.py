"""Plain-chat answers: the question read (:mod:`bot.domain.questions`), then
answered with the same use cases as the slash commands, so "what's 37.47 for
300m per 400?" says 49.96 exactly as ``/pace convert`` does. Questions about
workouts and logs cover the server asked in, or, in a DM, every server where
the person used Trackside and still is a member (:mod:`cogs.chat.presence`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.context import server_today
from bot.domain.dates import parse_date
from bot.domain.distance import format_distance, parse_distance
from bot.domain.errors import InputError
from bot.domain.glossary import load_glossary
from bot.domain.limits import QUESTION
from bot.domain.questions import Question, parse_question
from bot.domain.times import format_time
from bot.groups import caller_first, group_names, member_group_ids, workout_label
from bot.permissions import Actor
from bot.replies import Answer, inline_text
from cogs.chat.personal import WeekServer, count_week, paces_answer, week_answer
from cogs.pace import answers
from cogs.pace.history import answered
from cogs.profile.profiles import age_and_sex, profile_of
from cogs.splits.logbook import submission_label
from cogs.splits.rendering import rep_table, short_date, summary_lines
from cogs.splits.submit import analysis_of
from cogs.wod.rendering import long_date, workout_answer
from db.base import Database
from db.groups import TEAM, GroupQueries
from db.profiles import Profile
from db.submissions import StoredSubmission, SubmissionQueries
from db.workouts import WorkoutQueries

PACE_INTENTS = frozenset({"convert", "predict", "vdot", "laps", "score", "agegrade"})
#: Pace answers that read the asker's profile.
PROFILE_INTENTS = frozenset({"convert", "vdot", "agegrade"})

EXAMPLES = (
    "“what's 37.47 for 300m per 400?”",
    "“3:56.13 mile, what 1500 is that?”",
)
HELP_TEXT = (
    "I answer pace and training questions: conversions (“5k in 17:30 per mile”), "
    "equivalent performances (“3:56.13 mile, what 1500 is that?”), even splits "
    "(“splits for a 4:00 mile”), VDOT and training paces (“vdot for 10k 40:00”), "
    "World Athletics points (“points for 49.96 400m”), WMA age grades (“age grade 5k 18:00 "
    "woman 50”), today's workout (“what's today's workout?”) and your logs (“my best 300”, "
    "“what did I run last Tuesday?”). Every slash command is in /help."
)
_NEEDS = {
    "convert": ("a time and a distance", "“37.47 for 300m per 400”"),
    "predict": ("a time and the distance you ran", "“3:56.13 mile, what 1500 is that?”"),
    "vdot": ("a race time and distance", "“vdot for 10k 40:00”"),
    "laps": ("a goal time and a race distance", "“splits for a 4:00 mile”"),
    "score": ("a time and an event", "“points for 49.96 400m”"),
    "agegrade": ("a time, a distance, an age and man or woman", "“age grade 5k 18:00 woman 50”"),
}


def help_answer(*, unknown: bool) -> Answer:
    opening = "I didn't catch that. " if unknown else ""
    return Answer(
        kind="Help",
        headline=f"{opening}Try {EXAMPLES[0]} or {EXAMPLES[1]}",
        title="What I can answer",
        body=HELP_TEXT,
    )


def missing_answer(question: Question) -> Answer:
    need, example = _NEEDS.get(question.intent, ("a little more detail", EXAMPLES[0]))
    return Answer(
        kind="Help",
        headline=f"I need {need} for that, like {example}.",
        title="Almost",
        body=HELP_TEXT,
    )


def with_profile(question: Question, profile: Profile | None, year: int) -> Question:
    """An age-grading question's age and sex taken from the asker's profile
    when the question does not say them (age = this year − birth year)."""
    if question.intent != "agegrade":
        return question
    age, sex = age_and_sex(question.age, question.sex_text, profile, year)
    return replace(question, age=age, sex_text=sex)


def pace_answer(question: Question, units: str | None = None) -> Answer | None:
    """The answer to a pace question; ``None`` if a needed slot is missing.
    Raises ``InputError`` when a slot is present but out of range. ``units``
    (the asker's profile's) put per km or per mile first."""
    time, distance = question.time_text, question.distance_text
    if time is None or distance is None:
        return None
    if question.intent == "convert":
        return answers.pace_convert(time, distance, question.per_text, units)
    if question.intent == "predict":
        sex = question.sex_text or "male"
        return answers.pace_predict(time, distance, question.target_text, sex)
    if question.intent == "score":
        return answers.pace_score(time, distance, question.sex_text, question.indoor)
    if question.intent == "agegrade":
        if question.age is None or question.sex_text is None:
            return None
        return answers.pace_agegrade(
            time, distance, question.age, question.sex_text, question.venue_text
        )
    if question.intent == "vdot":
        return answers.pace_vdot(time, distance, units)
    if question.intent == "laps":
        return answers.pace_laps(time, distance, question.lap_text)
    return None


@dataclass(frozen=True)
class Server:
    """A server the asker shares with the bot (and used Trackside in), with
    the asker's roles there (which training groups they are in)."""

    id: int
    name: str  # user text
    role_ids: frozenset[int] = frozenset()


SharedServers = Callable[[], Awaitable[Sequence[Server]]]


def _said(error: InputError) -> str:
    return f"{error.message} For example {error.example}." if error.example else error.message


async def reply(
    db: Database,
    asker: Actor,
    text: str,
    shared_servers: SharedServers,
    *,
    now: datetime,
    shown_as: str | None = None,
) -> tuple[str, list[Answer]]:
    """What to say to ``text``: (the message's line, its answers). Pace
    answers are stored in the asker's history like the commands' (as
    ``shown_as``: the message with mentions written out); a question
    understood but out of range gets its reason; anything else the help."""
    question = parse_question(text)
    if question.intent == "paces":
        return _said_or_shown(paces_answer(await profile_of(db, asker.user_id), question))
    if question.intent == "week":
        return await _week(db, asker, await shared_servers(), now=now)
    if question.intent in PACE_INTENTS:
        known = knowledge_answer(text) if pace_answer_missing(question) else None
        if known is not None:  # "what is VDOT?": no effort given, a term asked
            return known.headline, [known]
        return await _pace(db, asker, question, shown_as or text, now=now)
    if question.intent in {"workout", "log", "best"}:
        return await _team(db, asker, question, await shared_servers(), now=now)
    if question.intent == "unknown":
        known = knowledge_answer(text)
        if known is not None:
            return known.headline, [known]
    answer = help_answer(unknown=question.intent == "unknown")
    return answer.headline, [answer]


async def ask_question(
    db: Database,
    asker: Actor,
    text: str,
    shared_servers: SharedServers,
    *,
    now: datetime,
) -> tuple[str, list[Answer]]:
    """``/ask``: :func:`reply`'s answer to the same text, once the question
    is within its limit (500 characters; a mention reads only that much)."""
    question = QUESTION.check(text) or ""
    return await reply(db, asker, question, shared_servers, now=now)


def _said_or_shown(answer: Answer | str) -> tuple[str, list[Answer]]:
    if isinstance(answer, str):
        return answer, []
    return answer.headline, [answer]


def knowledge_answer(text: str) -> Answer | None:
    """A glossary entry the question asks about, with its source; ``None``
    when the question names none."""
    entry = load_glossary().lookup(text)
    if entry is None:
        return None
    # The message line names the term and its source; the embed holds the
    # answer, so it is not shown twice.
    return Answer(
        kind="Help",
        headline=f"{entry.term} (source: {entry.source})",
        title=entry.term,
        body=entry.answer,
        footer=f"Source: {entry.source}",
        file_name="answer.txt",
    )


async def _week(
    db: Database, asker: Actor, servers: Sequence[Server], *, now: datetime
) -> tuple[str, list[Answer]]:
    """The last 7 days in the server asked in, or, in a DM, in every server
    the asker used Trackside in."""
    counts = [
        await count_week(db, asker.user_id, WeekServer(server.id, server.name), now=now)
        for server in servers
    ]
    return _said_or_shown(week_answer(counts, labelled=asker.guild_id is None))


async def _pace(
    db: Database, asker: Actor, question: Question, text: str, *, now: datetime
) -> tuple[str, list[Answer]]:
    profile = None
    if question.intent in PROFILE_INTENTS:  # units lead; age grading's age and sex
        profile = await profile_of(db, asker.user_id)
        question = with_profile(question, profile, now.year)
    if pace_answer_missing(question):
        answer = missing_answer(question)
        return answer.headline, [answer]
    units = profile.units if profile is not None else None
    try:
        answer = await answered(
            db,
            asker,
            "chat",
            text[:200],
            lambda: _required(pace_answer(question, units)),
            now=now,
        )
    except InputError as error:  # understood, but a value is out of range
        return _said(error), []
    return answer.headline, [answer]


def pace_answer_missing(question: Question) -> bool:
    """A pace question without a slot its answer needs (a time, a distance…)."""
    if question.time_text is None or question.distance_text is None:
        return True
    return question.intent == "agegrade" and (question.age is None or question.sex_text is None)


def _required(answer: Answer | None) -> Answer:
    assert answer is not None  # pace_answer_missing said every slot is there
    return answer


async def _team(
    db: Database,
    asker: Actor,
    question: Question,
    servers: Sequence[Server],
    *,
    now: datetime,
) -> tuple[str, list[Answer]]:
    if not servers:
        return (
            "We don't share a server that uses Trackside, so I have no workouts or logs for you.",
            [],
        )
    labelled = len(servers) > 1
    lines: list[str] = []
    found: list[Answer] = []
    for server in servers:
        _, today = await server_today(db, server.id, now)
        try:
            day = parse_date(question.date_text or "today", today, direction="back")
        except InputError as error:
            return _said(error), []
        # A server's name is user text like any other: shown as typed.
        prefix = f"{inline_text(server.name)}: " if labelled else ""
        if question.intent == "workout":
            line, answered_here = await _workouts(db, server, day)
        elif question.intent == "log":
            line, answered_here = await _logs(db, server.id, day, asker.user_id)
        else:
            line, answer = await _best(db, server.id, asker.user_id, question)
            answered_here = [answer] if answer is not None else []
        lines.append(prefix + line)
        for answer in answered_here:
            if labelled:
                answer = replace(answer, title=f"{inline_text(server.name)}: {answer.title}")
            found.append(answer)
    return "\n".join(lines), found


async def _workouts(db: Database, server: Server, day: date) -> tuple[str, list[Answer]]:
    """The day's posted workouts of the asker's groups and the team's, their
    own groups' first. The team's main workout alone reads as it did before
    groups; otherwise each is labelled ("Sprints · pm")."""
    posted = [w for w in await WorkoutQueries(db).for_day(server.id, day) if w.public]
    if all((w.group_id, w.session) == (TEAM, "") for w in posted):
        if not posted:
            return f"No workout posted for {long_date(day)}.", []
        return f"Workout for {long_date(day)}", [workout_answer(posted[0])]
    groups = await GroupQueries(db).current(server.id) if any(w.group_id for w in posted) else []
    mine = member_group_ids(groups, server.role_ids)
    yours = caller_first([w for w in posted if w.group_id in mine | {TEAM}], mine)
    names = await group_names(db, server.id, {w.group_id for w in posted})
    if not yours:
        others = ", ".join(inline_text(workout_label(w, names)) for w in posted)
        return (
            f"No workout posted for your groups or the team on {long_date(day)} "
            f"(other groups: {others}; `/wod today` shows them).",
            [],
        )
    labels = [inline_text(workout_label(w, names)) for w in yours]
    heading = "Workout" if len(yours) == 1 else "Workouts"
    return (
        f"{heading} for {long_date(day)}: {', '.join(labels)}",
        [_labelled(workout_answer(w), label) for w, label in zip(yours, labels, strict=True)],
    )


def _labelled(answer: Answer, label: str) -> Answer:
    return replace(answer, title=f"{label}: {answer.title}")


async def _logs(
    db: Database, guild_id: int, day: date, athlete_id: int
) -> tuple[str, list[Answer]]:
    """The asker's splits that day: one answer per workout logged (am and pm,
    two groups), each labelled when it belongs to a group or session."""
    found = await SubmissionQueries(db).of_athlete_on(guild_id, day, athlete_id)
    if not found:
        return f"You logged no splits for {long_date(day)}.", []
    names = await group_names(db, guild_id, {s.group_id for s in found})
    logged = [_log(submission, submission_label(submission, names)) for submission in found]
    if len(logged) == 1:
        return logged[0].headline, logged
    return f"Your splits for {short_date(day)}: {len(logged)} workouts", logged


def _log(submission: StoredSubmission, label: str | None) -> Answer:
    day = submission.local_date
    analysis = analysis_of(submission)
    return Answer(
        kind="Splits",
        headline=f"Your splits for {short_date(day)}",
        title=f"Your splits for {short_date(day)}"
        + (f", {inline_text(label)}" if label else "")
        + (f", {inline_text(submission.workout_title)}" if submission.workout_title else ""),
        body="\n".join(["```", *rep_table(analysis), "```", *summary_lines(analysis)]),
        file_name="splits.txt",
    )


async def _best(
    db: Database, guild_id: int, athlete_id: int, question: Question
) -> tuple[str, Answer | None]:
    bests = await SubmissionQueries(db).bests(guild_id, athlete_id)
    if question.distance_text:
        metres = parse_distance(question.distance_text).metres
        if metres not in bests:
            return f"No {format_distance(metres)} reps logged yet.", None
        return f"Your best {format_distance(metres)} rep: {format_time(bests[metres])}", None
    if not bests:
        return "No reps logged yet.", None
    listed = ", ".join(
        f"{format_distance(metres)} {format_time(ms)}" for metres, ms in sorted(bests.items())
    )
    return f"Your bests: {listed}", None
