"""Training questions from the athlete's own data, with sources (issue #19),
end to end through the real client.

``/profile set|show|delete`` (private, per person across servers and DMs),
the profile's uses (training paces in a mention, a DM and ``/ask``;
``/pace agegrade``'s age and sex; the units ``/pace convert`` and ``/pace
vdot`` lead with), "how was my week?" over splits logged on three days, and
a table of phrasings (typos, word orders) each reaching its glossary entry or
personal answer the same way in a mention, a DM and ``/ask``.

A profile is per person and the chat cooldown allows 5 questions a minute
(the club's clock does not move), so every test asks as members of its own
(``athlete``): no test reads another's profile, splits or cooldown.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest

from bot.domain.glossary import load_glossary
from cogs.chat.personal import NO_PROFILE as NO_PROFILE_FOR_PACES
from cogs.profile.rendering import NO_PROFILE
from loopback import Member, Message
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPLY_TIMEOUT = 15.0
TODAY = CLUB_START.date()  # Saturday 2026-11-28
RACE_DATE = "2026-11-21"  # a recent 5K, a week before the club's today
RACE = {"race_time": "20:00", "race_distance": "5k", "race_date": RACE_DATE}
RACE_NAMED = f"5K 20:00.0 on {RACE_DATE}"  # how answers name the reference performance
BIRTH_YEAR = 1980
AGE = TODAY.year - BIRTH_YEAR  # age = this year − birth year
TEMPO_QUESTION = "what pace should my tempo runs be?"
GLOSSARY = load_glossary()

_names = itertools.count(1)


# ------------------------------------------------------------------ helpers


def athlete(club: Club, name: str) -> Member:
    """A member of the club of this test's own. No sync_gateway(): every
    interaction and message carries its author (and each sync costs the bot
    a gateway send, of which discord.py allows 120 a minute)."""
    return club.fake.create_member(club.guild, f"{name} {next(_names)}")


async def slash(
    club: Club, who: Member, command: str, options: dict[str, Any], *, dm: bool = False
) -> Message:
    if dm:
        itx = await club.fake.slash(who, command, options, dm=True)
    else:
        itx = await club.fake.slash(who, command, options, channel=club.general)
    reply = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    assert not itx.failed and not itx.errors, (itx.failed, itx.errors)
    return reply


async def mention(club: Club, who: Member, text: str) -> Message:
    """``text`` mentioning the bot in #general; the bot's reply to it."""
    sent = await club.fake.send_message(who, club.general, text, mentions=[club.fake.bot_user])
    return await _reply_to(club, club.general, sent)


async def dm(club: Club, who: Member, text: str) -> Message:
    """``text`` in a DM to the bot; the bot's reply to it."""
    channel = club.fake.dm_channel(who)
    sent = await club.fake.send_message(who, channel, text)
    return await _reply_to(club, channel, sent)


async def _reply_to(club: Club, channel, sent: Message) -> Message:
    return await club.fake.wait_for_message(
        channel,
        lambda m: (
            m.author_id == club.fake.bot_user.id
            and (m.message_reference or {}).get("message_id") == str(sent.id)
        ),
        timeout=REPLY_TIMEOUT,
    )


async def ask(club: Club, who: Member, question: str) -> Message:
    """``/ask question`` in #general: always a private reply."""
    reply = await slash(club, who, "ask", {"question": question})
    assert reply.ephemeral, f"/ask answered publicly: {reply.content!r}"
    return reply


def title(message: Message) -> str | None:
    return message.embeds[0].get("title") if message.embeds else None


def footer(message: Message) -> str:
    return str((message.embeds[0].get("footer") or {}).get("text", "")) if message.embeds else ""


def description(message: Message) -> str:
    assert message.embeds, f"no embed: {message.content!r}"
    return str(message.embeds[0]["description"])


def table(message: Message) -> dict[str, dict[str, str]]:
    """A training-pace table (``/pace vdot``'s or a personal answer's) by
    zone, then by column: ``{"T": {"/km": "4:16.00", ...}}``."""
    lines = description(message).split("```")[1].strip().splitlines()
    header = lines[0].split()
    assert header[0] == "zone", lines
    rows: dict[str, dict[str, str]] = {}
    for line in lines[1:]:
        cells = line.split()
        zone = " ".join(cells[: len(cells) - len(header) + 1])  # "E slow", "T"
        rows[zone] = dict(zip(header[1:], cells[len(cells) - len(header) + 1 :], strict=True))
    return rows


