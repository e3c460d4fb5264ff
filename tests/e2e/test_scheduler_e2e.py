"""Exactly-once posting across restarts, downtime and a crash mid-post, with
a clock the test controls (no sleeping); on both back ends (``new_database``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.clock import ManualClock
from db import open_database
from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database, running_bot
from tests.e2e.conftest import build_world


async def _first_tick(bot) -> None:
    await asyncio.wait_for(bot.get_cog("Wod").ticked.wait(), 10)


def _posts(fake: FakeDiscord, channel, bot_id: int) -> list:
    return [m for m in fake.messages(channel) if m.author_id == bot_id and m.embeds]


async def test_posted_once_at_six_local_and_never_again_after_restarts(
    new_database: Database,
) -> None:
    database = new_database
    clock = ManualClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach, channel = w["guild"], w["coach"], w["workouts"]

        async def slash(name: str, options: dict) -> str:
            itx = await fake.slash(coach, name, options, channel=w["general"])
            return (await itx.wait_reply()).content

        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock):
            await slash("config timezone", {"timezone": "America/Los_Angeles"})
            await slash("config channel", {"channel": channel})
            reply = await slash(
                "wod post", {"workout": "4 x 250m sprint + 1 x 300m", "date": "tomorrow"}
            )
            assert "Sunday 29 November 2026" in reply and "America/Los_Angeles" in reply

        # Down overnight; back at 05:59 in Los Angeles (13:59 UTC): not yet.
        clock.set(datetime(2026, 11, 29, 13, 59, tzinfo=UTC))
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            await _first_tick(bot)
            assert _posts(fake, channel, bot.user.id) == []
            clock.set(datetime(2026, 11, 29, 14, 0, tzinfo=UTC))  # 06:00 local
            assert len(await bot.get_cog("Wod").tick()) == 1
            assert len(_posts(fake, channel, bot.user.id)) == 1

        for _ in range(2):  # restarts later that day post nothing more
            clock.set(datetime(2026, 11, 29, 20, 0, tzinfo=UTC))
            async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
                await _first_tick(bot)
                assert len(_posts(fake, channel, bot.user.id)) == 1
        fake.assert_clean()


async def test_downtime_posts_on_start_up_but_never_after_the_day(new_database: Database) -> None:
    database = new_database
    clock = ManualClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach = w["guild"], w["coach"]
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock):
            for day in ("2026-11-30", "2026-12-01"):
                itx = await fake.slash(
                    coach, "wod post", {"workout": "6 x 1 mile", "date": day}, channel=w["general"]
                )
                assert "scheduled" in (await itx.wait_reply()).content

        # The bot was down at 06:00 on the 30th and comes back at 23:00 UTC: posts.
        clock.set(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            await _first_tick(bot)
            posts = _posts(fake, w["general"], bot.user.id)
            assert [p.content for p in posts] == ["Workout of the day, Monday 30 November 2026"]

        # Down all of 1 December: on the 2nd that workout is history, not news.
        clock.set(datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC))
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            await _first_tick(bot)
            assert len(_posts(fake, w["general"], bot.user.id)) == 1
        fake.assert_clean()


async def test_a_crash_between_send_and_store_does_not_double_post(new_database: Database) -> None:
    database = new_database
    clock = ManualClock(datetime(2026, 11, 28, 5, 0, tzinfo=UTC))
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach = w["guild"], w["coach"]
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            itx = await fake.slash(coach, "wod post", {"workout": "8 x 200m"}, channel=w["general"])
            await itx.wait_reply()
            assert len(_posts(fake, w["general"], bot.user.id)) == 1

        # Simulate the crash: the message went out, its id never got stored.
        db = await open_database(database)
        try:
            await db.run(
                lambda tx: tx.execute(
                    "UPDATE workouts SET message_id = NULL, channel_id = NULL,"
                    " post_claimed_at = :long_ago",
                    {"long_ago": 0},
                )
            )
        finally:
            await db.close()

        clock.set(datetime(2026, 11, 28, 7, 0, tzinfo=UTC))
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            await _first_tick(bot)
            posts = _posts(fake, w["general"], bot.user.id)
            assert len(posts) == 1  # found in the channel's history, not posted again
            itx = await fake.slash(w["ana"], "wod today", {}, channel=w["general"])
            status = {f["name"]: f["value"] for f in (await itx.wait_reply()).embeds[0]["fields"]}
            assert status["Status"] == f"Posted in <#{w['general'].id}>"
        fake.assert_clean()


async def test_a_timezone_change_neither_skips_nor_repeats_the_day(new_database: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach = w["guild"], w["coach"]

        async def slash(name: str, options: dict) -> str:
            itx = await fake.slash(coach, name, options, channel=w["general"])
            return (await itx.wait_reply()).content

        async with running_bot(fake, new_database, dev_guild_id=guild.id, clock=clock) as bot:
            wod = bot.get_cog("Wod")
            await slash("wod post", {"workout": "10 x 400m @ 68", "date": "tomorrow"})
            # 05:00 UTC on the 29th: before 06:00 in UTC, but 14:00 in Tokyo.
            clock.set(datetime(2026, 11, 29, 5, 0, tzinfo=UTC))
            assert await wod.tick() == []
            await slash("config timezone", {"timezone": "Asia/Tokyo"})
            assert len(await wod.tick()) == 1
            # Back to UTC: its 06:00 comes later that day, and must not post again.
            await slash("config timezone", {"timezone": "UTC"})
            clock.set(datetime(2026, 11, 29, 6, 30, tzinfo=UTC))
            assert await wod.tick() == []
            assert len(_posts(fake, w["general"], bot.user.id)) == 1
        fake.assert_clean()


async def test_button_and_an_open_form_survive_a_restart(new_database: Database) -> None:
    database = new_database
    clock = ManualClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild = w["guild"]
        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as bot:
            itx = await fake.slash(
                w["coach"], "wod post", {"workout": "4 x 250m + 1 x 300m"}, channel=w["general"]
            )
            await itx.wait_reply()
            [post] = _posts(fake, w["general"], bot.user.id)
            # Ana opens the form, then the bot restarts before she sends it.
            opened = await fake.click(w["ana"], post, post.buttons()[0]["custom_id"])
            await opened.wait_response()

        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock):
            submitted = await fake.submit_modal(
                w["ana"], opened, {"splits": "29.78 29.98 31.31 31.20 37.47"}
            )
            reply = await submitted.wait_reply()
            assert reply.content.startswith("Ana logged splits for Sat 28 Nov")
            # And the old post's button still opens a form.
            again = await fake.click(w["ben"], post, post.buttons()[0]["custom_id"])
            await again.wait_response()
            assert again.modal is not None
        fake.assert_clean()
