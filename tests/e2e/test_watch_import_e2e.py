"""/splits import end to end (issue #18): a watch file attached to the real
client, read by the bot, previewed privately, stored on Confirm exactly as
``/splits submit`` stores the same times typed.

The module's workouts are on the days the files were recorded: the seed
workout on 2026-06-05 (the built TCX, ``interval_tcx()``) and ``4 x 1km`` on
2013-02-06 (the real FIT, 1 km auto-laps). Each test imports as an athlete
of its own (``athlete``), so no test reads another's rows. "Nothing stored"
is ``club.digest()`` unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import discord
import pytest
import pytest_asyncio

from bot.clock import ManualClock
from cogs.splits.preview import ALREADY_CONFIRMED, CANCELLED, EXPIRED, MARK, NOT_YOURS
from cogs.splits.watch import MAX_FILE_BYTES
from db.copy import digests
from loopback import Attachment, Channel, FakeDiscord, Guild, InteractionRecord, Member, Message
from loopback.limits import EPHEMERAL
from loopback.sandbox import INVITE_PERMISSIONS, LOOPBACK_TOKEN, Database, running_bot
from tests.cogs.splits.watch.builders import (
    SEED_SPLITS,
    BuiltLap,
    billion_laughs_tcx,
    gpx_track,
    interval_tcx,
    real_file,
)
from tests.e2e.conftest import CLUB_START, Club, build_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
SEED_TITLE = "Sprint session"
SEED_DAY = "2026-06-05"  # the day interval_tcx() was recorded (16:30 UTC)
SEED_MS = [29780, 29980, 31310, 31200, 37470]
SEED_M = [250, 250, 250, 250, 300]
FIT_NAME = "2013-02-06-12-11-14.fit"
FIT_DAY = "2013-02-06"
KM_REPS = "4 x 1km"
REPLY_TIMEOUT = 15.0


@dataclass
class Second:
    """Another server with the seed workout on the same day: where the same
    athlete types the splits, to compare with the import's reply."""

    guild: Guild
    channel: Channel
    owner: Member


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def second(club: Club) -> Second:
    fake = club.fake
    guild = fake.create_guild("Second Club", bot_permissions=INVITE_PERMISSIONS)
    channel = fake.create_channel(guild, "track")
    owner = guild.member(guild.owner_id)
    assert owner is not None
    await fake.sync_gateway()
    for who, where, options in (
        (club.coach, club.workouts, {"workout": SEED, "title": SEED_TITLE, "date": SEED_DAY}),
        (club.coach, club.workouts, {"workout": KM_REPS, "date": FIT_DAY}),
        (owner, channel, {"workout": SEED, "title": SEED_TITLE, "date": SEED_DAY}),
    ):
        reply = await _reply(club, who, "wod post", options, where)
        assert "not posted, since that day has passed" in reply.content, reply.content
    return Second(guild, channel, owner)


# ------------------------------------------------------------------ helpers


async def _reply(
    club: Club, who: Member, command: str, options: dict[str, Any], channel: Channel | None = None
) -> Message:
    itx = await club.fake.slash(who, command, options, channel=channel or club.workouts)
    return await itx.wait_reply(timeout=REPLY_TIMEOUT)


_count = 0


async def athlete(club: Club, *, also_in: Second | None = None) -> Member:
    """A member of the club of this test's own (and of the second server)."""
    global _count
    _count += 1
    member = club.fake.create_member(club.guild, f"Runner {_count}")
    if also_in is not None:
        club.fake.create_member(also_in.guild, member.user)
    await club.fake.sync_gateway()
    return member


async def open_preview(
    club: Club, who: Member, filename: str, data: bytes, **options: str
) -> Message:
    reply = await _reply(club, who, "splits import", {"file": (filename, data), **options})
    assert reply.ephemeral, reply.text()
    assert reply.content.startswith("Preview (only you see it): "), reply.text()
    return reply


