"""The loopback fake as a modified, hostile Discord client.

A bot must not trust what the official client enforces: a modified client
ignores option ranges, lengths and choices, leaves out required options, names
users, channels and roles the official client would not offer, and forges
component and modal interactions with any custom id.  ``slash(unchecked=True)``,
``autocomplete(unchecked=True)``, ``forge_component`` and ``forge_modal`` send
exactly that; these tests check the payloads against discord.py itself, and that
the fake still holds the *bot* to Discord's rules.  ``fake.rest.delay`` (a slow
Discord) is checked here through the bot's own ``channel.send``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from loopback import MANAGE_GUILD, DriverError, FakeDiscord, Guild, Member, Role
from loopback.models import Channel

pytestmark = pytest.mark.asyncio(loop_scope="module")

HUGE = 10**80


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
class RepButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rep:(?P<rep_id>-?\d+)"):
    """A persistent button whose custom id carries a rep id (forgeable)."""

    def __init__(self, rep_id: int) -> None:
        super().__init__(discord.ui.Button(label="Delete rep", custom_id=f"rep:{rep_id}"))
        self.rep_id = rep_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RepButton:
        return cls(int(match["rep_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"delete rep {self.rep_id}", ephemeral=True)


class SignupView(discord.ui.View):
    """A persistent view (``bot.add_view``): discord.py routes its custom id from
    any message, so a forged click on any message reaches it."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Sign up", custom_id="signup")
    async def signup(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.send_message("signed up", ephemeral=True)


class ForgeBot(commands.Bot):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)

    async def setup_hook(self) -> None:
        tree = self.tree
        self.add_dynamic_items(RepButton)
        self.add_view(SignupView())

        @tree.command(description="Plan reps")
        async def reps(interaction: discord.Interaction, count: app_commands.Range[int, 1, 50]):
            await interaction.response.send_message(f"count={count!r}")

        @tree.command(description="Run at a pace")
        async def pace(
            interaction: discord.Interaction, seconds: app_commands.Range[float, 10.0, 100.0]
        ) -> None:
            await interaction.response.send_message(f"seconds={seconds!r}")

        @tree.command(description="Leave a note")
        async def note(
            interaction: discord.Interaction, text: app_commands.Range[str, 1, 20]
        ) -> None:
            await interaction.response.send_message(f"note of {len(text)} characters")

        @tree.command(description="Plan a distance")
        @app_commands.choices(
            distance=[
                app_commands.Choice(name="300 m", value=300),
                app_commands.Choice(name="1 km", value=1000),
            ]
        )
        async def plan(
            interaction: discord.Interaction, distance: app_commands.Choice[int]
        ) -> None:
            await interaction.response.send_message(f"plan {distance.value}")

        @tree.command(description="Look at entities")
        async def inspect(
            interaction: discord.Interaction,
            user: discord.User | None = None,
            channel: app_commands.AppCommandChannel | None = None,
            role: discord.Role | None = None,
        ) -> None:
            guild = interaction.guild
            assert guild is not None
            parts = []
            if user is not None:
                parts.append(f"user={type(user).__name__}")
            if channel is not None:
                parts.append(f"channel_here={guild.get_channel(channel.id) is not None}")
            if role is not None:
                parts.append(f"role_here={guild.get_role(role.id) is not None}")
            await interaction.response.send_message(" ".join(parts), ephemeral=True)

        @tree.command(description="Pick an event")
        async def pick(
            interaction: discord.Interaction, event: str, laps: app_commands.Range[int, 1, 5] = 1
        ) -> None:
            await interaction.response.send_message(f"picked {event} x{laps}")

        @pick.autocomplete("event")
        async def pick_event(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            laps = interaction.namespace.laps
            return [app_commands.Choice(name=f"{len(current)} typed, laps={laps}", value="x")]

        @tree.command(description="Post a workout")
        async def workout(
            interaction: discord.Interaction, title: str, closed: bool = False
        ) -> None:
            await interaction.response.defer(ephemeral=True)
            channel = interaction.channel
            assert isinstance(channel, discord.TextChannel)
            await channel.send(f"Workout: {title}", view=self.rep_view(1, disabled=closed))
            await interaction.followup.send("posted", ephemeral=True)

        @tree.error
        async def on_tree_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            await interaction.response.send_message(
                f"error: {type(error).__name__}", ephemeral=True
            )

        await tree.sync()

    def rep_view(self, rep_id: int, *, disabled: bool = False) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        button = RepButton(rep_id)
        button.item.disabled = disabled
        view.add_item(button)
        return view

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answers forged modals and raw components that no view handles."""
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        custom_id = str(data.get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit and custom_id.startswith(
            "forged"
        ):
            fields = {
                c["custom_id"]: c["value"] for row in data["components"] for c in row["components"]
            }
            sizes = ", ".join(f"{k}:{len(v)}" for k, v in fields.items())
            if custom_id == "forged:echo":
                try:
                    await interaction.response.send_message(fields["text"])
                except discord.HTTPException as exc:
                    await interaction.response.send_message(f"rejected {exc.code}", ephemeral=True)
                return
            await interaction.response.send_message(f"modal {custom_id} {sizes}", ephemeral=True)
        elif interaction.type is discord.InteractionType.component and custom_id.startswith("raw:"):
            values = data.get("values")
            message = interaction.message
            await interaction.response.send_message(
                f"{custom_id} type={data.get('component_type')} values={values} "
                f"message={message.id if message else None}",
                ephemeral=True,
            )


# ---------------------------------------------------------------------- fixtures
@dataclass
class World:
    guild: Guild
    workouts: Channel
    coach: Member
    athlete: Member
    coach_role: Role
    rival: Guild
    rival_channel: Channel
    rival_role: Role


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token="hostile-token") as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(fake: FakeDiscord) -> World:
    guild = fake.create_guild("Track Club")
    workouts = fake.create_channel(guild, "workouts")
    coach_role = fake.create_role(guild, "Coach", permissions=MANAGE_GUILD)
    coach = fake.create_member(guild, "Coach Kim", roles=[coach_role])
    athlete = fake.create_member(guild, "Ana")
    rival = fake.create_guild("Rival Club")
    rival_channel = fake.create_channel(rival, "secret-plans")
    rival_role = fake.create_role(rival, "Rival Coach")
    return World(guild, workouts, coach, athlete, coach_role, rival, rival_channel, rival_role)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake: FakeDiscord, world: World) -> AsyncIterator[ForgeBot]:
    with pointed_at(fake):
        bot = ForgeBot()
        task = asyncio.create_task(bot.start(fake.token))
        await fake.wait_for_ready()
        await fake.wait_for_commands()
        yield bot
        await bot.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture(autouse=True)
def clean(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "fake" in request.fixturenames:
        request.getfixturevalue("fake").assert_clean()


def _option(itx: Any, name: str) -> dict[str, Any]:
    return next(o for o in itx.data["options"] if o["name"] == name)


# ------------------------------------------------------------ unchecked slash
async def test_unchecked_integer_beyond_range_reaches_the_command(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    with pytest.raises(DriverError, match="above max_value 50"):
        await fake.slash(world.athlete, "reps", {"count": 51}, channel=world.workouts)
    with pytest.raises(DriverError, match="outside Discord's integer range"):
        await fake.slash(world.athlete, "reps", {"count": HUGE}, channel=world.workouts)

    itx = await fake.slash(
        world.athlete, "reps", {"count": HUGE}, channel=world.workouts, unchecked=True
    )
    assert (await itx.wait_reply()).content == f"count={HUGE}"  # Range[int, 1, 50] let it in
    assert itx.modified_client
    value = _option(itx, "count")["value"]
    assert value == HUGE and type(value) is int
    assert f'"value":{HUGE}' in json.dumps(itx.payload, separators=(",", ":"))  # a JSON integer

    itx = await fake.slash(
        world.athlete, "reps", {"count": "-7"}, channel=world.workouts, unchecked=True
    )
    assert (await itx.wait_reply()).content == "count=-7"
    assert "Ana (modified client): /reps count:-7" in fake.format_transcript()


async def test_unchecked_number_string_and_choice(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    itx = await fake.slash(
        world.athlete, "pace", {"seconds": HUGE}, channel=world.workouts, unchecked=True
    )
    assert (await itx.wait_reply()).content == "seconds=1e+80"
    itx = await fake.slash(
        world.athlete, "pace", {"seconds": -0.5}, channel=world.workouts, unchecked=True
    )
    assert (await itx.wait_reply()).content == "seconds=-0.5"

    long_text = "x" * 10_000
    with pytest.raises(DriverError, match="longer than max_length 20"):
        await fake.slash(world.athlete, "note", {"text": long_text}, channel=world.workouts)
    itx = await fake.slash(
        world.athlete, "note", {"text": long_text}, channel=world.workouts, unchecked=True
    )
    assert (await itx.wait_reply()).content == "note of 10000 characters"
    assert _option(itx, "text")["value"] == long_text
    assert "text:xxxxxxxx" in fake.transcript[-2] and "(10000 chars)" in fake.transcript[-2]
    itx = await fake.slash(
        world.athlete, "note", {"text": ""}, channel=world.workouts, unchecked=True
    )
    assert (await itx.wait_reply()).content == "note of 0 characters"  # below min_length 1

    with pytest.raises(DriverError, match="not one of the choices"):
        await fake.slash(world.athlete, "plan", {"distance": 12345}, channel=world.workouts)
    itx = await fake.slash(
        world.athlete, "plan", {"distance": 12345}, channel=world.workouts, unchecked=True
    )
    assert _option(itx, "distance")["value"] == 12345
    # discord.py itself refuses a Choice[int] value that is not a choice.
    assert (await itx.wait_reply()).content == "error: TransformerError"
    with pytest.raises(DriverError, match="not an integer"):  # still typed
        await fake.slash(
            world.athlete, "plan", {"distance": "1 km"}, channel=world.workouts, unchecked=True
        )


async def test_unchecked_required_option_may_be_missing(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    with pytest.raises(DriverError, match="required option 'count' is missing"):
        await fake.slash(world.athlete, "reps", {}, channel=world.workouts)
    itx = await fake.slash(world.athlete, "reps", {}, channel=world.workouts, unchecked=True)
    assert itx.data["options"] == []
    assert (await itx.wait_reply()).content == "error: CommandSignatureMismatch"
    with pytest.raises(DriverError, match="has no option"):  # names still come from the sync
        await fake.slash(world.athlete, "reps", {"cnt": 1}, channel=world.workouts, unchecked=True)


async def test_unchecked_entities_the_official_client_would_not_offer(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    stranger = fake.create_user("Stranger")  # in no guild the bot shares
    itx = await fake.slash(
        world.athlete,
        "inspect",
        {"user": stranger, "channel": world.rival_channel, "role": world.rival_role},
        channel=world.workouts,
        unchecked=True,
    )
    assert (await itx.wait_reply()).content == "user=User channel_here=False role_here=False"
    resolved = itx.data["resolved"]
    assert set(resolved["users"]) == {str(stranger.id)} and "members" not in resolved
    foreign = resolved["channels"][str(world.rival_channel.id)]
    assert foreign["guild_id"] == str(world.rival.id) and foreign["permissions"] == "0"
    assert resolved["roles"][str(world.rival_role.id)]["name"] == "Rival Coach"
    with pytest.raises(DriverError, match="not in this guild"):
        await fake.slash(
            world.athlete, "inspect", {"role": world.rival_role}, channel=world.workouts
        )

    # A rival role named by its raw id resolves too; an id that exists nowhere does not.
    nowhere = 4242424242424242
    itx = await fake.slash(
        world.athlete,
        "inspect",
        {"user": nowhere, "role": str(world.rival_role.id)},
        channel=world.workouts,
        unchecked=True,
    )
    assert _option(itx, "user")["value"] == str(nowhere)
    assert set(itx.data["resolved"]) == {"roles"}  # nothing for the unknown user id
    # discord.py hands the command a bare discord.Object for an unresolved id.
    assert (await itx.wait_reply()).content == "user=Object role_here=False"
    with pytest.raises(DriverError, match="cannot resolve"):
        await fake.slash(world.athlete, "inspect", {"user": nowhere}, channel=world.workouts)


async def test_unchecked_autocomplete(fake: FakeDiscord, world: World, bot: ForgeBot) -> None:
    with pytest.raises(DriverError, match="above max_value 5"):
        await fake.autocomplete(
            world.athlete, "pick", {"laps": 999}, focused="event", channel=world.workouts
        )
    choices = await fake.autocomplete(
        world.athlete,
        "pick",
        {"event": "y" * 5000, "laps": 999},
        focused="event",
        channel=world.workouts,
        unchecked=True,
    )
    assert choices == [{"name": "5000 typed, laps=999", "value": "x"}]
    with pytest.raises(DriverError, match="has no autocomplete"):
        await fake.autocomplete(world.athlete, "pick", {}, focused="laps", channel=world.workouts)
    itx = fake.interactions[-1]
    assert itx.modified_client and "(modified client) typing /pick" in fake.transcript[-2]


# ------------------------------------------------------------ forged components
async def test_forged_button_reaches_a_dynamic_item(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    itx = await fake.slash(
        world.coach, "workout", {"title": "6 x 300", "closed": True}, channel=world.workouts
    )
    await itx.wait_reply()
    posted = await fake.wait_for_message(world.workouts)
    [button] = posted.buttons()
    assert button["custom_id"] == "rep:1" and button["disabled"]
    with pytest.raises(DriverError, match="disabled"):
        await fake.click(world.athlete, posted, "rep:1")

    # The official client cannot click a disabled button; a modified one can.
    forged = await fake.forge_component(world.athlete, world.workouts, "rep:1")
    reply = await forged.wait_reply()
    assert reply.content == "delete rep 1" and reply.ephemeral
    assert forged.modified_client and forged.source_message is posted  # newest bot message
    assert forged.payload["message"]["id"] == str(posted.id)
    assert forged.data == {"custom_id": "rep:1", "component_type": 2}
    assert "Ana (modified client) clicked [rep:1]" in fake.format_transcript()


async def test_discord_py_drops_a_dynamic_item_id_that_is_not_on_the_message(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    """discord.py only builds a DynamicItem when the interaction's message (which
    Discord fills in, the client cannot forge it) has a component with that id:
    ``rep:2`` goes unanswered, and the deadline is still enforced."""
    fake.ack_deadline = 0.2
    try:
        itx = await fake.forge_component(world.athlete, world.workouts, "rep:2")
    finally:
        fake.ack_deadline = 3.0
    with pytest.raises(AssertionError, match="did not respond"):
        await itx.wait_response()
    assert itx.failed
    [violation] = fake.take_violations()
    assert violation.kind == "ack_deadline" and "(component rep:2, modified client)" in str(
        violation
    )


async def test_forged_component_without_a_bot_message_and_in_dms(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    empty = fake.create_channel(world.guild, "empty")
    await fake.sync_gateway()
    itx = await fake.forge_component(world.athlete, empty, "signup")  # a persistent view
    assert (await itx.wait_reply()).content == "signed up"
    synthetic = itx.source_message
    assert synthetic is not None and synthetic.author_id == fake.bot_user.id
    assert itx.payload["message"]["author"]["id"] == str(fake.bot_user.id)
    assert fake.messages(empty) == []  # never stored (the reply is ephemeral)
    assert fake.get_message(synthetic.id) is None

    dm = fake.dm_channel(world.athlete)
    itx = await fake.forge_component(world.athlete, dm, "signup")
    reply = await itx.wait_reply()
    assert reply.content == "signed up" and reply.guild_id is None
    assert "user" in itx.payload and "member" not in itx.payload
    with pytest.raises(DriverError, match=r"not in \[DM Ana\]"):
        await fake.forge_component(world.athlete, dm, "signup", message=synthetic)


async def test_forged_select_values_and_an_explicit_message(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    posted = next(m for m in fake.messages(world.workouts) if m.buttons())
    itx = await fake.forge_component(
        world.athlete,
        world.workouts,
        "raw:event",
        component_type=3,
        values=["5k", "z" * 300],
        message=posted,
    )
    reply = await itx.wait_reply()
    assert reply.content.startswith("raw:event type=3 values=['5k', 'zzz")
    assert reply.content.endswith(f"message={posted.id}")
    stranger = fake.create_user("Drive-by")
    itx = await fake.forge_component(
        world.athlete,
        world.workouts,
        "raw:who",
        component_type=5,
        values=[stranger, 99],
        message=posted.id,
    )
    assert itx.data["values"] == [str(stranger.id), "99"]
    assert set(itx.data["resolved"]) == {"users"}  # no member entry, nothing for 99
    assert "values=" in (await itx.wait_reply()).content


# ---------------------------------------------------------------- forged modals
async def test_forged_modal_reaches_on_interaction(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    values = {f"field{i}": "7" * (i * 1000) for i in range(1, 8)}  # 7 inputs, up to 7000 chars
    itx = await fake.forge_modal(world.coach, world.workouts, "forged:log", values)
    reply = await itx.wait_reply()
    assert reply.content.startswith("modal forged:log field1:1000, field2:2000")
    assert reply.content.endswith("field7:7000")
    assert itx.modified_client and itx.source_message is None and "message" not in itx.payload
    row = itx.data["components"][0]
    text_input = {"type": 4, "custom_id": "field1", "value": "7" * 1000}
    assert row == {"type": 1, "components": [text_input]}
    assert "Coach Kim (modified client) submitted modal 'forged:log'" in fake.format_transcript()

    dm = fake.dm_channel(world.coach)
    itx = await fake.forge_modal(world.coach, dm, "forged:dm", {"a": "b"})
    assert (await itx.wait_reply()).content == "modal forged:dm a:1"


async def test_what_the_bot_answers_a_forged_modal_is_still_checked(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    itx = await fake.forge_modal(world.athlete, world.workouts, "forged:echo", {"text": "x" * 2001})
    reply = await itx.wait_reply()
    assert reply.content == "rejected 50035"
    [violation] = fake.take_violations()
    assert violation.kind == "invalid_form_body" and "content" in violation.message
    assert itx.errors and itx.errors[0].code == 50035


# ------------------------------------------------------------------ slow Discord
async def test_delay_makes_channel_send_take_the_delay(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    channel = bot.get_channel(world.workouts.id)
    assert isinstance(channel, discord.TextChannel)
    with fake.rest.delay("POST /channels/{channel_id}/messages", 0.3) as slow:
        start = time.perf_counter()
        sent = await channel.send("slow post")
        elapsed = time.perf_counter() - start
    assert elapsed >= 0.3
    assert slow.hits == [f"POST /api/v10/channels/{world.workouts.id}/messages"]
    start = time.perf_counter()
    await channel.send("fast again")  # the with block cancelled the delay
    assert time.perf_counter() - start < 0.3

    edit = fake.rest.delay("PATCH /channels/{channel_id}/messages/{message_id}", 0.3, count=1)
    start = time.perf_counter()
    await sent.edit(content="slow edit")
    assert time.perf_counter() - start >= 0.3
    assert fake.get_message(sent.id).content == "slow edit"  # type: ignore[union-attr]
    assert not edit.active and len(edit.hits) == 1


async def test_two_commands_posting_at_once_on_a_slow_discord(
    fake: FakeDiscord, world: World, bot: ForgeBot
) -> None:
    before = len(fake.messages(world.workouts))
    with fake.rest.delay("POST /channels/{channel_id}/messages", 0.3):
        first, second = await asyncio.gather(
            fake.slash(world.coach, "workout", {"title": "A"}, channel=world.workouts),
            fake.slash(world.coach, "workout", {"title": "B"}, channel=world.workouts),
        )
        await asyncio.gather(first.wait_reply(), second.wait_reply())
    posts = [m.content for m in fake.messages(world.workouts)[before:] if not m.ephemeral]
    assert sorted(posts) == ["Workout: A", "Workout: B"]
