"""A confirm opened before a restart answers privately that it expired and
nothing changed, instead of "The application did not respond" (issue #13,
class 1); the post's **Submit splits** button, by contrast, keeps working."""

from __future__ import annotations

from bot.clock import ManualClock
from db.copy import digests
from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database, running_bot
from tests.e2e.conftest import CLUB_START, build_world


async def test_a_confirm_from_before_a_restart_has_expired_and_changes_nothing(
    new_database: Database,
) -> None:
    database = new_database
    clock = ManualClock(CLUB_START)
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        w = build_world(fake)
        guild, coach, ana, channel = w["guild"], w["coach"], w["ana"], w["workouts"]

        async def slash(who, name: str, options: dict):
            itx = await fake.slash(who, name, options, channel=channel)
            return await itx.wait_reply(timeout=30)

        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as first:
            await slash(coach, "wod post", {"workout": "4 x 250m sprint + 1 x 300m"})
            await slash(ana, "splits submit", {"splits": "29.78 29.98 31.31 31.20 37.47"})
            prompt = await slash(ana, "splits delete", {})
            assert prompt.ephemeral and prompt.content.startswith("Delete Ana's splits")
            old_boot = first.boot_id
        [post] = [m for m in fake.messages(channel) if m.buttons()]

        async with running_bot(fake, database, dev_guild_id=guild.id, clock=clock) as second:
            assert second.boot_id != old_boot
            before = await digests(second.db)
            clicked = await fake.click(ana, prompt, prompt.buttons()[0]["custom_id"])
            reply = await clicked.wait_reply()
            assert reply.ephemeral
            assert reply.content.startswith("This confirmation has expired")
            assert "nothing changed. Run the command again." in reply.content
            assert reply.buttons() == []  # the stale buttons are gone
            assert await digests(second.db) == before

            # The post's button is routed by its custom id: it still opens the form.
            opened = await fake.click(ana, post, post.buttons()[0]["custom_id"])
            await opened.wait_response()
            assert opened.modal is not None and opened.modal["title"] == "Splits for Sat 28 Nov"
        fake.assert_clean()