def ids(preview: Message) -> dict[str, str]:
    """``laps`` / ``yes`` / ``no`` → the preview's custom ids."""
    found = {
        c["custom_id"].rsplit(":", 1)[1]: c["custom_id"]
        for c in preview.iter_components()
        if c.get("custom_id")
    }
    assert set(found) == {"laps", "yes", "no"}, found
    return found


def table(preview: Message) -> list[str]:
    [embed] = preview.embeds
    return embed["description"].split("```")[1].strip("\n").splitlines()[1:]


def marked(preview: Message) -> list[int]:
    """The lap numbers the preview's table marks ✓."""
    return [int(line.split()[1]) for line in table(preview) if line.startswith(MARK)]


def menu_defaults(preview: Message) -> list[str]:
    [menu] = [c for c in preview.iter_components() if c.get("type") == 3]
    return [o["value"] for o in menu["options"] if o.get("default")]


async def click(club: Club, who: Member, preview: Message, action: str, **kw: Any) -> Message:
    itx = await club.fake.click(who, preview, ids(preview)[action], **kw)
    return await itx.wait_reply(timeout=REPLY_TIMEOUT)


async def confirm(club: Club, who: Member, preview: Message) -> Message:
    """Confirm: the public reply; the private preview then says it was submitted."""
    itx = await club.fake.click(who, preview, ids(preview)["yes"])
    [public] = await itx.wait_followups(1, timeout=REPLY_TIMEOUT)
    await closed(preview)
    assert preview.content.startswith("Submitted: "), preview.content
    assert preview.ephemeral and preview.embeds == [] and preview.attachments == []
    return public


async def closed(preview: Message, start: str = "") -> None:
    """Returns once the preview's menu and buttons are gone and its content
    starts with ``start``: its last edit, which follows the public reply
    (nothing signals an edit, so the record is read until it shows, for at
    most 15 s)."""
    for _ in range(1500):
        if not preview.components and preview.content.startswith(start):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the preview was not closed with {start!r}: {preview.content!r}")


async def stored(club: Club, who: Member, day: str, guild_id: int | None = None) -> list[tuple]:
    """(rep, metres, ms, source) of ``who``'s splits on ``day``."""
    rows = await club.rows(
        "SELECT p.rep, p.distance_m, p.time_ms, s.source FROM submissions s"
        " JOIN splits p ON p.submission_id = s.id"
        " WHERE s.guild_id = :guild AND s.athlete_id = :athlete AND s.local_date = :day"
        " ORDER BY p.rep",
        {"guild": guild_id or club.guild.id, "athlete": who.user.id, "day": day},
    )
    return [
        (int(r["rep"]), Decimal(str(r["distance_m"])), int(r["time_ms"]), r["source"]) for r in rows
    ]


def seed_rows(source: str) -> list[tuple]:
    return [
        (rep, Decimal(m), ms, source)
        for rep, (m, ms) in enumerate(zip(SEED_M, SEED_MS, strict=True), 1)
    ]


async def digest(club: Club) -> list[Any]:
    """``club.digest()`` but the pace history (a ``/pace`` answer adds to it)."""
    return [copy for copy in await club.digest() if copy.table != "pace_answers"]


def without_ids(message: Message) -> tuple[str, list[dict[str, Any]], list[str]]:
    return (message.content, message.embeds, [a.filename for a in message.attachments])


# ------------------------------------------------------------------ the seed story


