"""Start-up and command sync policy: the dev guild on every start, globally
only when the command tree changed, and an owner-only way to force it."""

from __future__ import annotations

from loopback import FakeDiscord
from loopback.sandbox import LOOPBACK_TOKEN, Database, running_bot
from tests.e2e.conftest import build_world


def _syncs(fake: FakeDiscord, label: str) -> int:
    return sum(1 for line in fake.transcript if line.startswith(f"-- Trackside synced {label}"))


async def test_global_sync_only_when_the_tree_changed_and_owner_can_force_it(
    new_database: Database,
) -> None:
    database = new_database
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        guild = world["guild"]
        async with running_bot(fake, database, dev_guild_id=guild.id):
            await fake.wait_for_commands(guild)
            await fake.wait_for_commands(None)
        assert _syncs(fake, "global") == 1
        assert _syncs(fake, "guild 'Track Club'") == 1

        # A restart with the same command tree: the dev guild again, not global.
        async with running_bot(fake, database, dev_guild_id=guild.id) as bot:
            assert _syncs(fake, "global") == 1
            assert _syncs(fake, "guild 'Track Club'") == 2

            # Someone else asking for a sync is ignored; the owner's is obeyed.
            dm_ana = fake.dm_channel(world["ana"])
            await fake.send_message(world["ana"], dm_ana, "sync", mentions=[fake.bot_user])
            owner_dm = fake.dm_channel(fake.app_owner)
            await fake.send_message(fake.app_owner, owner_dm, "sync", mentions=[fake.bot_user])
            reply = await fake.wait_for_message(
                owner_dm, lambda m: m.author_id == bot.user.id, timeout=5
            )
            assert reply.content.startswith("Synced: ")
            assert "globally" in reply.content
            assert _syncs(fake, "global") == 2
            assert not [m for m in fake.messages(dm_ana) if m.author_id == bot.user.id]
        fake.assert_clean()


async def test_without_a_dev_guild_only_global_commands_exist(new_database: Database) -> None:
    async with FakeDiscord(token=LOOPBACK_TOKEN) as fake:
        world = build_world(fake)
        async with running_bot(fake, new_database):
            commands = await fake.wait_for_commands(None)
            assert {"pace", "help"} <= {c["name"] for c in commands}
            assert fake.commands(world["guild"]) == []
        fake.assert_clean()
