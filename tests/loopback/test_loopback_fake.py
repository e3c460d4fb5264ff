"""End-to-end tests of the loopback fake Discord against the real discord.py client.

A small bot defined here (not Trackside) exercises each Discord feature the
fake models; the fake and the bot are started once for the module.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from loopback import (
    DM,
    MANAGE_GUILD,
    SEND_MESSAGES,
    DriverError,
    FakeDiscord,
    Guild,
    Member,
    Role,
)
from loopback.models import Channel

pytestmark = pytest.mark.asyncio(loop_scope="module")


@contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and gateway at ``fake``; restore afterwards."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


# --------------------------------------------------------------------------- bot
class RepModal(discord.ui.Modal, title="Log a rep"):
    time = discord.ui.TextInput(label="Time", custom_id="time", max_length=10)
    notes = discord.ui.TextInput(
        label="Notes", custom_id="notes", required=False, style=discord.TextStyle.paragraph
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Logged {self.time.value} ({self.notes.value or 'no notes'})", ephemeral=True
        )


class RepView(discord.ui.View):
    @discord.ui.button(label="Log rep", custom_id="open_form")
    async def open_form(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.send_modal(RepModal())

    @discord.ui.button(label="Bump", custom_id="bump", style=discord.ButtonStyle.secondary)
    async def bump(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="bumped", view=None)

    @discord.ui.button(label="Later", custom_id="later")
    async def later(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="edited later")

    @discord.ui.select(
        custom_id="event",
        options=[discord.SelectOption(label=e, value=e) for e in ("200m", "400m", "800m")],
        max_values=2,
        row=1,
    )
    async def event(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"chose {','.join(select.values)}", ephemeral=True)


@dataclass
class Observed:
    """What the test bot saw, for assertions."""

    errors: dict[str, asyncio.Future[BaseException]] = field(default_factory=dict)

    def future(self, name: str) -> asyncio.Future[BaseException]:
        if name not in self.errors:
            self.errors[name] = asyncio.get_running_loop().create_future()
        return self.errors[name]

    def record(self, name: str, exc: BaseException) -> None:
        future = self.future(name)
        if not future.done():
            future.set_result(exc)


class LoopBot(commands.Bot):
    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        self.guild_id = guild_id
        self.seen = Observed()
        self.slow_delay = 0.6

    async def setup_hook(self) -> None:
        tree = self.tree
        seen = self.seen

        @tree.command(description="Repeat text")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(text)

        math = app_commands.Group(name="math", description="Arithmetic")

        @math.command(description="Add two integers")
        async def add(interaction: discord.Interaction, a: int, b: int) -> None:
            await interaction.response.send_message(str(a + b))

        @math.command(description="Halve a number")
        async def half(interaction: discord.Interaction, x: float) -> None:
            await interaction.response.send_message(f"{x / 2:g}")

        tree.add_command(math)

        @tree.command(description="Think first")
        async def slowreply(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done after defer")

        @tree.command(description="Progress then result")
        async def progress(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True, ephemeral=True)
            await interaction.edit_original_response(content="50%")
            original = await interaction.original_response()
            await interaction.followup.send(f"done ({original.content} before)", ephemeral=True)

        @tree.command(description="Ephemeral reply")
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("for your eyes only", ephemeral=True)

        @tree.command(description="Open the rep form")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Log a rep", view=RepView())

        @tree.command(description="Upload a CSV")
        async def upload(interaction: discord.Interaction) -> None:
            data = io.BytesIO(b"rep,time\n1,37.47\n")
            await interaction.response.send_message(
                "splits", file=discord.File(data, filename="splits.csv")
            )

        @tree.command(description="Answer twice at once (a race)")
        async def twice(interaction: discord.Interaction) -> None:
            results = await asyncio.gather(
                interaction.response.send_message("one"),
                interaction.response.send_message("two"),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, BaseException):
                    seen.record("twice", result)

        @tree.command(description="Too slow to answer")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(self.slow_delay)
            try:
                await interaction.response.send_message("late")
            except discord.HTTPException as exc:
                seen.record("slow", exc)

        @tree.command(description="An embed over Discord's limits")
        async def bigembed(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="Splits")
            for i in range(26):
                embed.add_field(name=f"Rep {i}", value="37.5")
            try:
                await interaction.response.send_message(embed=embed)
            except discord.HTTPException as exc:
                seen.record("bigembed", exc)
                await interaction.response.send_message("embed rejected", ephemeral=True)

        @tree.command(description="Post into a channel")
        async def post(
            interaction: discord.Interaction, channel: discord.TextChannel, text: str
        ) -> None:
            await interaction.response.defer(ephemeral=True)
            target = self.get_channel(channel.id)
            assert isinstance(target, discord.TextChannel)
            try:
                await target.send(text)
            except discord.Forbidden as exc:
                seen.record("post", exc)
                await interaction.followup.send(f"cannot post: {exc.code}")
            else:
                await interaction.followup.send("posted")

        @tree.command(description="Pick an event")
        async def pick(interaction: discord.Interaction, event: str) -> None:
            await interaction.response.send_message(f"picked {event}")

        @pick.autocomplete("event")
        async def pick_event(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            events = ["100m", "200m", "400m", "800m", "1500m"]
            return [app_commands.Choice(name=e, value=e) for e in events if e.startswith(current)]

        @tree.command(description="Import a CSV of splits")
        async def importcsv(interaction: discord.Interaction, file: discord.Attachment) -> None:
            lines = (await file.read()).decode().splitlines()
            await interaction.response.send_message(f"{file.filename}: {len(lines)} lines")

        @tree.command(description="Plan reps")
        @app_commands.choices(
            distance=[
                app_commands.Choice(name="300 m", value=300),
                app_commands.Choice(name="1 km", value=1000),
            ]
        )
        async def reps(
            interaction: discord.Interaction,
            distance: app_commands.Choice[int],
            count: app_commands.Range[int, 1, 20],
        ) -> None:
            await interaction.response.send_message(f"{count} x {distance.value}m")

        @tree.command(description="Describe a member")
        async def whois(
            interaction: discord.Interaction, member: discord.Member, role: discord.Role | None
        ) -> None:
            coach = member.guild_permissions.manage_guild
            extra = f" role={role.name}" if role else ""
            await interaction.response.send_message(
                f"{member.display_name} coach={coach}{extra}", ephemeral=True
            )

        @tree.command(description="DM me")
        async def dmme(interaction: discord.Interaction) -> None:
            await interaction.user.send("hello in your DMs")
            await interaction.response.send_message("sent", ephemeral=True)

        @app_commands.command(description="Coaches only")
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.guild_only()
        async def coach(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("coach ok", ephemeral=True)

        tree.add_command(coach, guild=discord.Object(self.guild_id))
        await tree.sync()
        await tree.sync(guild=discord.Object(self.guild_id))

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s before every re-IDENTIFY (Discord's identify rate
        # limit); the fake has no such limit, so keep the re-identify test fast.
        return None

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        if message.guild is None:
            await message.channel.send(f"dm: {message.content}")
        elif self.user is not None and self.user.mentioned_in(message):
            await message.reply("you called?")


# ---------------------------------------------------------------------- fixtures
@dataclass
class World:
    guild: Guild
    workouts: Channel
    results: Channel
    coach_role: Role
    coach: Member
    athlete: Member


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token="test-token") as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(fake: FakeDiscord) -> World:
    guild = fake.create_guild("Track Club")
    workouts = fake.create_channel(guild, "workouts")
    results = fake.create_channel(guild, "results")
    coach_role = fake.create_role(guild, "Coach", permissions=MANAGE_GUILD)
    coach = fake.create_member(guild, "Coach Kim", roles=[coach_role])
    athlete = fake.create_member(guild, "Ana")
    return World(guild, workouts, results, coach_role, coach, athlete)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake: FakeDiscord, world: World) -> AsyncIterator[LoopBot]:
    with pointed_at(fake):
        bot = LoopBot(world.guild.id)
        task = asyncio.create_task(bot.start(fake.token))
        await fake.wait_for_ready()
        await fake.wait_for_commands(world.guild)
        yield bot
        await bot.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture(autouse=True)
def clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test must leave the fake without unexplained violations."""
    yield
    if "fake" in request.fixturenames:
        request.getfixturevalue("fake").assert_clean()


