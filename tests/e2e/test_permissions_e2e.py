"""Who may do what, end to end (issue #8, part B).

Every coach-only action tried by an athlete, every /config change tried by the
assistant (coach role, no Manage Server), every own-data action aimed at a
teammate: each is refused with an explicit, private message and leaves every
table's rows unchanged. Positive controls show the same actions work
for whoever may do them, so a refusal is the rule and not a broken command.

The rules asserted (README "Commands" table; the product contract's "People"):

* Coaches are members with Manage Server or the configured coach role; they
  post and delete workouts, see scheduled ones, export the team, and delete or
  chart anyone's splits.
* ``/config`` needs Manage Server itself: the coach role is not enough.
  ``/config`` is hidden by Discord from members without Manage Server; the
  module opens it to everyone (``allow_command_for_everyone``) so the bot's own
  check is what is tested.
* Athletes delete, chart and export only their own splits; ``/splits mine`` is
  theirs alone. The board is team-visible by design (README: "everyone's
  results for a day"), charts are not ("athletes chart themselves").
* The owner-only ``@Trackside sync`` is ignored, not answered, for anyone else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from db.copy import TableCopy
from loopback import DriverError, Member, Message
from loopback.limits import EPHEMERAL
from tests.e2e.conftest import Club

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEED = "4 x 250m sprint + 1 x 300m"
ANA_SPLITS = "29.78 / 29.98 31.31 / 31.20 37.47"
BEN_SPLITS = "31.11 31.22 31.33 31.44 39.99"
BEN_YESTERDAY = "250m 32.01, 300m 40.02"
SCHEDULED = "10 x 400m @ 68"  # tomorrow's workout: coaches see it, athletes don't


async def db_digest(club: Club) -> list[TableCopy]:
    return await club.digest()


def bot_messages(club: Club) -> list[tuple[int, int]]:
    """(id, edit count) of the bot's visible channel messages: a refusal posts
    and edits nothing."""
    return [
        (m.id, m.edit_count)
        for channel in (club.general, club.workouts)
        for m in club.fake.messages(channel)
        if m.author_id == club.fake.bot_user.id
    ]


async def slash(club: Club, who: Member, command: str, options: dict[str, Any]) -> Message:
    itx = await club.fake.slash(who, command, options, channel=club.workouts)
    return await itx.wait_reply(timeout=30)


def csv_rows(reply: Message) -> list[dict[str, str]]:
    [attachment] = reply.attachments
    return list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"))))


@pytest_asyncio.fixture(loop_scope="module", scope="module", autouse=True)
async def team(club: Club) -> None:
    await slash(club, club.coach, "config channel", {"channel": club.workouts})
    await slash(club, club.coach, "config coach-role", {"role": club.coach_role})
    await slash(club, club.coach, "config group add", {"name": "Sprints"})
    await slash(club, club.coach, "wod post", {"workout": SEED, "title": "Sprint session"})
    await slash(club, club.coach, "wod post", {"workout": SCHEDULED, "date": "tomorrow"})
    await slash(club, club.ana, "splits submit", {"splits": ANA_SPLITS})
    await slash(club, club.ben, "splits submit", {"splits": BEN_SPLITS})
    await slash(club, club.ben, "splits submit", {"splits": BEN_YESTERDAY, "date": "yesterday"})
    # What an admin can do in Server Settings → Integrations: without it Discord
    # hides /config from non-admins and the bot's own check is never reached.
    club.fake.allow_command_for_everyone(club.guild, "config")


# ----------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Refusal:
    actor: str  # attribute of Club
    command: str
    options: Callable[[Club], dict[str, Any]]
    expected: Callable[[Club], str]  # the whole refusal text

    @property
    def id(self) -> str:
        return f"{self.actor}:{self.command.replace(' ', '-')}"


def _coaches(action: str) -> Callable[[Club], str]:
    return lambda c: (
        f"Only coaches can {action}: that takes Manage Server or the <@&{c.coach_role.id}> role."
    )


def _no_options(_: Club) -> dict[str, Any]:
    return {}


SETTINGS_ONLY = "Only members with Manage Server can change Trackside's settings."
CONFIG: list[tuple[str, Callable[[Club], dict[str, Any]]]] = [
    ("config channel", lambda c: {"channel": c.general}),
    ("config post-time", lambda c: {"time": "07:00"}),
    ("config timezone", lambda c: {"timezone": "Europe/Berlin"}),
    ("config coach-role", lambda c: {"role": c.guild.everyone}),
    ("config show", _no_options),
    ("config group add", lambda c: {"name": "Hurdles", "role": c.coach_role, "ping": True}),
    ("config group remove", lambda c: {"name": "Sprints"}),  # the team's group
]

REFUSALS: list[Refusal] = [
    # Coach-only actions, as an athlete.
    Refusal("ana", "wod post", lambda c: {"workout": "6 x 1 mile"}, _coaches("post workouts")),
    Refusal(
        "ana",
        "wod post",
        lambda c: {"workout": "6 x 1 mile", "date": "tomorrow"},
        _coaches("post workouts"),
    ),
    Refusal("ana", "wod delete", lambda c: {"date": "today"}, _coaches("delete workouts")),
    Refusal(
        "ben",
        "splits delete",
        lambda c: {"athlete": c.ana},
        lambda c: "Only coaches can delete splits for another athlete.",
    ),
    # Own data only: a teammate's chart is refused (README: athletes chart themselves).
    Refusal(
        "ben",
        "splits chart",
        lambda c: {"athlete": c.ana},
        lambda c: "Only coaches can chart splits for another athlete.",
    ),
    Refusal(
        "ben",
        "splits chart",
        lambda c: {"athlete": c.ana, "date": "today"},
        lambda c: "Only coaches can chart splits for another athlete.",
    ),
    # Naming the workout (training groups) changes nothing: still a teammate's.
    Refusal(
        "ben",
        "splits delete",
        lambda c: {"athlete": c.ana, "workout": "Team"},
        lambda c: "Only coaches can delete splits for another athlete.",
    ),
    Refusal(
        "ben",
        "splits chart",
        lambda c: {"athlete": c.ana, "workout": "Team"},
        lambda c: "Only coaches can chart splits for another athlete.",
    ),
    # /config needs Manage Server: athletes and the assistant (coach role only).
    *(Refusal("ana", name, options, lambda c: SETTINGS_ONLY) for name, options in CONFIG),
    *(Refusal("assistant", name, options, lambda c: SETTINGS_ONLY) for name, options in CONFIG),
]


@pytest.mark.parametrize("case", REFUSALS, ids=lambda case: case.id)
async def test_refused_privately_and_nothing_changes(club: Club, clean_fake, case: Refusal) -> None:
    before, posts = await db_digest(club), bot_messages(club)
    reply = await slash(club, getattr(club, case.actor), case.command, case.options(club))
    assert reply.ephemeral, reply.content
    assert reply.content == case.expected(club)
    # The refusal may name the coach role; it must not ping it.
    assert reply.allowed_mentions == {"parse": []} and reply.mention_roles == []
    assert await db_digest(club) == before, f"/{case.command} refused but changed the database"
    assert bot_messages(club) == posts, f"/{case.command} refused but posted or edited"


# ----------------------------------------------------------------- positive controls


async def test_the_assistant_does_coach_actions(club: Club, clean_fake) -> None:
    """The coach role is enough for everything but /config: the refusals above
    are the rule, not broken commands."""
    reply = await slash(club, club.assistant, "wod post", {"workout": "5k tempo", "date": "friday"})
    assert "Friday 4 December 2026" in reply.content and "Parsed: 1 × 5 km" in reply.content
    reply = await slash(club, club.assistant, "wod list", {"days": 7})
    assert "Scheduled" in reply.embeds[0]["description"]
    reply = await slash(club, club.assistant, "wod delete", {"date": "2026-12-04"})
    assert reply.content.startswith("Deleted the workout for Friday 4 December 2026")

    reply = await slash(club, club.assistant, "splits export", {})
    assert {row["athlete"] for row in csv_rows(reply)} == {"Ana", "Ben"}
    reply = await slash(club, club.assistant, "splits chart", {"athlete": club.ana})
    assert reply.attachments[0].data.startswith(b"\x89PNG")
    prompt = await slash(club, club.assistant, "splits delete", {"athlete": club.ben})
    assert prompt.ephemeral and prompt.content.startswith("Delete Ben's splits for Sat 28 Nov")


async def test_the_coach_configures(club: Club, clean_fake) -> None:
    reply = await slash(club, club.coach, "config show", {})
    assert reply.ephemeral and reply.embeds[0]["title"] == "Trackside settings"


async def test_the_coach_manages_groups(club: Club, clean_fake) -> None:
    """What the assistant and athletes are refused above, Manage Server does."""
    reply = await slash(club, club.coach, "config group add", {"name": "Relays"})
    assert reply.ephemeral and reply.content.startswith("Added the group “Relays”.")
    prompt = await slash(club, club.coach, "config group remove", {"name": "Sprints"})
    assert prompt.ephemeral and prompt.content.startswith("Remove the group “Sprints”?")
    [_remove, cancel] = prompt.buttons()  # cancelled: the team keeps its group
    clicked = await club.fake.click(club.coach, prompt, cancel["custom_id"])
    assert (await clicked.wait_reply()).content == "Cancelled; nothing changed."
    prompt = await slash(club, club.coach, "config group remove", {"name": "Relays"})
    clicked = await club.fake.click(club.coach, prompt, prompt.buttons()[0]["custom_id"])
    done = await clicked.wait_reply()
    assert done.content.startswith("Removed the group “Relays”.")


# ----------------------------------------------------------------- own data


async def test_athletes_see_only_posted_workouts_in_the_list(club: Club, clean_fake) -> None:
    reply = await slash(club, club.ana, "wod list", {"days": 7})
    description = reply.embeds[0]["description"]
    assert "10 × 400 m" not in description and "Scheduled" not in description
    # Asking for the scheduled day directly says when it posts, not what it is.
    reply = await slash(club, club.ana, "wod show", {"date": "tomorrow"})
    assert reply.ephemeral and "10 × 400" not in reply.text() and "68" not in reply.text()
    assert reply.content.startswith("The workout for Sunday 29 November 2026 is not posted yet")


async def test_mine_shows_only_your_own(club: Club, clean_fake) -> None:
    reply = await slash(club, club.ana, "splits mine", {})
    text = reply.text()
    assert reply.ephemeral
    assert "Sat 28 Nov" in text and "Fri 27 Nov" not in text  # Ben's yesterday
    assert "29.78" in text and "32.01" not in text and "31.11" not in text


async def test_an_athletes_export_has_only_their_rows(club: Club, clean_fake) -> None:
    reply = await slash(club, club.ben, "splits export", {})
    rows = csv_rows(reply)
    assert reply.ephemeral and reply.content.startswith("7 split(s): your splits")
    assert {row["athlete_id"] for row in rows} == {str(club.ben.user.id)}
    assert len(rows) == 7  # five today, two yesterday


async def test_the_board_is_team_visible(club: Club, clean_fake) -> None:
    """The documented rule, not a refusal: the day's board is for the team."""
    reply = await slash(club, club.ben, "splits board", {})
    assert not reply.ephemeral and "Ana" in reply.text() and "Ben" in reply.text()


