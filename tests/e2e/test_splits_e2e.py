"""/splits end to end: the seed submission by command and by the post's form,
validation, corrections, board, history, delete, export, chart, and 200
athletes submitting at once.

The module shares today's posted seed workout (``seed_workout``); anything a
test reads beyond that it writes itself, with athletes of its own
(``athletes``) or on a day of its own, so no test depends on another's rows."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
import pytest_asyncio

from db.submissions import SubmissionQueries
from loopback import Member
from tests.e2e.conftest import CLUB_START, Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
SEED_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
SEED_TABLE = [
    "  1  250 m    29.78    47.65",
    "  2  250 m    29.98    47.97",
    "  3  250 m    31.31    50.10",
    "  4  250 m    31.20    49.92",
    "  5  300 m    37.47    49.96",
]
SEED_SUMMARY = (
    "**250 m** ×4: average 30.57 (48.91 per 400 m) · fastest 29.78 · slowest 31.31 · fade +4.8 %"
)
# Past days of the board and export tests' own, with the seed workout saved.
BOARD_DAY = "2026-11-20"
EXPORT_DAY = "2026-11-21"


async def _reply(club: Club, who, name: str, options: dict, channel=None):
    itx = await club.fake.slash(who, name, options, channel=channel or club.workouts)
    return await itx.wait_reply()


async def _stored(club: Club, athlete_id: int):
    return await SubmissionQueries(club.bot.db).get(club.guild.id, CLUB_START.date(), athlete_id)


async def athletes(club: Club, *names: str) -> list[Member]:
    """Members of a test's own: nobody else's submissions are theirs."""
    members = [club.fake.create_member(club.guild, name) for name in names]
    await club.fake.sync_gateway()
    return members


async def submit(club: Club, who: Member, splits: str, date: str | None = None) -> None:
    """``who`` logs ``splits`` (today, or ``date``), and it is stored."""
    options = {"splits": splits} if date is None else {"splits": splits, "date": date}
    reply = await _reply(club, who, "splits submit", options)
    assert not reply.ephemeral, reply.content


async def seed_workout_on(club: Club, date: str) -> None:
    """The seed workout saved for a past ``date`` (not posted: that day has passed)."""
    reply = await _reply(
        club, club.coach, "wod post", {"workout": SEED, "title": "Sprint session", "date": date}
    )
    assert "not posted, since that day has passed" in reply.content, reply.content


async def _count(club: Club) -> int:
    return await SubmissionQueries(club.bot.db).count(club.guild.id)


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def seed_workout(club: Club):
    await _reply(club, club.coach, "config channel", {"channel": club.workouts})
    await _reply(club, club.coach, "wod post", {"workout": SEED, "title": "Sprint session"})


async def db_count_for(club: Club, athlete_ids: list[int]) -> int:
    rows = await club.rows(
        "SELECT DISTINCT athlete_id FROM submissions WHERE guild_id = :g", {"g": club.guild.id}
    )
    return len({int(r["athlete_id"]) for r in rows} & set(athlete_ids))


def _post(club: Club):
    return next(m for m in club.fake.messages(club.workouts) if m.buttons())


def _table(reply) -> list[str]:
    description = reply.embeds[0]["description"]
    return description.split("```")[1].strip("\n").splitlines()


async def test_seed_by_command_gives_the_seed_table(club: Club, clean_fake) -> None:
    reply = await _reply(club, club.ana, "splits submit", {"splits": SEED_SPLITS})
    assert not reply.ephemeral
    assert reply.content == "Ana logged splits for Sat 28 Nov: 29.78, 29.98, 31.31, 31.20, 37.47"
    assert _table(reply)[1:] == SEED_TABLE
    assert SEED_SUMMARY in reply.embeds[0]["description"]
    assert "**300 m**: 37.47 (49.96 per 400 m)" in reply.embeds[0]["description"]
    assert reply.allowed_mentions == {"parse": []}


async def test_seed_by_the_form_stores_the_same_rows(club: Club, clean_fake) -> None:
    [by_command] = await athletes(club, "Flo")
    await submit(club, by_command, SEED_SPLITS)
    post = _post(club)
    opened = await club.fake.click(club.ben, post, post.buttons()[0]["custom_id"])
    await opened.wait_response()
    submitted = await club.fake.submit_modal(
        club.ben, opened, {"splits": SEED_SPLITS, "note": "windy back straight"}
    )
    reply = await submitted.wait_reply()
    assert not reply.ephemeral
    assert _table(reply)[1:] == SEED_TABLE
    assert "Note: windy back straight" in reply.embeds[0]["description"]
    flo, ben = await _stored(club, by_command.user.id), await _stored(club, club.ben.user.id)
    assert flo.splits == ben.splits
    assert [s.time_ms for s in ben.splits] == [29780, 29980, 31310, 31200, 37470]
    assert ben.note == "windy back straight"


@pytest.mark.parametrize("via", ["command", "form"])
async def test_wrong_rep_count_is_rejected_and_nothing_stored(
    club: Club, clean_fake, via: str
) -> None:
    before = await _count(club)
    if via == "command":
        reply = await _reply(club, club.coach, "splits submit", {"splits": "29.78 29.98"})
    else:
        post = _post(club)
        opened = await club.fake.click(club.coach, post, post.buttons()[0]["custom_id"])
        await opened.wait_response()
        submitted = await club.fake.submit_modal(club.coach, opened, {"splits": "29.78 29.98"})
        reply = await submitted.wait_reply()
    assert reply.ephemeral
    assert (
        "Expected 4 × 250 m, 1 × 300 m — 5 reps; received 2 times: 29.78, 29.98." in reply.content
    )
    assert "Example: `250m: " in reply.content
    assert await _count(club) == before
    assert await _stored(club, club.coach.user.id) is None


async def test_resubmitting_replaces_and_a_personal_best_is_announced(
    club: Club, clean_fake
) -> None:
    # Yesterday had no workout: explicit distances are required.
    reply = await _reply(
        club, club.assistant, "splits submit", {"splits": "29.5 30.1", "date": "yesterday"}
    )
    assert reply.ephemeral and "give each time its distance" in reply.content
    await _reply(
        club,
        club.assistant,
        "splits submit",
        {"splits": "250m: 30.50 / 30.60; 300m: 36.90", "date": "yesterday"},
    )
    first = await _reply(club, club.assistant, "splits submit", {"splits": "31 31 31 31 38"})
    assert "Personal best" not in first.embeds[0]["description"]
    before = await _count(club)
    again = await _reply(club, club.assistant, "splits submit", {"splits": "30 30.2 30.4 30.3 37"})
    assert again.content.startswith("Assistant Kim updated their splits for Sat 28 Nov")
    assert again.embeds[0]["footer"]["text"].startswith("Updated")
    assert "🏅 Personal best at 250 m: 30.00 (was 30.50)" in again.embeds[0]["description"]
    assert "300 m" not in again.embeds[0]["description"].split("🏅")[-1]
    assert await _count(club) == before
    stored = await _stored(club, club.assistant.user.id)
    assert [s.time_ms for s in stored.splits] == [30000, 30200, 30400, 30300, 37000]


async def test_board_ranks_by_overall_pace(club: Club, clean_fake) -> None:
    await seed_workout_on(club, BOARD_DAY)
    zoe, bea, cal = await athletes(club, "Zoe", "Bea", "Cal")
    await submit(club, zoe, "30 30.2 30.4 30.3 37", BOARD_DAY)
    await submit(club, cal, SEED_SPLITS, BOARD_DAY)
    await submit(club, bea, SEED_SPLITS, BOARD_DAY)
    reply = await _reply(club, cal, "splits board", {"date": BOARD_DAY})
    assert not reply.ephemeral
    rows = _table(reply)
    assert rows[0].split() == ["#", "athlete", "reps", "total", "/400", "m"]
    names = [row[4:20].strip() for row in rows[1:]]
    assert names == ["Zoe", "Bea", "Cal"]  # Bea and Cal tie; then by name
    assert rows[1].split()[-2:] == ["2:37.90", "48.58"]


async def test_mine_is_private(club: Club, clean_fake) -> None:
    [mia] = await athletes(club, "Mia")
    await submit(club, mia, SEED_SPLITS)
    reply = await _reply(club, mia, "splits mine", {})
    assert reply.ephemeral
    assert "250 m ×4 avg 30.57" in reply.embeds[0]["description"]


async def test_only_coaches_delete_for_others_and_deletes_are_confirmed(
    club: Club, clean_fake
) -> None:
    vic, wes = await athletes(club, "Vic", "Wes")
    await submit(club, vic, SEED_SPLITS)
    await submit(club, wes, SEED_SPLITS)
    reply = await _reply(club, wes, "splits delete", {"athlete": vic})
    assert reply.ephemeral and "Only coaches can delete splits" in reply.content
    assert await _stored(club, vic.user.id) is not None

    itx = await club.fake.slash(wes, "splits delete", {}, channel=club.workouts)
    prompt = await itx.wait_reply()
    assert prompt.ephemeral and "Delete Wes's splits" in prompt.content
    [_delete, cancel] = prompt.buttons()
    clicked = await club.fake.click(wes, prompt, cancel["custom_id"])
    await clicked.wait_response()
    assert await _stored(club, wes.user.id) is not None

    itx = await club.fake.slash(
        club.coach, "splits delete", {"athlete": wes}, channel=club.workouts
    )
    prompt = await itx.wait_reply()
    clicked = await club.fake.click(club.coach, prompt, prompt.buttons()[0]["custom_id"])
    await clicked.wait_response()
    assert await _stored(club, wes.user.id) is None


async def test_export_csv_parses_back(club: Club, clean_fake) -> None:
    await seed_workout_on(club, EXPORT_DAY)
    eve, finn = await athletes(club, "Eve", "Finn")
    await submit(club, eve, SEED_SPLITS, EXPORT_DAY)
    await submit(club, finn, "31 31 31 31 38", EXPORT_DAY)
    itx = await club.fake.slash(club.coach, "splits export", {}, channel=club.general)
    reply = await itx.wait_reply()
    assert reply.ephemeral
    [attachment] = reply.attachments
    assert attachment.filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"))))
    assert list(rows[0]) == [
        "date", "workout", "athlete_id", "athlete", "rep",
        "distance_m", "time_s", "pace_per_400_s", "note", "group", "session", "source",
    ]  # fmt: skip
    eves = [r for r in rows if r["athlete"] == "Eve"]
    assert [(r["rep"], r["distance_m"], r["time_s"], r["pace_per_400_s"]) for r in eves] == [
        ("1", "250", "29.78", "47.65"),
        ("2", "250", "29.98", "47.97"),
        ("3", "250", "31.31", "50.10"),
        ("4", "250", "31.20", "49.92"),
        ("5", "300", "37.47", "49.96"),
    ]
    assert eves[0]["date"] == EXPORT_DAY and eves[0]["workout"] == "Sprint session"
    # The team's export: everyone's rows (of this test's own day: Eve's and Finn's).
    assert {r["athlete"] for r in rows if r["date"] == EXPORT_DAY} == {"Eve", "Finn"}

    itx = await club.fake.slash(eve, "splits export", {}, channel=club.general)
    mine = (await itx.wait_reply()).attachments[0].data.decode()
    assert {r["athlete"] for r in csv.DictReader(io.StringIO(mine))} == {"Eve"}


async def test_chart_is_a_png(club: Club, clean_fake) -> None:
    [cy] = await athletes(club, "Cy")
    await submit(club, cy, SEED_SPLITS)
    for options in ({"date": "today"}, {}):
        itx = await club.fake.slash(cy, "splits chart", options, channel=club.workouts)
        reply = await itx.wait_reply(timeout=30)
        [attachment] = reply.attachments
        assert attachment.filename.endswith(".png")
        assert attachment.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(attachment.data) > 5_000


async def test_200_athletes_submitting_at_once_are_all_stored_once(club: Club, clean_fake) -> None:
    athletes = [club.fake.create_member(club.guild, f"Runner {i:03d}") for i in range(200)]
    await club.fake.sync_gateway()
    before = await _count(club)
    # Integrity under load is the point here, not latency (bench/ measures
    # that): give a loaded CI machine room beyond Discord's 3 s.
    club.fake.ack_deadline = 15.0
    try:
        interactions = await asyncio.gather(
            *(
                club.fake.slash(
                    runner,
                    "splits submit",
                    {"splits": f"{30 + i % 7}.{i % 100:02d} 30 31 32 38"},
                    channel=club.workouts,
                )
                for i, runner in enumerate(athletes)
            )
        )
        replies = await asyncio.gather(*(itx.wait_reply(timeout=60) for itx in interactions))
    finally:
        club.fake.ack_deadline = 3.0
    assert all(not reply.ephemeral for reply in replies), [
        reply.content for reply in replies if reply.ephemeral
    ]
    assert all(reply.content.startswith("Runner ") for reply in replies)
    assert await _count(club) == before + 200
    twice = await club.rows(
        "SELECT athlete_id, local_date, COUNT(*) AS n FROM submissions WHERE guild_id = :g"
        " GROUP BY athlete_id, local_date HAVING COUNT(*) > 1",
        {"g": club.guild.id},
    )
    assert twice == []
    # Each runner's submission once, with all five of its splits, as sent.
    rows = await club.rows(
        "SELECT s.athlete_id, p.rep, p.time_ms FROM submissions s"
        " JOIN splits p ON p.submission_id = s.id"
        " WHERE s.guild_id = :g AND s.local_date = :day AND s.athlete_name LIKE 'Runner %'"
        " ORDER BY s.athlete_id, p.rep",
        {"g": club.guild.id, "day": CLUB_START.date().isoformat()},
    )
    stored: dict[int, list[int]] = {}
    for row in rows:
        stored.setdefault(int(row["athlete_id"]), []).append(int(row["time_ms"]))
    assert stored == {
        runner.user.id: [(30 + i % 7) * 1000 + (i % 100) * 10, 30000, 31000, 32000, 38000]
        for i, runner in enumerate(athletes)
    }
    assert await db_count_for(club, [a.user.id for a in athletes]) == 200