# ------------------------------------------------------------------------- tests
async def test_wrong_token_is_login_failure(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.none())
    with pointed_at(fake), pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_gateway_identify_with_bad_token_closes_4004(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.none())
    with pointed_at(fake):
        await client.login(fake.token)
        client.http.token = "stolen"  # REST login passed; IDENTIFY must still fail
        with pytest.raises(discord.ConnectionClosed) as info:
            await client.connect(reconnect=False)
    assert info.value.code == 4004
    await client.close()


async def test_ready_populates_cache(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Track Club"
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert guild.me is not None
    coach = guild.get_member(world.coach.id)
    assert coach is not None and coach.display_name == "Coach Kim"
    assert [r.name for r in coach.roles if not r.is_default()] == ["Coach"]
    assert coach.guild_permissions.manage_guild
    assert guild.owner_id == world.guild.owner_id
    assert {c.name for c in guild.text_channels} == {"workouts", "results"}
    assert fake.gateway_stats.identifies == 1
    assert {c.compress for c in fake.gateway.connections} == {"zlib-stream"}


async def test_commands_are_synced_with_option_types(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    global_cmds = {c["name"]: c for c in fake.commands()}
    assert {"echo", "math", "form", "pick", "whois"} <= set(global_cmds)
    math = global_cmds["math"]
    add = next(o for o in math["options"] if o["name"] == "add")
    assert add["type"] == 1
    assert [(o["name"], o["type"], o.get("required")) for o in add["options"]] == [
        ("a", 4, True),
        ("b", 4, True),
    ]
    assert global_cmds["pick"]["options"][0]["autocomplete"] is True
    guild_cmds = {c["name"]: c for c in fake.commands(world.guild)}
    assert set(guild_cmds) == {"coach"}
    assert int(guild_cmds["coach"]["default_member_permissions"]) == MANAGE_GUILD
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == set(global_cmds)


async def test_slash_roundtrip(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "echo", {"text": "hi there"}, channel=world.workouts)
    callback = await itx.wait_response()
    assert callback.type == 4
    reply = await itx.wait_reply()
    assert reply.content == "hi there"
    assert reply.author_id == fake.bot_user.id
    assert not reply.ephemeral
    assert reply in fake.messages(world.workouts)


async def test_subcommand_with_typed_options(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "math add", {"a": 2, "b": "40"}, channel=world.workouts)
    assert (await itx.wait_reply()).content == "42"
    sub = itx.data["options"][0]
    assert sub["type"] == 1 and [o["value"] for o in sub["options"]] == [2, 40]
    half = await fake.slash(world.athlete, "math half", {"x": "7.5"}, channel=world.workouts)
    assert (await half.wait_reply()).content == "3.75"


async def test_attachment_choices_and_ranges(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    csv = ("splits.csv", b"rep,time\n1,37.5\n2,38.1\n")
    itx = await fake.slash(world.coach, "importcsv", {"file": csv}, channel=world.workouts)
    assert (await itx.wait_reply()).content == "splits.csv: 3 lines"
    itx = await fake.slash(
        world.coach, "reps", {"distance": "1 km", "count": 6}, channel=world.workouts
    )
    assert (await itx.wait_reply()).content == "6 x 1000m"
    with pytest.raises(DriverError, match="not one of the choices"):
        await fake.slash(world.coach, "reps", {"distance": 400, "count": 6}, channel=world.workouts)
    with pytest.raises(DriverError, match="above max_value 20"):
        await fake.slash(
            world.coach, "reps", {"distance": 300, "count": 21}, channel=world.workouts
        )


async def test_driver_refuses_what_discord_would(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    with pytest.raises(DriverError, match="no option"):
        await fake.slash(world.athlete, "echo", {"txt": "x"}, channel=world.workouts)
    with pytest.raises(DriverError, match="required option 'b'"):
        await fake.slash(world.athlete, "math add", {"a": 1}, channel=world.workouts)
    with pytest.raises(DriverError, match="not an integer"):
        await fake.slash(world.athlete, "math add", {"a": "1.5", "b": 1}, channel=world.workouts)
    with pytest.raises(DriverError, match="not a synced"):
        await fake.slash(world.athlete, "nope", channel=world.workouts)
    with pytest.raises(DriverError, match="needs a subcommand"):
        await fake.slash(world.athlete, "math", channel=world.workouts)


async def test_defer_then_followup(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "slowreply", channel=world.workouts)
    assert (await itx.wait_response()).type == 5
    reply = await itx.wait_reply()
    assert itx.deferred
    assert reply.content == "done after defer"
    assert not reply.loading
    assert itx.followups == [reply] and itx.original is reply


async def test_ephemeral_reply_is_not_in_channel(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    itx = await fake.slash(world.athlete, "secret", channel=world.workouts)
    reply = await itx.wait_reply()
    assert reply.ephemeral and reply.flags & 64
    assert reply.content == "for your eyes only"
    assert all(m.id != reply.id for m in fake.messages(world.workouts))


async def test_button_opens_modal_and_submit(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.coach, "form", channel=world.workouts)
    message = await itx.wait_reply()
    assert [b["custom_id"] for b in message.buttons()] == ["open_form", "bump", "later"]
    click = await fake.click(world.coach, message, "open_form")
    assert (await click.wait_response()).type == 9
    assert click.modal is not None and click.modal["title"] == "Log a rep"
    with pytest.raises(DriverError, match="required"):
        await fake.submit_modal(world.coach, click, {"notes": "windy"})
    with pytest.raises(DriverError, match="at most 10"):
        await fake.submit_modal(world.coach, click, {"time": "x" * 11})
    submit = await fake.submit_modal(world.coach, click, {"time": "37.47", "notes": "windy"})
    reply = await submit.wait_reply()
    assert reply.content == "Logged 37.47 (windy)" and reply.ephemeral
    bump = await fake.click(world.athlete, message, "bump")
    assert (await bump.wait_response()).type == 7
    assert message.content == "bumped" and message.components == []


async def test_select_and_deferred_update(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.coach, "form", channel=world.workouts)
    message = await itx.wait_reply()
    chose = await fake.click(world.athlete, message, "event", values=["200m", "800m"])
    assert (await chose.wait_reply()).content == "chose 200m,800m"
    with pytest.raises(DriverError, match="not among the select options"):
        await fake.click(world.athlete, message, "event", values=["5k"])
    later = await fake.click(world.athlete, message, "later")
    assert (await later.wait_response()).type == 6
    edited = await later.wait_reply()
    assert edited is message and message.content == "edited later" and message.edited


async def test_defer_edit_original_then_followup(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    itx = await fake.slash(world.athlete, "progress", channel=world.workouts)
    first = await itx.wait_reply()
    assert first.content == "50%" and first.ephemeral
    assert first is itx.original
    [done] = await itx.wait_followups(1)
    assert done.content == "done (50% before)" and done.ephemeral and done is not first


async def test_rest_message_lifecycle(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    channel = bot.get_channel(world.results.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("draft", embed=discord.Embed(title="Splits"))
    stored = fake.get_message(sent.id)
    assert stored is not None and stored.embeds[0]["title"] == "Splits"
    await sent.edit(content="final")
    assert stored.content == "final" and stored.edited
    await sent.add_reaction("✅")
    assert stored.reactions == {"✅": {fake.bot_user.id}}
    history = [m async for m in channel.history(limit=5)]
    assert history[0].id == sent.id
    assert (await channel.fetch_message(sent.id)).content == "final"
    user_msg = await fake.send_message(world.athlete, world.results, "nice")
    theirs = await channel.fetch_message(user_msg.id)
    with pytest.raises(discord.Forbidden) as foreign:
        await theirs.edit(content="hijacked")
    assert foreign.value.code == 50005
    await sent.delete()
    assert stored.deleted and stored not in fake.messages(world.results)
    with pytest.raises(discord.NotFound) as gone:
        await channel.fetch_message(sent.id)
    assert gone.value.code == 10008
    assert [v.kind for v in fake.take_violations()] == ["edit_foreign_message", "unknown_message"]


async def test_enforced_nonce_returns_the_first_message(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    """Discord answers a repeated create with ``enforce_nonce`` with the message
    it already made: how a process that died after posting does not post twice."""
    channel = bot.get_channel(world.results.id)
    assert isinstance(channel, discord.TextChannel)
    before = len(fake.messages(world.results))
    hits = fake.nonce_hits
    first = await channel.send("WOD", nonce="w7g0")
    again = await channel.send("WOD", nonce="w7g0")
    assert again.id == first.id and fake.nonce_hits == hits + 1
    other = await channel.send("WOD", nonce="w7g1")
    assert other.id != first.id
    assert len(fake.messages(world.results)) == before + 2
    await first.delete()
    after_delete = await channel.send("WOD", nonce="w7g0")
    assert after_delete.id not in (first.id, other.id)
    await other.delete()
    await after_delete.delete()


async def test_rest_lookups(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    info = await bot.application_info()
    assert info.id == fake.application_id and info.owner.id == fake.app_owner.id
    user = await bot.fetch_user(world.coach.id)
    assert user.display_name == "Coach Kim"
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    member = await guild.fetch_member(world.coach.id)
    assert [r.id for r in member.roles if not r.is_default()] == [world.coach_role.id]
    fetched = await bot.fetch_channel(world.workouts.id)
    assert isinstance(fetched, discord.TextChannel) and fetched.name == "workouts"
    shy = fake.create_member(world.guild, fake.create_user("Shy", dms_open=False))
    await fake.sync_gateway()
    shy_member = guild.get_member(shy.id)
    assert shy_member is not None
    with pytest.raises(discord.Forbidden) as closed:
        await shy_member.send("hi")
    assert closed.value.code == 50007
    assert [v.kind for v in fake.take_violations()] == ["cannot_dm"]


async def test_file_upload(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "upload", channel=world.workouts)
    reply = await itx.wait_reply()
    assert reply.content == "splits"
    [attachment] = reply.attachments
    assert attachment.filename == "splits.csv"
    assert attachment.data == b"rep,time\n1,37.47\n"
    fetched = await bot.http.get_from_cdn(f"{fake.base_url}/attachments/0/{attachment.id}/x")
    assert fetched == attachment.data


async def test_double_answer_is_detected(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "twice", channel=world.workouts)
    await itx.wait_reply()
    error = await asyncio.wait_for(bot.seen.future("twice"), 5)
    assert isinstance(error, discord.HTTPException) and error.code == 40060
    violation = await fake.wait_for_violation("double_ack")
    assert "already been acknowledged" in str(violation)
    fake.take_violations()


async def test_ack_deadline(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    fake.ack_deadline = 0.3
    try:
        itx = await fake.slash(world.athlete, "slow", channel=world.workouts)
    finally:
        fake.ack_deadline = 3.0
    with pytest.raises(AssertionError, match="The application did not respond"):
        await itx.wait_reply()
    error = await asyncio.wait_for(bot.seen.future("slow"), 5)
    assert isinstance(error, discord.NotFound) and error.code == 10062
    [violation] = fake.take_violations()
    assert violation.kind == "ack_deadline" and "did not respond within 0.3 s" in str(violation)


async def test_embed_over_limits_is_rejected(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "bigembed", channel=world.workouts)
    reply = await itx.wait_reply()
    assert reply.content == "embed rejected"
    error = await asyncio.wait_for(bot.seen.future("bigembed"), 5)
    assert isinstance(error, discord.HTTPException) and error.code == 50035
    assert "data.embeds.0.fields" in str(error)
    [violation] = fake.take_violations()
    assert violation.kind == "invalid_form_body"


async def test_permission_denied_in_channel(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    fake.set_overwrite(world.results, fake.bot_user, deny=SEND_MESSAGES)
    try:
        itx = await fake.slash(
            world.coach, "post", {"channel": world.results, "text": "PB!"}, channel=world.workouts
        )
        reply = await itx.wait_reply()
        assert reply.content == "cannot post: 50013" and reply.ephemeral
        [violation] = fake.take_violations()
        assert violation.kind == "missing_permissions" and "SEND_MESSAGES" in str(violation)
    finally:
        fake.set_overwrite(world.results, fake.bot_user)
    itx = await fake.slash(
        world.coach, "post", {"channel": world.results, "text": "PB!"}, channel=world.workouts
    )
    assert (await itx.wait_reply()).content == "posted"
    posted = await fake.wait_for_message(world.results)
    assert posted.content == "PB!"


async def test_autocomplete(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    choices = await fake.autocomplete(
        world.athlete, "pick", {"event": "1"}, focused="event", channel=world.workouts
    )
    assert [c["value"] for c in choices] == ["100m", "1500m"]


async def test_member_and_role_options(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(
        world.athlete,
        "whois",
        {"member": world.coach, "role": world.coach_role},
        channel=world.workouts,
    )
    assert (await itx.wait_reply()).content == "Coach Kim coach=True role=Coach"
    assert str(world.coach.id) in itx.data["resolved"]["members"]


async def test_default_member_permissions(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.coach, "coach", channel=world.workouts)
    assert (await itx.wait_reply()).content == "coach ok"
    with pytest.raises(DriverError, match="requires MANAGE_GUILD"):
        await fake.slash(world.athlete, "coach", channel=world.workouts)


async def test_slash_in_dm_and_bot_dms(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    itx = await fake.slash(world.athlete, "echo", {"text": "in a DM"}, dm=True)
    reply = await itx.wait_reply()
    assert reply.content == "in a DM" and reply.guild_id is None
    assert "user" in itx.payload and "member" not in itx.payload
    with pytest.raises(DriverError, match=r"not a synced slash command \(global\)"):
        await fake.slash(world.coach, "coach", dm=True)
    itx = await fake.slash(world.athlete, "dmme", channel=world.workouts)
    await itx.wait_reply()
    dm = fake.dm_channel(world.athlete)
    message = await fake.wait_for_message(dm)
    assert message.content == "hello in your DMs" and dm.type == DM


async def test_messages_dm_and_mention(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    dm = fake.dm_channel(world.coach)
    await fake.send_message(world.coach, dm, "hello bot")
    answer = await fake.wait_for_message(dm)
    assert answer.content == "dm: hello bot"
    question = await fake.send_message(
        world.athlete, world.workouts, "are you there?", mentions=[fake.bot_user]
    )
    assert question.mentions == [fake.bot_user.id]
    reply = await fake.wait_for_message(world.workouts)
    assert reply.content == "you called?"
    assert reply.message_reference is not None
    assert reply.message_reference["message_id"] == str(question.id)


async def test_world_changes_after_ready(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    channel = fake.create_channel(world.guild, "track-talk")
    member = fake.create_member(world.guild, "Late Joiner")
    await fake.sync_gateway()
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    assert guild.get_channel(channel.id) is not None
    assert guild.get_member(member.id) is not None


async def test_a_deleted_role_leaves_the_guild_its_members_and_channels(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    hurdlers = fake.create_role(world.guild, "Hurdlers")
    member = fake.create_member(world.guild, "Hana", roles=[hurdlers])
    fake.set_overwrite(world.results, hurdlers, allow=SEND_MESSAGES)
    await fake.sync_gateway()
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.get_role(hurdlers.id) is not None

    fake.delete_role(hurdlers)
    await fake.sync_gateway()
    assert guild.get_role(hurdlers.id) is None  # GUILD_ROLE_DELETE reached the bot
    assert hurdlers.id not in world.guild.roles
    assert member.roles == [] and hurdlers.id not in world.results.overwrites
    itx = await fake.slash(member, "whois", {"member": member}, channel=world.workouts)
    assert (await itx.wait_reply()).content == "Hana coach=False"
    assert itx.payload["member"]["roles"] == []
    with pytest.raises(ValueError, match="cannot be deleted"):
        fake.delete_role(world.guild.everyone)
    with pytest.raises(ValueError, match="is not in"):
        fake.delete_role(hurdlers)


async def test_gateway_resume_replays_missed_events(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    resumed = fake.gateway_stats.resumes
    disconnect = asyncio.create_task(fake.disconnect_gateway(resume=True))
    await asyncio.sleep(0)  # let the disconnect start: the next event is sent while offline
    assert not fake.gateway.connected
    itx = await fake.slash(world.athlete, "echo", {"text": "while away"}, channel=world.workouts)
    await disconnect
    assert fake.gateway_stats.resumes == resumed + 1
    assert (await itx.wait_reply()).content == "while away"
    await fake.disconnect_gateway(resume=True, reconnect_op=True)
    assert fake.gateway_stats.resumes == resumed + 2
    itx = await fake.slash(world.athlete, "math add", {"a": 1, "b": 1}, channel=world.workouts)
    assert (await itx.wait_reply()).content == "2"


async def test_a_gateway_outage_keeps_the_bot_off_until_it_ends_then_it_resumes(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    resumed, held = fake.gateway_stats.resumes, fake.gateway.held_connections
    async with fake.gateway.outage():
        # The bot saw its connection close and its next one waits for HELLO.
        assert fake.gateway.held_connections == held + 1
        assert not fake.gateway.connected
        itx = await fake.slash(
            world.athlete, "echo", {"text": "in the outage"}, channel=world.workouts
        )
        assert fake.gateway_stats.resumes == resumed
    assert fake.gateway_stats.resumes == resumed + 1
    assert (await itx.wait_reply()).content == "in the outage"  # replayed on RESUME


async def test_gateway_invalid_session_reidentifies(
    fake: FakeDiscord, world: World, bot: LoopBot
) -> None:
    identifies = fake.gateway_stats.identifies
    await fake.disconnect_gateway(resume=False)
    assert fake.gateway_stats.identifies == identifies + 1
    itx = await fake.slash(world.athlete, "echo", {"text": "fresh"}, channel=world.workouts)
    assert (await itx.wait_reply()).content == "fresh"


async def test_unknown_route_is_recorded(fake: FakeDiscord, bot: LoopBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/stickers/{sticker_id}", sticker_id=1))
    assert fake.unknown_routes == ["GET /api/v10/stickers/1"]
    with pytest.raises(AssertionError, match="unknown route: GET /api/v10/stickers/1"):
        fake.assert_clean()
    fake.unknown_routes.clear()


async def test_channel_errors(fake: FakeDiscord, world: World, bot: LoopBot) -> None:
    with pytest.raises(discord.NotFound) as unknown:
        await bot.http.send_message(123, params=_text_params("x"))
    assert unknown.value.code == 10003
    with pytest.raises(discord.HTTPException) as too_long:
        await bot.http.send_message(world.workouts.id, params=_text_params("x" * 2001))
    assert too_long.value.code == 50035
    kinds = [v.kind for v in fake.take_violations()]
    assert kinds == ["unknown_channel", "invalid_form_body"]


def _text_params(content: str) -> Any:
    return discord.http.handle_message_parameters(content=content)


async def test_transcript_reads_like_a_conversation(fake: FakeDiscord, bot: LoopBot) -> None:
    text = fake.format_transcript()
    assert "[#workouts] Ana: /echo text:hi there" in text
    assert "[#workouts] Trackside: hi there" in text
    assert "opened modal “Log a rep”" in text