async def test_only_the_asker_can_confirm_a_delete(club: Club, clean_fake) -> None:
    fake = club.fake
    itx = await fake.slash(club.ana, "splits delete", {}, channel=club.workouts)
    prompt = await itx.wait_reply()
    [delete, _cancel] = prompt.buttons()
    before = await db_digest(club)
    # Discord shows an ephemeral prompt to its owner only: nobody else can click.
    with pytest.raises(DriverError, match="cannot see ephemeral message"):
        await fake.click(club.ben, prompt, delete["custom_id"])
    # Were it visible (a bug on Discord's side, a forged request), the bot's
    # own check still refuses: the fake's record is made public for one click.
    prompt.flags &= ~EPHEMERAL
    try:
        clicked = await fake.click(club.ben, prompt, delete["custom_id"])
        refusal = await clicked.wait_reply()
    finally:
        prompt.flags |= EPHEMERAL
    assert refusal.ephemeral
    assert refusal.content == "Only the person who asked can confirm this."
    assert await db_digest(club) == before
    # The owner's click still works afterwards: the refusal did not consume the view.
    clicked = await fake.click(club.ana, prompt, delete["custom_id"])
    done = await clicked.wait_reply()
    assert done.content == "Deleted Ana's splits for Sat 28 Nov."
    # Put Ana's splits back for the tests after this one.
    await slash(club, club.ana, "splits submit", {"splits": ANA_SPLITS})


# ----------------------------------------------------------------- owner-only sync


def _syncs(club: Club) -> int:
    return sum(1 for line in club.fake.transcript if "synced" in line and line.startswith("--"))


async def test_only_the_owner_can_force_a_sync(club: Club, clean_fake) -> None:
    fake = club.fake
    before = _syncs(club)
    asked = await fake.send_message(club.ana, club.general, "sync", mentions=[fake.bot_user])
    # The owner's sync, sent after Ana's, is answered; Ana's never is.
    owner_dm = fake.dm_channel(fake.app_owner)
    sent = await fake.send_message(fake.app_owner, owner_dm, "sync", mentions=[fake.bot_user])
    done = await fake.wait_for_message(
        owner_dm,
        lambda m: (m.message_reference or {}).get("message_id") == str(sent.id),
        timeout=10,
    )
    assert done.content.startswith("Synced: ")
    assert _syncs(club) == before + 2  # the owner's guild and global syncs, nothing more
    with pytest.raises(AssertionError, match="no matching message"):
        await fake.wait_for_message(
            club.general,
            lambda m: (m.message_reference or {}).get("message_id") == str(asked.id),
            after=asked,
            timeout=0.5,
        )
    assert _syncs(club) == before + 2