async def test_seed_tcx_previews_privately_and_confirm_stores_as_typed(
    club: Club, clean_fake, second: Second
) -> None:
    gia = await athlete(club, also_in=second)
    before = await digest(club)
    preview = await open_preview(club, gia, "seed.tcx", interval_tcx())
    # The day defaults to the day the file was recorded; the workout is that day's.
    assert preview.content == (
        "Preview (only you see it): 5 of 11 lap(s) selected for Fri 5 Jun. "
        "Nothing is stored until you press Confirm."
    )
    [embed] = preview.embeds
    assert embed["title"] == "Laps from seed.tcx (running)"
    description = embed["description"]
    assert description.startswith(
        f"For **Fri 5 Jun**: {SEED_TITLE} · 4 × 250 m, 1 × 300 m\n"
        "Proposed laps 2, 4, 6, 8, 10 as the workout's 5 reps (✓ below)."
    )
    assert [int(line[1:].split()[0]) for line in table(preview)] == list(range(1, 12))
    assert marked(preview) == [2, 4, 6, 8, 10]
    assert table(preview)[1] == "✓    2   243.4 m      29.78  rep 1: 250 m"
    assert table(preview)[2] == "     3    41.2 m    1:30.00  rest"
    assert table(preview)[9] == "✓   10   301.2 m      37.47  rep 5: 300 m"
    assert f"As typed splits: `{SEED_SPLITS}`" in description
    assert menu_defaults(preview) == ["2", "4", "6", "8", "10"]
    # Private, and nothing of the file (no position, no heart rate) shown or stored.
    assert "51.5007" not in preview.text() and "163" not in preview.text()
    assert await digest(club) == before, "stored before Confirm"
    assert not any(m.id == preview.id for m in club.fake.messages(club.workouts))

    public = await confirm(club, gia, preview)
    assert not public.ephemeral and public.channel_id == club.workouts.id
    assert preview.content == (
        "Submitted: 5 lap(s) stored as your splits for Fri 5 Jun (the reply is in the channel)."
    )
    assert await stored(club, gia, SEED_DAY) == seed_rows("file")

    # The same athlete typing the same splits in another server: the same reply.
    typed = await _reply(
        club,
        gia,
        "splits submit",
        {"splits": "29.78 29.98 31.31 31.20 37.47", "date": SEED_DAY},
        second.channel,
    )
    assert not typed.ephemeral
    assert without_ids(public) == without_ids(typed)
    assert (
        public.content
        == f"{gia.user.name} logged splits for Fri 5 Jun: 29.78, 29.98, 31.31, 31.20, 37.47"
    )
    assert "**300 m**: 37.47 (49.96 per 400 m)" in public.embeds[0]["description"]
    assert await stored(club, gia, SEED_DAY, second.guild.id) == seed_rows("typed")

    # The export says where the splits came from.
    export = await _reply(club, gia, "splits export", {})
    [attachment] = export.attachments
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"))))
    assert [(r["date"], r["rep"], r["distance_m"], r["time_s"], r["source"]) for r in rows] == [
        (SEED_DAY, str(rep), str(m), f"{ms / 1000:.2f}", "file")
        for rep, (m, ms) in enumerate(zip(SEED_M, SEED_MS, strict=True), 1)
    ]


async def test_real_fit_auto_laps_against_4_x_1km(club: Club, clean_fake) -> None:
    hal = await athlete(club)
    preview = await open_preview(club, hal, "morning.fit", real_file(FIT_NAME), date=FIT_DAY)
    assert preview.content.startswith(
        "Preview (only you see it): 4 of 5 lap(s) selected for Wed 6 Feb."
    )
    assert "Proposed laps 1-4 as the workout's 4 reps" in preview.embeds[0]["description"]
    assert marked(preview) == [1, 2, 3, 4]
    assert "As typed splits: `9:38.73 10:22.39 11:44.01 5:44.15`" in preview.text()
    await confirm(club, hal, preview)
    assert await stored(club, hal, FIT_DAY) == [
        (1, Decimal(1000), 578730, "file"),
        (2, Decimal(1000), 622390, "file"),
        (3, Decimal(1000), 704010, "file"),
        (4, Decimal(1000), 344150, "file"),
    ]


