"""``/help`` and the owner's ``sync`` command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Trackside
from bot.replies import Answer, send_answer


def command_examples(tree: app_commands.CommandTree) -> list[tuple[str, str, str]]:
    """(qualified name, description, example) for every slash command, in
    tree order; derived from the commands themselves so help never drifts."""
    found: list[tuple[str, str, str]] = []
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Command):
            example = command.extras.get("example", f"`/{command.qualified_name}`")
            found.append((command.qualified_name, command.description, example))
    return found


class Help(commands.Cog):
    def __init__(self, bot: Trackside) -> None:
        self.bot = bot

    @app_commands.command(
        name="help",
        description="What Trackside can do, with an example of each command",
        extras={"example": "`/help`"},
    )
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def help(self, interaction: discord.Interaction) -> None:
        lines = [
            f"**/{name}**: {description}\n{example}"
            for name, description, example in command_examples(self.bot.tree)
        ]
        answer = Answer(
            kind="Help",
            headline="Trackside: pace maths for runners",
            title="Trackside: commands",
            body="\n".join(lines),
            footer="Times: 37.47, 1:02.3, 3:56.13, 2h05m30s · Distances: 300m, 1.5k, mile, half",
            file_name="help.txt",
        )
        await send_answer(interaction, answer, ephemeral=True)

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[Trackside]) -> None:
        """Force a command sync: mention the bot with `sync` (owner only)."""
        done = await self.bot.sync_commands(force=True)
        await ctx.reply("Synced: " + "; ".join(done), mention_author=False)
