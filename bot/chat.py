"""Plain-chat answers to pace questions, built on the same answers as the
slash commands (so "what's 37.47 for 300m per 400?" says 49.96 exactly as
``/pace convert`` does). Questions about workouts and logs need the database
and are answered by the chat cog; this module stays Discord- and SQL-free."""

from __future__ import annotations

from bot import answers
from bot.answers import Answer
from bot.domain.questions import Question

PACE_INTENTS = frozenset({"convert", "predict", "vdot", "laps", "score", "agegrade"})

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


def pace_answer(question: Question) -> Answer | None:
    """The answer to a pace question; ``None`` if a needed slot is missing.
    Raises ``InputError`` when a slot is present but out of range."""
    time, distance = question.time_text, question.distance_text
    if time is None or distance is None:
        return None
    if question.intent == "convert":
        return answers.pace_convert(time, distance, question.per_text)
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
        return answers.pace_vdot(time, distance)
    if question.intent == "laps":
        return answers.pace_laps(time, distance, question.lap_text)
    return None