async def test_with_no_workout_that_day_the_laps_keep_the_watch_distances(
    club: Club, clean_fake
) -> None:
    max_ = await athlete(club)
    preview = await open_preview(club, max_, "seed.tcx", interval_tcx(), date="2026-06-06")
    assert preview.embeds[0]["description"].startswith(
        "For **Sat 6 Jun**: no workout that day, so every lap not marked rest is proposed, "
        "and the laps are stored with the watch's distances rounded to the metre."
    )
    assert marked(preview) == [1, 2, 4, 6, 8, 10, 11]
    await confirm(club, max_, preview)
    assert [(m, ms) for _rep, m, ms, _source in await stored(club, max_, "2026-06-06")] == [
        (Decimal(1609), 540000),
        (Decimal(243), 29780),
        (Decimal(252), 29980),
        (Decimal(258), 31310),
        (Decimal(247), 31200),
        (Decimal(301), 37470),
        (Decimal(1450), 600000),
    ]


# ------------------------------------------------------------------ the buttons


async def test_a_double_click_on_confirm_stores_once(club: Club, clean_fake) -> None:
    ned = await athlete(club)
    preview = await open_preview(club, ned, "seed.tcx", interval_tcx())
    yes = ids(preview)["yes"]
    first = await club.fake.click(ned, preview, yes)
    again = await club.fake.click(ned, preview, yes)  # before the first is answered
    answers = [await first.wait_reply(timeout=REPLY_TIMEOUT)]
    answers.append(await again.wait_reply(timeout=REPLY_TIMEOUT))
    public = [m for m in answers if not m.ephemeral]
    assert len(public) == 1, [m.content for m in answers]
    # The second click is told privately (a message of its own, not an edit
    # of the preview), and the private preview ends saying what the first did.
    [told] = [m for m in answers if m.ephemeral]
    assert told.content == ALREADY_CONFIRMED and told.id != preview.id
    await closed(preview, "Submitted: 5 lap(s)")
    assert await stored(club, ned, SEED_DAY) == seed_rows("file")
    assert await club.split_counts(ned.user.id) == [5]


async def test_cancel_stores_nothing(club: Club, clean_fake) -> None:
    ivy = await athlete(club)
    preview = await open_preview(club, ivy, "seed.tcx", interval_tcx())
    before = await digest(club)
    reply = await click(club, ivy, preview, "no")
    assert reply.id == preview.id and reply.ephemeral
    assert reply.content == CANCELLED
    assert reply.components == [] and reply.embeds == []
    assert await digest(club) == before
    assert await stored(club, ivy, SEED_DAY) == []


async def test_changing_the_laps_in_the_menu_changes_what_is_stored(club: Club, clean_fake) -> None:
    jo = await athlete(club)
    preview = await open_preview(club, jo, "seed.tcx", interval_tcx())
    before = await digest(club)
    reply = await click(club, jo, preview, "laps", values=["1", "4", "6", "8", "10"])
    assert reply.id == preview.id and reply.ephemeral
    assert marked(reply) == [1, 4, 6, 8, 10]
    assert menu_defaults(reply) == ["1", "4", "6", "8", "10"]
    assert "Selected laps 1, 4, 6, 8, 10: 5 for the workout's 5 reps." in reply.text()
    assert "As typed splits: `9:00.00 29.98 31.31 31.20 37.47`" in reply.text()
    assert await digest(club) == before, "a menu change stored something"
    # Too few laps for the workout: Confirm is refused and the preview stays open.
    reply = await click(club, jo, preview, "laps", values=["4", "6"])
    assert "Selected laps 4, 6: 2 for the workout's 5 reps (Confirm needs exactly 5)." in (
        reply.text()
    )
    itx = await club.fake.click(jo, preview, ids(preview)["yes"])
    refusal = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    assert refusal.ephemeral and refusal.id != preview.id
    assert "5 reps; received 2 times" in refusal.content, refusal.content
    assert await digest(club) == before
    reply = await click(club, jo, preview, "laps", values=["1", "4", "6", "8", "10"])
    await confirm(club, jo, preview)
    assert await stored(club, jo, SEED_DAY) == [
        (1, Decimal(250), 540000, "file"),
        *seed_rows("file")[1:],
    ]