def columns(message: Message) -> list[str]:
    return description(message).split("```")[1].strip().splitlines()[0].split()[1:]


def everything(message: Message) -> str:
    """Every text a reader of ``message`` sees."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        parts.append(str((embed.get("footer") or {}).get("text", "")))
    return "\n".join(parts)


async def profile_rows(club: Club, who: Member) -> list[dict[str, Any]]:
    rows = await club.rows(
        "SELECT race_time_ms, race_distance_m, race_date, birth_year, sex, units"
        " FROM profiles WHERE user_id = :user",
        {"user": who.user.id},
    )
    return [dict(row) for row in rows]


# ------------------------------------------------------- paces from the profile


async def test_tempo_pace_is_the_pace_vdot_t_row_in_a_mention_a_dm_and_ask(
    club: Club, clean_fake
) -> None:
    tess = athlete(club, "Tess")
    saved = await slash(
        club, tess, "profile set", {**RACE, "birth_year": BIRTH_YEAR, "sex": "female"}
    )
    assert saved.ephemeral
    assert saved.content == "Saved. Your profile (only you see it)"
    assert f"**Reference performance:** {RACE_NAMED} (VDOT 49.8)" in description(saved)

    vdot = await slash(club, tess, "pace vdot", {"time": "20:00", "distance": "5k"})
    assert vdot.content == "VDOT 49.8 from 20:00.0 for 5 km"
    t = table(vdot)["T"]
    assert (t["/km"], t["/400"]) == ("4:16.00", "1:42.40")

    expected = (
        f"Your T pace (threshold, tempo): {t['/km']} per km ({t['/mile']} per mile, "
        f"{t['/400']} per 400 m), from your {RACE_NAMED} (VDOT 49.8)"
    )
    in_channel = await mention(club, tess, TEMPO_QUESTION)
    by_dm = await dm(club, tess, TEMPO_QUESTION)
    privately = await ask(club, tess, TEMPO_QUESTION)
    for reply in (in_channel, by_dm, privately):
        assert reply.content == expected
        assert title(reply) == f"Your T pace, from your {RACE_NAMED} (VDOT 49.8)"
        assert table(reply) == {"T": t}  # the very row /pace vdot shows
        assert footer(reply).startswith("Daniels' Running Formula, 3rd edition")
    assert not in_channel.ephemeral
    # Shown in the channel: the paces and the race, never the birth year or sex.
    seen = everything(in_channel).lower()
    for private in (str(BIRTH_YEAR), "female", "woman", "birth", f"age {AGE}", "sex"):
        assert private not in seen, f"the channel answer shows {private!r}"


async def test_rep_and_all_zone_questions_use_the_same_paces(club: Club, clean_fake) -> None:
    rhea = athlete(club, "Rhea")
    await slash(club, rhea, "profile set", RACE)
    vdot = table(await slash(club, rhea, "pace vdot", {"time": "20:00", "distance": "5k"}))

    every = await ask(club, rhea, "my training paces")
    assert every.content == f"Your training paces from your {RACE_NAMED} (VDOT 49.8)"
    rows = table(every)
    assert list(rows) == ["E", "M", "T", "I", "R"]
    assert rows["E"]["/km"] == f"{vdot['E fast']['/km']}–{vdot['E slow']['/km']}"
    for zone in ("M", "T", "I", "R"):
        assert rows[zone] == vdot[zone], zone

    # 400 m reps are R reps: 400 m at R pace is one R row's /400 time.
    reps = await ask(club, rhea, "what should I run 400s at?")
    assert reps.content.startswith(
        f"Your 400 m reps at R pace (repetition): {vdot['R']['/400']} each "
        f"({vdot['R']['/km']} per km), from your {RACE_NAMED}"
    )


# ----------------------------------------------------------- /pace agegrade


async def test_agegrade_takes_age_and_sex_from_the_profile(club: Club, clean_fake) -> None:
    fay = athlete(club, "Fay")
    await slash(club, fay, "profile set", {"birth_year": BIRTH_YEAR, "sex": "female"})
    implicit = await slash(club, fay, "pace agegrade", {"time": "18:00", "distance": "5k"})
    explicit = await slash(
        club,
        fay,
        "pace agegrade",
        {"time": "18:00", "distance": "5k", "age": AGE, "sex": "female"},
    )
    assert not implicit.ephemeral
    assert implicit.content.startswith(f"18:00.0 for 5 km, woman aged {AGE}: ")
    assert implicit.content == explicit.content
    assert implicit.embeds == explicit.embeds
    # Given options win over the profile's.
    given = await slash(
        club, fay, "pace agegrade", {"time": "18:00", "distance": "5k", "age": 50, "sex": "male"}
    )
    assert given.content.startswith("18:00.0 for 5 km, man aged 50: ")


async def test_agegrade_without_a_profile_names_what_is_missing(club: Club, clean_fake) -> None:
    newcomer = athlete(club, "Nia")
    before = await club.digest()
    refused = await slash(club, newcomer, "pace agegrade", {"time": "18:00", "distance": "5k"})
    assert refused.ephemeral and not refused.embeds
    assert refused.content.startswith("Age grading needs `age` and `sex`")
    assert "/profile set birth_year:" in refused.content
    assert await club.digest() == before

    # Only the birth year set: the sex is still missing, and named alone.
    await slash(club, newcomer, "profile set", {"birth_year": BIRTH_YEAR})
    refused = await slash(club, newcomer, "pace agegrade", {"time": "18:00", "distance": "5k"})
    assert refused.ephemeral
    assert refused.content.startswith("Age grading needs `sex`: give it")


# ------------------------------------------------------------------- units


async def test_imperial_units_lead_with_per_mile(club: Club, clean_fake) -> None:
    ian = athlete(club, "Ian")
    saved = await slash(club, ian, "profile set", {"units": "imperial"})
    assert "**Units:** imperial: paces lead with per mile" in description(saved)

    convert = await slash(club, ian, "pace convert", {"time": "37.47", "distance": "300m"})
    assert convert.content.startswith("37.47 for 300 m = 3:21.01 per mile")
    assert "per 400 m   49.96" in description(convert)  # the table is the same
    vdot = await slash(club, ian, "pace vdot", {"time": "20:00", "distance": "5k"})
    assert columns(vdot) == ["/mile", "/km", "/400"]
    assert table(vdot)["T"] == {"/mile": "6:51.99", "/km": "4:16.00", "/400": "1:42.40"}

    # The personal answers lead with per mile too.
    await slash(club, ian, "profile set", RACE)
    tempo = await ask(club, ian, TEMPO_QUESTION)
    assert tempo.content.startswith(
        "Your T pace (threshold, tempo): 6:51.99 per mile (4:16.00 per km, 1:42.40 per 400 m)"
    )
    assert columns(tempo) == ["/mile", "/km", "/400"]

    # Metric: per km first; no units set: /pace convert's 400 m headline as before.
    await slash(club, ian, "profile set", {"units": "metric"})
    convert = await slash(club, ian, "pace convert", {"time": "37.47", "distance": "300m"})
    assert convert.content.startswith("37.47 for 300 m = 2:04.90 per km")
    vdot = await slash(club, ian, "pace vdot", {"time": "20:00", "distance": "5k"})
    assert columns(vdot) == ["/km", "/mile", "/400"]
    other = athlete(club, "Otto")
    convert = await slash(club, other, "pace convert", {"time": "37.47", "distance": "300m"})
    assert convert.content.startswith("37.47 for 300 m = 49.96 per 400 m")


# ------------------------------------------------------ show, set, delete


async def test_show_set_keeps_the_other_fields_and_delete_removes_the_row(
    club: Club, clean_fake
) -> None:
    sam = athlete(club, "Sam")
    shown = await slash(club, sam, "profile show", {})
    assert shown.ephemeral and shown.content == NO_PROFILE

    await slash(club, sam, "profile set", RACE)
    await slash(club, sam, "profile set", {"birth_year": BIRTH_YEAR})
    await slash(club, sam, "profile set", {"sex": "male"})
    for where in ({"dm": False}, {"dm": True}):  # the same profile in the server and in a DM
        shown = await slash(club, sam, "profile show", {}, **where)
        assert shown.ephemeral
        assert shown.content == "Your profile (only you see it)"
        assert description(shown).splitlines() == [
            f"**Reference performance:** {RACE_NAMED} (VDOT 49.8)",
            f"**Birth year:** {BIRTH_YEAR} (age {AGE} this year)",
            "**Sex:** male",
            "**Units:** not set",
        ]
    assert await profile_rows(club, sam) == [
        {
            "race_time_ms": 1_200_000,
            "race_distance_m": "5000",
            "race_date": RACE_DATE,
            "birth_year": BIRTH_YEAR,
            "sex": "male",
            "units": None,
        }
    ]

    # A new race (its date defaults to today) and units: the rest is kept.
    saved = await slash(
        club, sam, "profile set", {"race_time": "41:30", "race_distance": "10k", "units": "metric"}
    )
    assert description(saved).splitlines()[1:] == [
        f"**Birth year:** {BIRTH_YEAR} (age {AGE} this year)",
        "**Sex:** male",
        "**Units:** metric: paces lead with per km",
    ]
    [row] = await profile_rows(club, sam)
    assert (row["race_time_ms"], row["race_distance_m"], row["race_date"]) == (
        2_490_000,
        "10000",
        TODAY.isoformat(),
    )
    assert (row["birth_year"], row["sex"], row["units"]) == (BIRTH_YEAR, "male", "metric")

    deleted = await slash(club, sam, "profile delete", {})
    assert deleted.ephemeral
    assert deleted.content.startswith("Deleted your profile")
    assert await profile_rows(club, sam) == []
    assert await club.value(
        "SELECT COUNT(*) FROM profiles WHERE user_id = :user", {"user": sam.user.id}
    ) in (0, "0")

    paces = await mention(club, sam, "my training paces")
    assert paces.content == NO_PROFILE_FOR_PACES
    assert "`/profile set race_time:20:00 race_distance:5k" in paces.content
    again = await slash(club, sam, "profile delete", {})
    assert (
        again.ephemeral and again.content == "You have no profile, so there was nothing to delete."
    )
    shown = await slash(club, sam, "profile show", {})
    assert shown.content == NO_PROFILE


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"birth_year": 2050}, "`birth_year` must be between 1916 and 2021"),
        ({"birth_year": 1900}, "`birth_year` must be between 1916 and 2021"),
        ({**RACE, "race_date": "2026-12-01"}, "is in the future"),
        ({**RACE, "race_date": "2016-01-01"}, "more than 10 years ago"),
        ({"race_time": "20:00"}, "needs both `race_time` and `race_distance`"),
        ({"race_date": RACE_DATE}, "give `race_time` and `race_distance` with it"),
        ({"race_time": "1:30:00", "race_distance": "5k"}, "outside the 10–100 range"),
        ({"race_time": "20:00", "race_distance": "5 parsecs"}, "distance"),
        ({}, "Give at least one field to set"),
    ],
    ids=[
        "born-2050",
        "born-1900",
        "race-in-the-future",
        "race-11-years-ago",
        "time-without-distance",
        "date-alone",
        "vdot-out-of-range",
        "unknown-distance",
        "nothing",
    ],
)
async def test_a_refused_profile_changes_nothing(
    club: Club, clean_fake, options: dict[str, Any], reason: str
) -> None:
    """Refused privately, naming the problem, and nothing stored (the
    profile that was there stays as it was)."""
    rae = athlete(club, "Rae")
    await slash(club, rae, "profile set", {"sex": "female"})
    before = await club.digest()
    refused = await slash(club, rae, "profile set", options)
    assert refused.ephemeral and not refused.embeds
    assert reason in refused.content, refused.content
    assert "Example:" in refused.content
    assert await club.digest() == before
    assert await profile_rows(club, rae) == [
        {
            "race_time_ms": None,
            "race_distance_m": None,
            "race_date": None,
            "birth_year": None,
            "sex": "female",
            "units": None,
        }
    ]


# ------------------------------------------------------------------ the week


async def test_how_was_my_week(club: Club, clean_fake) -> None:
    wes = athlete(club, "Wes")
    for day, splits in (
        ("2026-11-21", "400m: 60 / 61"),  # 7 days ago: outside the last 7 days
        ("2026-11-23", "400m: 70 / 71 / 72"),
        ("2026-11-25", "200m: 30 / 31"),
        ("2026-11-28", "1000m: 3:10 / 3:05"),
    ):
        logged = await slash(club, wes, "splits submit", {"splits": splits, "date": day})
        assert not logged.ephemeral, logged.content

    headline = "Your week (Sun 22 Nov – Sat 28 Nov): 3 day(s) logged, 7 rep(s), 3600 m of reps"
    body = [
        "3 day(s) logged, 7 rep(s), 3600 m of reps; personal bests: 200 m 30.00, 1000 m 3:05.00",
        "- Mon 23 Nov: 1:10.00 1:11.00 1:12.00",
        "- Wed 25 Nov: 30.00 31.00",
        "- Sat 28 Nov: 3:10.00 3:05.00",
    ]
    in_channel = await mention(club, wes, "how was my week?")  # records the server's use
    by_dm = await dm(club, wes, "how was my week?")
    privately = await ask(club, wes, "how was my week?")
    for reply in (in_channel, privately):
        assert reply.content == headline
        assert title(reply) == "Your last 7 days (Sun 22 Nov – Sat 28 Nov)"
        assert description(reply).splitlines() == body
    # In a DM each server is named (here the one Wes logs in).
    assert by_dm.content == headline
    assert title(by_dm) == title(in_channel)
    assert description(by_dm).splitlines() == [f"**Track Club**: {body[0]}", *body[1:]]

    nobody = athlete(club, "Nobody")
    empty = await ask(club, nobody, "how was my week?")
    assert empty.content.startswith(
        "You logged no splits in the last 7 days (Sun 22 Nov – Sat 28 Nov)."
    )


# ---------------------------------------------------------- the phrasings


@dataclass(frozen=True)
class Phrasing:
    text: str
    reaches: str  # a glossary entry's id, or "paces" / "week" (a personal answer)
    everywhere: bool = False  # also as a mention and a DM (every phrasing goes through /ask)

    def __str__(self) -> str:
        return self.text


def about(text: str, entry: str, everywhere: bool = False) -> Phrasing:
    return Phrasing(text, entry, everywhere)


PHRASINGS: list[Phrasing] = [
    # The issue's own, typos and word orders included.
    about("waht is tempo", "tempo", True),
    about("tempo run what is", "tempo", True),
    about("what is a tempo run?", "tempo", True),
    about("fartlik", "fartlek", True),
    about("how much rest between I reps?", "interval-pace", True),
    about("difference between T and I pace?", "t-vs-i", True),
    about("what is VDOT?", "vdot", True),
    about("what are strides?", "strides", True),
    about("stirdes", "strides", True),
    about("progresion run", "progression-run", True),
    about("whats a cut down run", "cut-down", True),
    about("what is a negative split?", "negative-split", True),
    about("threshold vs interval", "t-vs-i", True),
    about("what is vo2max?", "vo2max", True),
    about("how much rest between 400s", "rest-between-400s", True),
    about("what is the 10% rule?", "ten-percent-rule", True),
    # More glossary terms, through /ask.
    about("what is fartlek?", "fartlek"),
    about("what is a fartlek run", "fartlek"),
    about("what is a progression run?", "progression-run"),
    about("what is tapering?", "taper"),
    about("what is overtraining?", "overtraining"),
    about("what is supercompensation", "supercompensation"),
    about("what is periodization?", "periodization"),
    about("what is a mesocycle", "mesocycle"),
    about("what's a deload week", "deload"),
    about("what is an aerobic base", "aerobic-base"),
    about("what is lactate threshold?", "lactate-threshold"),
    about("what is running economy", "running-economy"),
    about("what is cadence?", "cadence"),
    about("aerobic vs anaerobic", "aerobic-anaerobic"),
    about("heart rate zones", "heart-rate-zones"),
    about("how do I find my max heart rate", "max-heart-rate"),
    about("does altitude training work", "altitude"),
    about("what are plyometrics", "plyometrics"),
    about("what are running drills", "drills"),
    about("what is a sprint", "sprint"),
    about("what is easy pace", "easy-pace"),
    about("what's marathon pace", "marathon-pace"),
    about("what are cruise intervals", "cruise-intervals"),
    about("how much rest between t reps", "cruise-intervals"),
    about("what is interval pace", "interval-pace"),
    about("what is repetition pace", "repetition-pace"),
    about("what is interval training", "intervals"),
    about("rest vs recovery", "rest-vs-recovery"),
    about("what is a long run", "long-run"),
    about("what is a recovery run", "recovery-run"),
    about("hill repeats", "hill-repeats"),
    about("why warm up", "warm-up"),
    about("what is a cool down", "cool-down"),
    about("what are doubles", "doubles"),
    about("what is a time trial", "time-trial"),
    about("what is race pace", "race-pace"),
    about("what is goal pace", "goal-pace"),
    about("what is a split", "split"),
    about("what is a lap", "lap"),
    about("what is even pacing", "even-pacing"),
    about("what is a kick", "kick"),
    about("tempo vs intervals", "t-vs-i"),
    about("v dot", "vdot"),
    about("what's a pyramid", "ladder"),
    # A kind of workout, not the day's; the 80/20 rule, not 80 s per 20 m.
    about("what's a ladder workout?", "ladder", True),
    about("what is an interval session?", "intervals", True),
    about("what is a hill workout", "hill-repeats"),
    about("what is 80/20 training", "eighty-twenty", True),
    about("what's the 80/20 rule?", "eighty-twenty"),
    # Personal: the asker's paces (from the profile) and week.
    Phrasing(TEMPO_QUESTION, "paces", True),
    Phrasing("my training paces", "paces", True),
    Phrasing("what should I run 400s at?", "paces", True),
    Phrasing("how fast are my easy runs?", "paces", True),
    Phrasing("what pace for my intervals", "paces"),
    Phrasing("how fast should my long run be", "paces"),
    Phrasing("what are my paces", "paces"),
    Phrasing("what is my marathon pace", "paces"),
    Phrasing("my tempo pace", "paces"),
    Phrasing("what pace should i run my 1000s", "paces"),
    Phrasing("how was my week?", "week", True),
    Phrasing("my week", "week", True),
    Phrasing("how was my training week", "week"),
    Phrasing("what did i do this week", "week"),
    Phrasing("my weekly summary", "week"),
]


async def test_the_table_is_big_enough() -> None:
    assert len(PHRASINGS) >= 60
    assert sum(p.everywhere for p in PHRASINGS) >= 20
    assert len({p.text for p in PHRASINGS}) == len(PHRASINGS)
    for phrasing in PHRASINGS:
        assert phrasing.reaches in {"paces", "week"} or GLOSSARY.get(phrasing.reaches), phrasing


def check_reached(reply: Message, phrasing: Phrasing) -> None:
    """The answer ``phrasing`` must reach, as its reply shows it."""
    shown = (phrasing.text, reply.content[:200])
    if phrasing.reaches == "paces":
        assert re.match(r"Your (training paces|[EMTIR] pace,) ", str(title(reply))), shown
        assert str(title(reply)).endswith(f"from your {RACE_NAMED} (VDOT 49.8)"), shown
    elif phrasing.reaches == "week":
        # A new athlete: nothing logged in the last 7 days.
        assert reply.content.startswith("You logged no splits in the last 7 days"), shown
        assert not reply.embeds, shown
    else:
        entry = GLOSSARY.get(phrasing.reaches)
        assert entry is not None
        assert title(reply) == entry.term, shown
        assert footer(reply) == f"Source: {entry.source}", shown
        assert description(reply) == entry.answer, shown
        assert reply.content == f"{entry.term} (source: {entry.source})", shown


@pytest.mark.parametrize("phrasing", PHRASINGS, ids=str)
async def test_a_phrasing_reaches_its_answer(club: Club, clean_fake, phrasing: Phrasing) -> None:
    asker = athlete(club, "Asker")
    if phrasing.reaches == "paces":
        await slash(club, asker, "profile set", RACE)
    replies = [await ask(club, asker, phrasing.text)]
    if phrasing.everywhere:
        # The mention first: it records the server's use, which a DM's week reads.
        replies.append(await mention(club, asker, phrasing.text))
        replies.append(await dm(club, asker, phrasing.text))
    for reply in replies:
        check_reached(reply, phrasing)
    # The same question, the same answer, wherever it is asked.
    assert len({title(reply) for reply in replies}) == 1
    assert len({reply.content for reply in replies}) == 1


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("what's 37.47 for 300m per 400?", "37.47 for 300 m = 49.96 per 400 m"),
        ("vdot for 5k 20:00", "VDOT 49.8 from 20:00.0 for 5 km"),
        ("asdf qwerty", "I didn't catch that. Try “what's 37.47 for 300m per 400?”"),
        # The day's workout is still the day's workout (none posted in this module).
        ("what's today's workout?", "No workout posted for Saturday 28 November 2026."),
        ("is there a workout?", "No workout posted for Saturday 28 November 2026."),
    ],
    ids=["conversion", "vdot", "unknown", "todays-workout", "a-workout"],
)
async def test_conversions_and_the_help_still_answer_everywhere(
    club: Club, clean_fake, question: str, starts: str
) -> None:
    asker = athlete(club, "Other")
    replies = [
        await ask(club, asker, question),
        await mention(club, asker, question),
        await dm(club, asker, question),
    ]
    for reply in replies:
        assert reply.content.startswith(starts), reply.content
    assert len({title(reply) for reply in replies}) == 1
    if question == "asdf qwerty":
        assert title(replies[0]) == "What I can answer"