async def test_a_preview_past_ten_minutes_has_expired(club: Club, clean_fake) -> None:
    kai = await athlete(club)
    preview = await open_preview(club, kai, "seed.tcx", interval_tcx())
    before = await digest(club)
    club.clock.set(CLUB_START.replace(minute=10, second=1))
    try:
        reply = await click(club, kai, preview, "yes")
    finally:
        club.clock.set(CLUB_START)
    assert reply.id == preview.id and reply.ephemeral
    assert reply.content == EXPIRED
    assert "expired" in reply.content and "nothing was stored" in reply.content
    assert reply.components == []
    assert await digest(club) == before


async def test_a_preview_from_before_a_restart_has_expired(new_database: Database) -> None:
    """Previews live in memory: after a restart the old preview's Confirm says
    it expired, turns the preview into that, and stores nothing."""
    clock = ManualClock(CLUB_START)
    with discord_of_the_club():
        await _restarted(new_database, clock)


@contextlib.contextmanager
def discord_of_the_club() -> Iterator[None]:
    """A bot started in a test points discord.py's REST and gateway URLs
    (class attributes) at its own fake: put back the module's club's after."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


async def _restarted(new_database: Database, clock: ManualClock) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach, ana, channel = w["guild"], w["coach"], w["ana"], w["workouts"]
        async with running_bot(fake, new_database, dev_guild_id=guild.id, clock=clock) as first:
            posted = await fake.slash(
                coach, "wod post", {"workout": SEED, "date": SEED_DAY}, channel=channel
            )
            await posted.wait_reply(timeout=REPLY_TIMEOUT)
            itx = await fake.slash(
                ana, "splits import", {"file": ("seed.tcx", interval_tcx())}, channel=channel
            )
            preview = await itx.wait_reply(timeout=REPLY_TIMEOUT)
            assert marked(preview) == [2, 4, 6, 8, 10]
            old_boot = first.boot_id
        async with running_bot(fake, new_database, dev_guild_id=guild.id, clock=clock) as again:
            assert again.boot_id != old_boot
            before = await digests(again.db)
            clicked = await fake.click(ana, preview, ids(preview)["yes"])
            reply = await clicked.wait_reply(timeout=REPLY_TIMEOUT)
            assert reply.id == preview.id and reply.ephemeral
            assert reply.content == EXPIRED and reply.components == [] and reply.embeds == []
            assert await digests(again.db) == before
        fake.assert_clean()


async def test_only_the_importer_can_use_the_preview(club: Club, clean_fake) -> None:
    lea = await athlete(club)
    preview = await open_preview(club, lea, "seed.tcx", interval_tcx())
    before = await digest(club)
    # Discord shows an ephemeral preview to its owner only; were it visible to
    # someone else (a forged request), the bot still refuses them.
    preview.flags &= ~EPHEMERAL
    try:
        for action, extra in (("yes", {}), ("laps", {"values": ["2"]}), ("no", {})):
            itx = await club.fake.click(club.ben, preview, ids(preview)[action], **extra)
            refusal = await itx.wait_reply(timeout=REPLY_TIMEOUT)
            assert refusal.ephemeral and refusal.id != preview.id
            assert refusal.content == NOT_YOURS
    finally:
        preview.flags |= EPHEMERAL
    assert await digest(club) == before
    assert marked(preview) == [2, 4, 6, 8, 10] and preview.components
    # The owner's preview is untouched: Confirm still stores it.
    await confirm(club, lea, preview)
    assert await stored(club, lea, SEED_DAY) == seed_rows("file")


# ------------------------------------------------------------------ bad files


@dataclass(frozen=True)
class BadFile:
    name: str
    filename: str
    data: bytes
    says: str  # in the refusal: the problem, named

    def __str__(self) -> str:
        return self.name


NO_DISTANCE = (BuiltLap(None, 30.0), BuiltLap(None, 31.0))
BAD_FILES = [
    BadFile("not-an-activity", "Settings.fit", real_file("Settings.fit"), "not an activity"),
    BadFile(
        "corrupt",
        "activity.fit",
        real_file("activity-settings-corruptheader.fit"),
        "This FIT file is corrupt",
    ),
    BadFile("truncated", "activity.fit", real_file("activity-unexpected-eof.fit"), "truncated"),
    BadFile("empty", "empty.fit", b"", "The file is empty (0 bytes)"),
    BadFile(
        "a-ride", "ride.fit", real_file("sample-activity.fit"), "This file is a ride (cycling)"
    ),
    BadFile("laps-without-distance", "indoor.tcx", interval_tcx(NO_DISTANCE), "have no distance"),
    BadFile(
        "over-10-MB", "huge.fit", b"\0" * (MAX_FILE_BYTES + 1), "a watch file can be up to 10 MB"
    ),
    BadFile("gpx-without-laps", "run.gpx", gpx_track(), "Export the activity as FIT or TCX"),
    BadFile("billion-laughs", "laughs.tcx", billion_laughs_tcx(), "declares XML entities"),
    BadFile("not-a-watch-file", "notes.txt", b"4 x 250m went well", "not a watch activity file"),
]


async def assert_refused(club: Club, itx: InteractionRecord, says: str, before: Any) -> Message:
    reply = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    assert not itx.failed and not itx.errors
    assert reply.ephemeral, reply.text()
    assert says in reply.content, reply.content
    assert "nothing was stored" in reply.content, reply.content
    assert not (reply.embeds or reply.components or reply.attachments), reply.text()
    assert "Something went wrong" not in reply.content
    assert await digest(club) == before
    return reply


@pytest.mark.parametrize("bad", BAD_FILES, ids=str)
async def test_a_bad_file_is_refused_naming_the_problem(
    club: Club, clean_fake, bad: BadFile
) -> None:
    before = await digest(club)
    itx = await club.fake.slash(
        club.ana, "splits import", {"file": (bad.filename, bad.data)}, channel=club.workouts
    )
    await assert_refused(club, itx, bad.says, before)


@dataclass(eq=False)
class DeclaredSize(Attachment):
    """An attachment whose declared size is not its size (a forged payload)."""

    declared: int = 0

    @property
    def size(self) -> int:
        return self.declared


async def test_a_file_larger_than_it_declares_is_refused_once_downloaded(
    club: Club, clean_fake
) -> None:
    lying = DeclaredSize(
        id=1_234_567_890_123_456_789,
        filename="small.fit",
        data=b"\0" * (MAX_FILE_BYTES + 1),
        channel_id=club.workouts.id,
        ephemeral=True,
        declared=2048,
    )  # declared 2 KB: read, and refused by its real size
    before = await digest(club)
    itx = await club.fake.slash(club.ana, "splits import", {"file": lying}, channel=club.workouts)
    assert itx.data["resolved"]["attachments"][str(lying.id)]["size"] == 2048
    reply = await assert_refused(club, itx, "a watch file can be up to 10 MB", before)
    assert reply.content.startswith("The file is 10.0 MB;"), reply.content


async def test_billion_laughs_is_refused_while_the_bot_keeps_answering(
    club: Club, clean_fake
) -> None:
    before = await digest(club)
    laughs = await club.fake.slash(
        club.ana,
        "splits import",
        {"file": ("laughs.tcx", billion_laughs_tcx(levels=12))},
        channel=club.workouts,
    )
    pace = await club.fake.slash(
        club.ben, "pace convert", {"time": "37.47", "distance": "300m"}, channel=club.workouts
    )
    answer = await pace.wait_reply(timeout=REPLY_TIMEOUT)
    assert "49.96 per 400 m" in answer.content, answer.text()
    await assert_refused(club, laughs, "declares XML entities", before)


async def test_from_a_dm_it_says_it_is_a_server_command(club: Club, clean_fake) -> None:
    before = await digest(club)
    itx = await club.fake.slash(
        club.ana, "splits import", {"file": ("seed.tcx", interval_tcx())}, dm=True
    )
    reply = await itx.wait_reply(timeout=REPLY_TIMEOUT)
    assert reply.ephemeral and "works in a server" in reply.content, reply.content
    assert await digest(club) == before
